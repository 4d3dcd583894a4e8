/**
 * Fan-out and fan-in. The script's success creates one asset (and one job) per voiceover,
 * scene still and the music; a scene's still, once made, starts its video clip. When no asset
 * but the music is pending or running any more, exactly one caller moves the render to "assemble" and queues
 * render:assemble (the conditional UPDATE is the lock; the jobKey makes a duplicate harmless).
 */
import { shortError } from "./user-error";
import { type Db } from "~/server/db";
import { enqueue } from "~/server/jobs";
import { type RenderAsset } from "~/server/generated/prisma/client";
import { type Script } from "~/plugins/spec/schemas";
import { providerChain } from "../providers";
import { renderSettingsSchema } from "../renders";
import { addStageTiming, setProgress, stageProgress } from "./progress";

export const ASSET_JOB_ATTEMPTS = 3;
export const ASSEMBLE_ATTEMPTS = 2;

/** Assets a render can do without: it goes on with a still instead of a clip, or without music. */
const OPTIONAL = new Set(["video", "music"]);
/** Assets the assembly can start without (it waits for them where they are used). */
const LATE = ["music"] as const;

async function queueAsset(db: Db, a: RenderAsset) {
  await enqueue("asset:generate", { renderId: a.renderId, assetId: a.id }, { jobKey: `asset:${a.id}`, maxAttempts: ASSET_JOB_ATTEMPTS });
}

async function fanOut(db: Db, script: RenderAsset) {
  const render = await db.render.findUniqueOrThrow({ where: { id: script.renderId } });
  const settings = renderSettingsSchema.parse(render.settings);
  const scenes = (script.data as unknown as Script).scenes.length;
  // Video clips only when a generative video provider is configured; else stills get Ken Burns.
  const wantVideo = providerChain("video").some((p) => !p.local);
  const specs: { kind: "voiceover" | "music" | "image" | "video"; sceneIndex: number }[] = [];
  for (let i = 0; i < scenes; i++) {
    specs.push({ kind: "voiceover", sceneIndex: i }, { kind: "image", sceneIndex: i });
    if (wantVideo) specs.push({ kind: "video", sceneIndex: i });
  }
  if (settings.campaign.musicMood !== "none") specs.push({ kind: "music", sceneIndex: -1 });
  // createMany + skipDuplicates: a replayed fan-out adds nothing (unique renderId+kind+sceneIndex).
  await db.renderAsset.createMany({ data: specs.map((s) => ({ renderId: render.id, ...s })), skipDuplicates: true });
  const assets = await db.renderAsset.findMany({ where: { renderId: render.id, kind: { not: "script" } } });
  await db.render.updateMany({ where: { id: render.id, status: "running", stage: "script" }, data: { stage: "assets", progress: stageProgress("assets", 0) } });
  if (script.startedAt && script.finishedAt) await addStageTiming(db, render.id, "script", script.finishedAt.getTime() - script.startedAt.getTime());
  for (const a of assets) {
    if (a.status === "succeeded") continue;
    if (a.kind === "video") {
      const still = assets.find((x) => x.kind === "image" && x.sceneIndex === a.sceneIndex);
      if (still?.status !== "succeeded") continue; // started when its still is done
    }
    await queueAsset(db, a);
  }
  await maybeAssemble(db, render.id);
}

export async function failRender(db: Db, renderId: string, error: string) {
  await db.render.updateMany({ where: { id: renderId, status: { in: ["queued", "running"] } }, data: { status: "failed", error: shortError(error), stage: "failed", finishedAt: new Date() } });
}

/** Called whenever an asset reaches succeeded or failed (idempotent). */
export async function onAssetSettled(db: Db, asset: RenderAsset) {
  if (asset.kind === "script") {
    if (asset.status === "succeeded") await fanOut(db, asset);
    else await failRender(db, asset.renderId, `Script: ${asset.error ?? "failed"}`);
    return;
  }
  if (asset.status === "failed" && !OPTIONAL.has(asset.kind)) {
    await failRender(db, asset.renderId, `${asset.kind} of scene ${asset.sceneIndex + 1}: ${asset.error ?? "failed"}`);
    return;
  }
  if (asset.kind === "image") {
    const video = await db.renderAsset.findFirst({ where: { renderId: asset.renderId, kind: "video", sceneIndex: asset.sceneIndex } });
    if (video && video.status === "pending") await queueAsset(db, video);
  }
  await maybeAssemble(db, asset.renderId);
}

/**
 * Moves the render to "assemble" once no asset the video needs is pending or running. The music is not waited
 * for: it is needed only for the soundtrack, which the assembly mixes beside the video encode, so its synthesis
 * (often the last asset offline) overlaps the encode (assemble.ts waits for it there).
 */
export async function maybeAssemble(db: Db, renderId: string) {
  const counts = await db.renderAsset.groupBy({ by: ["status"], where: { renderId, kind: { notIn: ["script", ...LATE] } }, _count: true });
  const total = counts.reduce((a, c) => a + c._count, 0);
  const open = counts.filter((c) => c.status === "pending" || c.status === "running").reduce((a, c) => a + c._count, 0);
  if (total === 0) return;
  if (open > 0) {
    await setProgress(db, renderId, "assets", stageProgress("assets", (total - open) / total));
    return;
  }
  const moved = await db.render.updateMany({ where: { id: renderId, status: "running", stage: "assets" }, data: { stage: "assemble", progress: stageProgress("assemble", 0) } });
  if (moved.count !== 1) return;
  const r = await db.render.findUniqueOrThrow({ where: { id: renderId }, select: { attempt: true } });
  const assets = await db.renderAsset.findMany({ where: { renderId, kind: { not: "script" } }, select: { startedAt: true, finishedAt: true } });
  const starts = assets.flatMap((a) => (a.startedAt ? [a.startedAt.getTime()] : []));
  const ends = assets.flatMap((a) => (a.finishedAt ? [a.finishedAt.getTime()] : []));
  if (starts.length && ends.length) await addStageTiming(db, renderId, "assets", Math.max(...ends) - Math.min(...starts));
  await enqueue("render:assemble", { renderId }, { jobKey: `render:assemble:${renderId}:${r.attempt}`, maxAttempts: ASSEMBLE_ATTEMPTS });
}
