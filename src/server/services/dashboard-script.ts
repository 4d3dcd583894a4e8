/**
 * Script preview: the script a render would start from, generated before rendering so the user
 * can read it and edit it scene by scene. Saved edits live in Campaign.scriptOverride and are
 * used by every render queued afterwards (render:start stores them as the script asset).
 *
 * Generated with local-template (offline, free, instant), so previewing never spends quota.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type Script, ScriptSchema } from "~/plugins/spec/schemas";
import { type Db } from "~/server/db";
import { Prisma } from "~/server/generated/prisma/client";
import { getProvider, providerContext } from "./providers";
import { scriptInput } from "./pipeline/inputs";
import { renderSettingsSchema } from "./renders";
import { campaignFieldsSchema } from "~/shared/campaign";

const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

export async function generateScriptPreview(db: Db, campaignId: string): Promise<Script> {
  const c = await db.campaign.findUniqueOrThrow({ where: { id: campaignId } });
  const settings = renderSettingsSchema.parse({
    campaignId,
    campaign: campaignFieldsSchema.parse({ ...c, captionStyle: c.captionStyle ?? undefined, cta: c.cta ?? undefined }),
    images: [],
    preset: "preview",
  });
  const provider = getProvider("local-template");
  if (provider.kind !== "script") throw new Error("local-template is not a script provider");
  const outputDir = await fs.mkdtemp(path.join(os.tmpdir(), "reelfarm-script-"));
  try {
    const ctx = providerContext(provider, { signal: AbortSignal.timeout(10_000), outputDir, logger: quietLogger });
    const result = await provider.doGenerateScript(scriptInput(settings), ctx);
    return result.script;
  } finally {
    await fs.rm(outputDir, { recursive: true, force: true });
  }
}

/** Saves an edited script (validated like a provider's), or clears it with null. */
export async function saveScriptOverride(db: Db, campaignId: string, script: unknown) {
  const parsed = script === null ? null : ScriptSchema.parse(script);
  await db.campaign.update({ where: { id: campaignId }, data: { scriptOverride: parsed ?? Prisma.DbNull } });
  return parsed;
}
