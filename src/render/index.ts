/**
 * The render engine's entry point: `renderVideo(plan, options)`.
 *
 * Flow: parse plan -> check inputs -> (in the render's temp dir) captions .ass, soundtrack, Ken Burns clips
 * (cached) -> one assembly ffmpeg run -> rename the finished file onto `outPath`.
 * The temp dir is removed on success, failure and abort alike; `outPath` only ever appears complete.
 */
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { writeAssFile } from "./ass";
import { renderSoundtrack } from "./audio";
import { detectEncoders, encoderSettings } from "./encoders";
import { abortError } from "./errors";
import { runFfmpeg } from "./ffmpeg";
import { type ClipCache, clipKey, hashFile } from "./clip-cache";
import { type ResolvedVisual, buildFfmpegArgs, buildKenBurnsClipArgs, clipCodecArgs, stillRecipe } from "./graph";
import { type RenderPlanInput, outputSize, parseRenderPlan } from "./plan";
import { buildTimeline } from "./timeline";
import { checkPlanInputs } from "./validate";

export * from "./errors";
export { type RenderPlan, type RenderPlanInput, RenderPlanSchema, parseRenderPlan } from "./plan";
export { probe, findFfmpeg, runFfmpeg } from "./ffmpeg";
export { detectEncoders } from "./encoders";
export { buildFfmpegArgs } from "./graph";

export interface RenderOptions {
  /** A directory for temp files (a private subdirectory is created and removed). */
  workDir: string;
  /** Final file; written under a temp name in the same directory, then renamed. */
  outPath: string;
  signal?: AbortSignal;
  /** 0..1, at most every 2 s (plus a final 1). */
  onProgress?: (fraction: number) => void;
  /** Ken Burns clip cache; without one, stills are animated inside the assembly run. */
  clipCache?: ClipCache;
  /** Clips built at once. Default 2 (this machine's cores). */
  concurrency?: number;
}

/** Bump when the Ken Burns rendering changes, so old cached clips stop matching. */
const KEN_BURNS_VERSION = 1;

/** Run `tasks` with at most `n` in flight; rejects on the first failure (others still settle). */
async function pool<T>(n: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (next < tasks.length && failed === null) {
      const i = next++;
      try {
        results[i] = await tasks[i]!();
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, tasks.length)) }, worker));
  if (failed !== null) throw failed;
  return results;
}

export interface RenderResult {
  encoder: string;
  durationSec: number;
  frames: number;
  timingsMs: Record<string, number>;
  cacheHits: number;
  cacheMisses: number;
  /** Ken Burns clips rendered by this call (0 when every clip came from the cache). */
  kenBurnsBuilds: number;
}

/** Render `plan` to an H.264/AAC MP4 at `outPath`. */
export async function renderVideo(planInput: RenderPlanInput, opts: RenderOptions): Promise<RenderResult> {
  const plan = parseRenderPlan(planInput);
  const { signal } = opts;
  if (signal?.aborted) throw abortError(signal);
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      timings[name] = Math.round((timings[name] ?? 0) + performance.now() - t0);
    }
  };
  const t0 = performance.now();

  const checked = await timed("validate", () => checkPlanInputs(plan, signal));
  const timeline = buildTimeline(plan);
  const size = outputSize(plan.output);
  const encoderId = plan.output.encoder ?? (await timed("encoders", () => detectEncoders({ signal }))).best;
  const encoder = encoderSettings(encoderId, plan.output.preset);

  let cacheHits = 0;
  let cacheMisses = 0;
  let kenBurnsBuilds = 0;
  const tmp = await mkdtemp(join(opts.workDir, "render-"));
  const tmpOut = join(dirname(opts.outPath), `.${basename(opts.outPath)}.${process.pid}.${Date.now()}.part`);
  try {
    const hasCaptions = plan.captions.cues.length > 0;
    const assPath = join(tmp, "captions.ass");
    if (hasCaptions) await writeAssFile(assPath, plan.captions, size);

    const audio = await timed("audio", () =>
      renderSoundtrack(plan.audio, timeline.durationSec, { mixPath: join(tmp, "mix.wav"), outPath: join(tmp, "audio.wav") }, { signal }),
    );

    let scenes: ResolvedVisual[] = plan.scenes.map((s, i) => {
      const v = s.visual;
      const c = checked.scenes[i];
      switch (v.kind) {
        case "image":
          return {
            kind: "image",
            path: v.path,
            motion: v.motion,
            hasAlpha: !!c && "hasAlpha" in c && c.hasAlpha,
            commandsPath: null,
          };
        case "video":
          return { kind: "video", path: v.path, durationSec: c && "durationSec" in c ? c.durationSec : 0 };
        case "color":
          return { kind: "color", color: v.color };
      }
    });
    const cache = opts.clipCache;
    if (cache) {
      const usedKeys = new Set<string>();
      scenes = await timed("kenBurns", () =>
        pool(
          opts.concurrency ?? 2,
          scenes.map((v, i) => async (): Promise<ResolvedVisual> => {
            if (v.kind !== "image") return v;
            const frames = timeline.scenes[i]!.clipFrames;
            const params = {
              v: KEN_BURNS_VERSION,
              frames,
              fps: timeline.fps,
              motion: v.motion,
              width: size.width,
              height: size.height,
              codec: clipCodecArgs.join(" "),
            };
            const key = clipKey(await hashFile(v.path), params);
            usedKeys.add(key);
            const clip = await cache.getOrBuild(key, params, async (tmpPath) => {
              kenBurnsBuilds++;
              const recipe = stillRecipe(v, frames, size, timeline.fps);
              const commandsPath = recipe.commands ? join(tmp, `kb${i}.cmd`) : null;
              if (commandsPath) await writeFile(commandsPath, recipe.commands!);
              await runFfmpeg(buildKenBurnsClipArgs(v, recipe, frames, tmpPath, commandsPath), { signal });
            });
            if (clip.hit) cacheHits++;
            else cacheMisses++;
            return { kind: "clip", path: clip.path };
          }),
        ),
      );
      await cache.evict(usedKeys);
    } else {
      // Animated inside the assembly: pans still need their command files.
      scenes = await Promise.all(
        scenes.map(async (v, i) => {
          if (v.kind !== "image") return v;
          const recipe = stillRecipe(v, timeline.scenes[i]!.clipFrames, size, timeline.fps, `kb${i}`);
          if (!recipe.commands) return v;
          const commandsPath = join(tmp, `kb${i}.cmd`);
          await writeFile(commandsPath, recipe.commands);
          return { ...v, commandsPath };
        }),
      );
    }
    const args = buildFfmpegArgs(plan, {
      scenes,
      audioPath: audio.path,
      assPath: hasCaptions ? assPath : null,
      encoder,
      outPath: tmpOut,
      format: "mp4",
    });
    await timed("assemble", () =>
      runFfmpeg(args, { signal, durationSec: timeline.durationSec, onProgress: opts.onProgress, cwd: tmp }),
    );
    await rename(tmpOut, opts.outPath);
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await rm(tmpOut, { force: true });
  }
  timings.total = Math.round(performance.now() - t0);
  return {
    encoder: encoderId,
    durationSec: timeline.durationSec,
    frames: timeline.totalFrames,
    timingsMs: timings,
    cacheHits,
    cacheMisses,
    kenBurnsBuilds,
  };
}
