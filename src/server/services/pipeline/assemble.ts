/**
 * render:assemble — the fan-in: every asset is done (or has fallen back), so the render engine
 * composes the video. ffmpeg is killed when the render is cancelled or the worker shuts down.
 * The output appears in storage only complete (renders/<id>/output.mp4).
 *
 * Then the video is checked (src/render/qa: the checks needing only the plan run during the
 * assembly, one decode pass after it): the report is stored on the render (`qa`, `qaWarnings`)
 * in the same update that marks it succeeded, so whoever sees "succeeded" sees its checks.
 */
import { userFacingRenderError } from "./user-error";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { renderVideo } from "~/render";
import { type QaRun, startRenderChecks } from "~/render/qa";
import { type Script, type WordTiming } from "~/plugins/spec/schemas";
import { type Db } from "~/server/db";
import { storage } from "~/server/storage";
import { enqueue } from "~/server/jobs";
import { renderSettingsSchema } from "../renders";
import { segmentCacheFor } from "../segment-cache";
import { segmentsRecord } from "../render-segments";
import { planBrand, scenePhoto } from "./brand-plan";
import { buildPlan, fitScenes, musicTrack, onScreenKey, onScreenText, type SceneAssets } from "./plan-builder";
import { fitVoiceClip } from "./voice-fit";
import { fitTimeline, TimelineFitError } from "./timeline-fit";
import { addStageTiming, setProgress, stageProgress } from "./progress";

