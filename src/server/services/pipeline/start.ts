/**
 * render:start — the render begins: the script asset is created (or the user's edited script
 * stored as it) and generated; its success fans out to the other assets (./fanout).
 * On a retry it resumes: whatever already succeeded is kept.
 */
import { type Db } from "~/server/db";
import { enqueue } from "~/server/jobs";
import { ScriptSchema } from "~/plugins/spec/schemas";
import { renderSettingsSchema } from "../renders";
import { ASSET_JOB_ATTEMPTS, onAssetSettled } from "./fanout";
import { applyVariant } from "./inputs";
import { finalizeScript } from "./script-fit";

export async function startRender(db: Db, renderId: string): Promise<string> {
  const moved = await db.render.updateMany({
    where: { id: renderId, status: "queued" },
    data: { status: "running", stage: "script", progress: 1, startedAt: new Date() },
  });
  const render = await db.render.findUnique({ where: { id: renderId } });
  if (!render) return "render gone";
  if (moved.count === 0 && !(render.status === "running" && render.stage === "script")) return `render is ${render.status}`;
  const settings = renderSettingsSchema.parse(render.settings);

  let script = await db.renderAsset.findFirst({ where: { renderId, kind: "script" } });
  if (!script && settings.script) {
    const edited = finalizeScript(applyVariant(ScriptSchema.parse(settings.script), settings), settings, "The edited script");
    script = await db.renderAsset.create({
      data: { renderId, kind: "script", sceneIndex: -1, status: "succeeded", providerId: "user", data: edited as object, startedAt: new Date(), finishedAt: new Date() },
    });
  }
  script ??= await db.renderAsset.upsert({
    where: { renderId_kind_sceneIndex: { renderId, kind: "script", sceneIndex: -1 } },
    create: { renderId, kind: "script", sceneIndex: -1 },
    update: {},
  });
  if (script.status === "succeeded") {
    await onAssetSettled(db, script);
    return "resumed after script";
  }
  await enqueue("asset:generate", { renderId, assetId: script.id }, { jobKey: `asset:${script.id}`, maxAttempts: ASSET_JOB_ATTEMPTS });
  return "script queued";
}
