/**
 * Script preview: the script a render would start from, written by the same script chain as a
 * render (Gemini when configured, the template as its fallback), checked the same way
 * (pipeline/script-fit: every must-say line and the CTA, the length) and saved as the campaign's
 * script, so the script previewed — or edited and saved — is the one every later render uses
 * (render:start stores it as the script asset). Its cost is returned and shown.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { missingLines, scriptSec } from "~/plugins/shared/coverage";
import { ProviderError } from "~/plugins/spec";
import { type Script, ScriptSchema } from "~/plugins/spec/schemas";
import { type Db } from "~/server/db";
import { Prisma } from "~/server/generated/prisma/client";
import { MAX_TEMPO } from "~/shared/brief-fit";
import { campaignFieldsSchema } from "~/shared/campaign";
import * as breaker from "./breaker";
import { providerChain, providerContext } from "./providers";
import { scriptInput } from "./pipeline/inputs";
import { finalizeScript } from "./pipeline/script-fit";
import { renderSettingsSchema, type RenderSettings } from "./renders";

const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

async function settingsOf(db: Db, campaignId: string): Promise<RenderSettings> {
  const c = await db.campaign.findUniqueOrThrow({ where: { id: campaignId } });
  return renderSettingsSchema.parse({
    campaignId,
    campaign: campaignFieldsSchema.parse({ ...c, captionStyle: c.captionStyle ?? undefined, cta: c.cta ?? undefined }),
    images: [],
    preset: "preview",
  });
}

export interface ScriptPreview {
  script: Script;
  /** Who wrote it ("Gemini script", "Template script (offline)"). */
  provider: string;
  costUsd: number;
  /** Why an earlier provider of the chain was not used, if one was skipped. */
  fallbackReason: string | null;
}

/** Writes the script with the render's script chain, checks it like a render would, and saves it. */
export async function generateScriptPreview(db: Db, campaignId: string): Promise<ScriptPreview> {
  const settings = await settingsOf(db, campaignId);
  const input = scriptInput(settings);
  const outputDir = await fs.mkdtemp(path.join(os.tmpdir(), "reelfarm-script-"));
  let fallbackReason: string | null = null;
  try {
    for (const p of providerChain("script")) {
      if (p.kind !== "script") continue;
      const call = new breaker.BreakerCall(db, p, "preview");
      const signal = AbortSignal.timeout(90_000);
      try {
        const admission = await call.admit(signal);
        if (!admission.allowed) {
          fallbackReason = `${p.displayName}: quota breaker ${admission.state}`;
          continue;
        }
        const ctx = providerContext(p, { signal, outputDir, logger: quietLogger, fetch: call.fetch });
        const result = await p.doGenerateScript(input, ctx);
        await call.succeeded();
        await breaker.countStat(db, p.id, p.model, "calls");
        await breaker.countStat(db, p.id, p.model, "successes", result.costUsd);
        const script = finalizeScript(result.script, settings, p.displayName);
        await db.campaign.update({ where: { id: campaignId }, data: { scriptOverride: script as object } });
        return { script, provider: p.displayName, costUsd: result.costUsd, fallbackReason };
      } catch (e) {
        if (!ProviderError.isInstance(e)) throw e;
        // A daily quota opens the breaker for the renders too; anything else only falls back here.
        await call.failed(e, e.code === "quota" && e.quotaScope === "day" ? (e.resetAt ?? new Date(Date.now() + 24 * 3600_000)) : undefined);
        await breaker.countStat(db, p.id, p.model, "calls");
        fallbackReason = `${p.displayName}: ${call.refusedAsSent ? `quota breaker ${call.refusedAsSent.state}` : e.code}`;
      } finally {
        await call.end();
      }
    }
    throw new Error(`No script provider could write the script (${fallbackReason ?? "none configured"})`);
  } finally {
    await fs.rm(outputDir, { recursive: true, force: true });
  }
}

/**
 * Saves an edited script (validated like a provider's), or clears it with null. An edit that
 * leaves out a must-say line or the CTA, or whose narration cannot be said in the campaign's
 * length (even sped up MAX_TEMPO), is refused with a message saying which.
 */
export async function saveScriptOverride(db: Db, campaignId: string, script: unknown) {
  if (script === null) {
    await db.campaign.update({ where: { id: campaignId }, data: { scriptOverride: Prisma.DbNull } });
    return null;
  }
  const parsed = ScriptSchema.parse(script);
  const settings = await settingsOf(db, campaignId);
  const input = scriptInput(settings);
  const missing = missingLines(parsed, input.campaign);
  const problems = [
    ...missing.mustSay.map((m) => `the narration must say the must-say line “${m}” word for word`),
    ...(missing.cta ? [`a scene must say the call to action “${missing.cta}”`] : []),
  ];
  const sec = scriptSec(parsed, input.timing!);
  if (sec > input.timing!.budgetSec * MAX_TEMPO) problems.push(`the narration takes about ${sec.toFixed(1)} s to say; a ${settings.campaign.targetSeconds} s ad has room for about ${input.timing!.budgetSec.toFixed(1)} s: shorten or remove a scene`);
  if (problems.length) throw new z.ZodError([{ code: "custom", path: ["script"], message: `Not saved: ${problems.join("; ")}.`, input: script }]);
  await db.campaign.update({ where: { id: campaignId }, data: { scriptOverride: parsed } });
  return parsed;
}