export async function assembleRender(db: Db, renderId: string, opts: { signal: AbortSignal; hostId?: string }): Promise<string> {
  const render = await db.render.findUnique({ where: { id: renderId }, include: { assets: true } });
  if (!render || render.status !== "running" || render.stage !== "assemble") return `skipped (${render?.status}/${render?.stage})`;
  const settings = renderSettingsSchema.parse(render.settings);
  const store = await storage();
  const ok = render.assets.filter((a) => a.status === "succeeded" && a.file);
  const local = async (key: string) => store.localPath(key);
  const scriptRow = render.assets.find((a) => a.kind === "script" && a.status === "succeeded");
  if (!scriptRow) throw new Error("assemble without a script");
  const script = scriptRow.data as unknown as Script;

  const scenes: SceneAssets[] = [];
  for (let i = 0; i < script.scenes.length; i++) {
    const vo = ok.find((a) => a.kind === "voiceover" && a.sceneIndex === i);
    const still = ok.find((a) => a.kind === "image" && a.sceneIndex === i);
    const video = ok.find((a) => a.kind === "video" && a.sceneIndex === i);
    const photo = await scenePhoto(settings, i, local);
    scenes.push({
      ...(vo ? { voice: { path: await local(vo.file!), durationSec: vo.durationSec ?? 0, words: (vo.data as { words?: WordTiming[] } | null)?.words } } : {}),
      ...(still ? { still: { path: await local(still.file!) } } : {}),
      // A "video" asset that fell back to the still (image/*) gets Ken Burns, not clip treatment.
      ...(video && video.mimeType?.startsWith("video/") ? { clip: { path: await local(video.file!) } } : {}),
      ...(photo ? { photo } : {}),
      // The offline card without an upload is a designed background: the assembly animates it (motion background).
      ...(still && still.providerId === "local-card" && !photo ? { design: true } : {}),
    });
  }
  const music = ok.find((a) => a.kind === "music");
  // The music may still be in the making (fan-in does not wait for it: ./fanout.ts); the soundtrack then waits.
  const musicRow = render.assets.find((a) => a.kind === "music");
  const musicLate = musicRow && (musicRow.status === "pending" || musicRow.status === "running") ? musicRow.id : null;

  // Cancellation: a cancelled render or a worker shutdown kills ffmpeg.
  const ac = new AbortController();
  const onAbort = () => ac.abort(opts.signal.reason);
  opts.signal.addEventListener("abort", onAbort);
  const watch = setInterval(() => {
    void db.render.findUnique({ where: { id: renderId }, select: { status: true } }).then((r) => {
      if (r?.status === "cancelled") ac.abort(new Error("render cancelled"));
    });
  }, 1000);
  await db.render.update({ where: { id: renderId }, data: { assembleStartedAt: new Date() } });
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), "reelfarm-assemble-"));
  const outPath = path.join(workDir, "output.mp4");
  const t0 = Date.now();
  let qa: QaRun | null = null;
  try {
    // The length: fit the timeline to the target now that the voiceover exists (./timeline-fit).
    const fit = fitTimeline({ targetSec: settings.campaign.targetSeconds, fps: settings.campaign.fps, scenes: fitScenes(script, scenes, settings) });
    if (fit.dropped.length || fit.notes.length) {
      // The rendered script is the one on record: dropped scenes leave it, every change is noted.
      const rendered = { ...script, scenes: script.scenes.filter((_, i) => !fit.dropped.includes(i)), notes: [...(script.notes ?? []), ...fit.notes].slice(0, 40) };
      await db.renderAsset.update({ where: { id: scriptRow.id }, data: { data: rendered as object } });
    }
    for (const f of fit.scenes) {
      const v = scenes[f.index]?.voice;
      if (v && v.durationSec > 0) v.path = await fitVoiceClip(v.path, path.join(workDir, `voice-${f.index}.wav`), f, ac.signal);
    }
    const brand = await planBrand(settings.brand, local);
    const plan = buildPlan({ settings, script, scenes, fit, ...(music ? { music: { path: await local(music.file!) } } : {}), ...(brand ? { brand } : {}) });
    // Checks that need only the plan start now, beside the assembly; plan scene k is script scene fit.scenes[k].index.
    const narration = fit.scenes.map((f) => script.scenes[f.index]?.narration ?? "");
    qa = startRenderChecks(plan, { targetSec: settings.campaign.targetSeconds, narration }, { workDir, signal: ac.signal });
    const result = await renderVideo(plan, {
      workDir,
      outPath,
      signal: ac.signal,
      segmentCache: await segmentCacheFor(db),
      ...(musicLate ? { lateMusic: settledMusic(db, musicLate, async (file) => musicTrack(settings, await local(file)), ac.signal) } : {}),
      onProgress: (f) => void setProgress(db, renderId, "assemble", stageProgress("assemble", f * 0.98)),
    });
    // The upscale check takes the renderer's account of each photo (a landscape photo is shown whole, not cropped).
    const report = await qa.finish(outPath, { framing: result.framing });
    const key = `renders/${renderId}/output.mp4`;
    const stored = await store.putFile(key, outPath, { move: true });
    // What the render put on screen as text (captions, headlines, end card): the coverage record.
    await store.putBuffer(onScreenKey(renderId), Buffer.from(JSON.stringify(onScreenText(plan, result.overlays))));
    // Summed now: the music may have settled after the assembly began.
    const costUsd = (await db.renderAsset.aggregate({ where: { renderId }, _sum: { costUsd: true } }))._sum.costUsd ?? 0;
    // Timings first: whoever sees "succeeded" must see the whole breakdown.
    for (const [k, ms] of Object.entries(result.timingsMs)) await addStageTiming(db, renderId, `assemble.${k}`, ms);
    await addStageTiming(db, renderId, "assemble.qa", report.timingsMs.afterEncode);
    await addStageTiming(db, renderId, "assemble", Date.now() - t0);
    const done = await db.render.updateMany({
      where: { id: renderId, status: "running" },
      data: {
        status: "succeeded",
        stage: "done",
        progress: 100,
        outputFile: key,
        outputBytes: stored.bytes,
        durationSec: result.durationSec,
        encoder: result.encoder,
        cacheHits: result.cacheHits,
        cacheMisses: result.cacheMisses,
        segments: segmentsRecord(result.segments),
        costUsd,
        qa: report,
        qaWarnings: report.warnings,
        finishedAt: new Date(),
      },
    });
    if (opts.hostId) await db.workerHost.update({ where: { id: opts.hostId }, data: { rendersDone: { increment: 1 } } }).catch(() => {});
    if (done.count === 1) await notify(db, renderId, "render.succeeded");
    return `succeeded (${result.encoder}, ${result.durationSec.toFixed(1)} s${report.warnings ? `, ${report.warnings} QA warnings` : ""})`;
  } catch (e) {
    if (opts.signal.aborted) throw e; // worker shutting down: let the job be retried elsewhere
    if (ac.signal.aborted) return "cancelled";
    // Users get a short stable sentence; the detail (stderr, paths) only reaches the server log.
    // A timeline that cannot fit says what to change, in words meant for the user.
    const message = e instanceof TimelineFitError ? e.message.slice(0, 2000) : userFacingRenderError(e);
    await db.render.updateMany({ where: { id: renderId, status: "running" }, data: { status: "failed", stage: "failed", error: message, finishedAt: new Date() } });
    await notify(db, renderId, "render.failed");
    return `failed: ${(e as Error).message}`;
  } finally {
    await qa?.abandon();
    clearInterval(watch);
    opts.signal.removeEventListener("abort", onAbort);
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

/** Queues the webhook of the API token that queued this render, if it has one (and no other). */
export async function notify(db: Db, renderId: string, event: "render.succeeded" | "render.failed" | "render.cancelled") {
  const r = await db.render.findUnique({ where: { id: renderId }, select: { apiTokenId: true, apiToken: { select: { webhookUrl: true } } } });
  if (!r?.apiTokenId || !r.apiToken?.webhookUrl) return;
  await enqueue("webhook:deliver", { renderId, tokenId: r.apiTokenId, event }, { jobKey: `webhook:${renderId}:${event}`, maxAttempts: 5 });
}

/**
 * The music asset `assetId` once it has settled: `track(file)` when it succeeded, null when it failed (music is
 * optional: the render goes on without it). Polls the row every 250 ms; rejects when `signal` aborts.
 */
export async function settledMusic<T>(db: Db, assetId: string, track: (file: string) => Promise<T>, signal: AbortSignal): Promise<T | null> {
  for (;;) {
    if (signal.aborted) throw signal.reason;
    const row = await db.renderAsset.findUnique({ where: { id: assetId }, select: { status: true, file: true } });
    if (!row || row.status === "failed" || row.status === "cancelled") return null;
    if (row.status === "succeeded") return row.file ? track(row.file) : null;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
