/**
 * The render engine's entry point: `renderVideo(plan, options)`.
 *
 * Flow (everything in a private temp dir under `workDir`):
 * 1. parse the plan; check every scene's asset (a still found in the clip cache by content needs no probe);
 * 2. start the assembly ffmpeg run at once. Its inputs: colour cards and video clips (ffmpeg reads them), and pipes
 *    fed from here: per still scene, its frames from the SIMD Ken Burns resampler (the still decoded and scaled once,
 *    on first use) or, on a cache hit, from its raw cached clip (frame-file.ts); per transition between two such
 *    scenes, its frames blended here (transitions.ts; others use xfade in the graph); last the soundtrack, mixed and
 *    loudness-measured meanwhile and mastered before it is written. The run joins the scenes, burns the .ass
 *    captions and encodes;
 * 3. a still that missed the cache has each frame rendered once, for its pipe and its raw cache clip alike (with
 *    `format: "mpeg2"` the clip is encoded beside the assembly at low CPU priority instead);
 * 4. rename the finished file onto `outPath`, evict the cache to its cap.
 * The temp dir is removed on success, failure and abort alike (after every child has exited); `outPath` only ever
 * appears complete.
 */
import { setMaxListeners } from "node:events";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { writeAssFile } from "./ass";
import { MIX_INPUT_ARGS, masteredSamples, mixSoundtrack } from "./audio";
import { detectEncoders, encoderSettings } from "./encoders";
import { abortError } from "./errors";
import { runFfmpeg, writeChunk } from "./ffmpeg";
import { type ClipCache, clipKey, hashFile } from "./clip-cache";
import { type ResolvedVisual, buildFfmpegArgs, clipCodecArgs, sceneFrameRange, stillRecipe } from "./graph";
import { FrameFileReader, readFrames } from "./frame-file";
import { KenBurnsFrames, StreamWriteError } from "./kenburns-clip";
import { type FrameSource, writeTransition } from "./transitions";
import { simdAvailable } from "./resample";
import { type RenderPlanInput, outputSize, parseRenderPlan } from "./plan";
import { buildTimeline } from "./timeline";
import { withEndCardScene } from "./endcard";
import { type OverlayBox, layoutOverlays, writeOverlayAss } from "./overlays";
import { type FrameDecision, decideFraming } from "./framing";
import { checkImage, checkReadable, checkVideo, withAudioInputs } from "./validate";

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
  /**
   * Ken Burns clip cache. A hit is used as is (no probe, no Ken Burns); a miss is streamed into the assembly and
   * also encoded into the cache. Without a cache every still is streamed. (Runtimes without WebAssembly SIMD fall
   * back to ffmpeg filters inside the assembly: perspective for zooms, crop + sub-pixel convolution for pans.)
   */
  clipCache?: ClipCache;
  /** Stills decoded and scaled at once. Default 2 (this machine's cores). */
  concurrency?: number;
}

/** Bump when the Ken Burns rendering changes, so old cached clips stop matching. */
const KEN_BURNS_VERSION = 4;

export interface RenderResult {
  encoder: string;
  durationSec: number;
  frames: number;
  timingsMs: Record<string, number>;
  cacheHits: number;
  cacheMisses: number;
  /** Ken Burns clips encoded into the cache by this call (0 when every clip came from the cache). */
  kenBurnsBuilds: number;
  /** Cache writes that failed (the video is still complete; those clips are simply rebuilt next time). */
  cacheWriteErrors: number;
  /** Every headline, end card text and logo drawn, with its estimated box and time span (for QA and tests). */
  overlays: OverlayBox[];
  /**
   * Per photo scene (not the end card): the photo's size, the framing used and its upscale (output pixels per
   * source pixel at the move's largest zoom; `contain` keeps it <= 1.5).
   */
  framing: SceneFraming[];
}

export interface SceneFraming {
  sceneIndex: number;
  sourceWidth: number;
  sourceHeight: number;
  mode: "cover" | "contain";
  upscale: number;
}

/** A still streamed into the assembly: its frames (decoded on first use) and its cache key, if it is to be cached. */
interface StillFeed {
  frames: () => Promise<KenBurnsFrames>;
  key: string | null;
  params: Record<string, unknown>;
}

/** Settles when a still's clip is in the cache (or its write has failed). */
type CacheDone = { resolve: () => void; reject: (e: unknown) => void };

/** At most `n` tasks at once. */
function semaphore(n: number) {
  let free = n;
  const waiters: (() => void)[] = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiters.push(resolve));
      try {
        return await task();
      } finally {
        const next = waiters.shift();
        if (next) next();
        else free++;
      }
    },
  };
}

/** Folds the progress of the steps into one 0..1 value, reported at most every `intervalMs`. */
function progressReporter(onProgress: ((f: number) => void) | undefined, intervalMs = 2000) {
  let last = 0;
  let lastValue = -1;
  return (fraction: number, force = false) => {
    if (!onProgress) return;
    const now = Date.now();
    const f = Math.min(1, Math.max(0, fraction));
    if (f <= lastValue && !force) return;
    if (!force && now - last < intervalMs) return;
    last = now;
    lastValue = f;
    onProgress(f);
  };
}

/** Render `plan` to an H.264/AAC MP4 at `outPath`. */
export async function renderVideo(planInput: RenderPlanInput, opts: RenderOptions): Promise<RenderResult> {
  const source = parseRenderPlan(planInput);
  const outer = opts.signal;
  if (outer?.aborted) throw abortError(outer);
  // One internal signal: the caller's abort, or our own first failure, stops every ffmpeg still running.
  const ac = new AbortController();
  const onOuterAbort = () => ac.abort(outer?.reason);
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  const signal = ac.signal;
  // Every ffmpeg child listens for it; scenes are many.
  setMaxListeners(0, signal);

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
  const size = outputSize(source.output);
  const progress = progressReporter(opts.onProgress);
  const cache = opts.clipCache;
  let cacheHits = 0;
  let cacheMisses = 0;
  let kenBurnsBuilds = 0;

  const tmp = await mkdtemp(join(opts.workDir, "render-"));
  const tmpOut = join(dirname(opts.outPath), `.${basename(opts.outPath)}.${process.pid}.${Date.now()}.part`);
  const running: Promise<unknown>[] = [];
  /** Start a step now; its failure aborts the others. */
  const start = <T>(p: Promise<T>): Promise<T> => {
    const guarded = p.catch((e: unknown) => {
      if (!signal.aborted) ac.abort(e);
      throw e;
    });
    running.push(guarded.catch(() => undefined));
    return guarded;
  };
  try {
    // Headlines and the end card are laid out on the plan as given; the end card then becomes its last scene.
    const logoSizeP = start(source.endCard && source.brand.logoPath ? checkImage("brand.logoPath", source.brand.logoPath, signal) : Promise.resolve(null));
    const plan = await timed("endCard", () => withEndCardScene(source, tmp, signal));
    const timeline = buildTimeline(plan);
    const overlays = layoutOverlays(source, await logoSizeP);
    const overlayAssPath = overlays.ass ? join(tmp, "overlays.ass") : null;
    const overlaysP = start(overlayAssPath ? writeOverlayAss(overlayAssPath, overlays) : Promise.resolve());
    const encoderP = start(
      plan.output.encoder ? Promise.resolve(plan.output.encoder) : timed("encoders", () => detectEncoders({ signal }).then((d) => d.best)),
    );
    const hasCaptions = plan.captions.cues.length > 0;
    const assPath = join(tmp, "captions.ass");
    const assP = start(hasCaptions ? writeAssFile(assPath, plan.captions, size) : Promise.resolve());
    const audioP = start(
      timed("audioMix", async () => {
        return withAudioInputs(
          plan,
          () => mixSoundtrack(plan.audio, timeline.durationSec, join(tmp, "mix.f32"), { signal }),
          signal,
        );
      }),
    );

    // Scenes: videos are checked; stills are looked up in the cache by content (a hit needs no probe at all).
    // A still that misses is checked, decoded and scaled once, and its frames are streamed from the SIMD
    // resampler straight into the assembly run (a pipe per scene); meanwhile the same frames are encoded into the
    // cache by separate ffmpeg runs at the lowest CPU priority, so the assembly keeps the CPU it can use.
    const decodeSlots = semaphore(Math.max(1, opts.concurrency ?? 2));
    const encodeSlots = semaphore(2);
    const streaming = simdAvailable();
    const frameBytes = size.width * size.height * 1.5;
    const stills = new Map<number, StillFeed>();
    /** Per raw cached clip: its file (transitions next to it read their frames from it). */
    const rawClips = new Map<number, string>();
    const cacheWrites: Promise<void>[] = [];
    let cacheWriteErrors = 0;
    const usedKeys = new Set<string>();
    const kb0 = performance.now();
    const framing: SceneFraming[] = [];
    const framingReports: Promise<void>[] = [];
    const report = (sceneIndex: number, d: FrameDecision, src: { width: number; height: number }) =>
      void framing.push({ sceneIndex, sourceWidth: src.width, sourceHeight: src.height, mode: d.mode, upscale: d.upscale });
    const scenesP = start(
      Promise.all(
        plan.scenes.map(async (s, i): Promise<ResolvedVisual> => {
          const where = `scenes[${i}].visual`;
          const v = s.visual;
          if (v.kind === "color") return { kind: "color", color: v.color };
          if (v.kind === "video") {
            const c = await checkVideo(where, v.path, signal);
            return { kind: "video", path: v.path, durationSec: c.durationSec };
          }
          const frames = timeline.scenes[i]!.clipFrames;
          let key: string | null = null;
          const backdropColor = plan.brand.colors.primary;
          const params = {
            v: KEN_BURNS_VERSION,
            frames,
            fps: timeline.fps,
            motion: v.motion,
            // The framing decision is a function of the photo (its size) and these, so they complete the key.
            framing: v.framing,
            ...(v.framing.backdrop === "color" ? { backdropColor } : {}),
            width: size.width,
            height: size.height,
            codec: cache?.format === "raw" ? "rawvideo yuv420p, 4096-byte frame stride" : clipCodecArgs.join(" "),
          };
          if (cache) {
            await checkReadable(where, v.path);
            key = clipKey(await hashFile(v.path), params);
            usedKeys.add(key);
            const hit = await cache.lookup(key);
            if (hit) {
              cacheHits++;
              // The report still says how the photo was framed; probing it must not hold the assembly back.
              if (i < source.scenes.length) {
                framingReports.push(
                  checkImage(where, v.path, signal).then((c) => report(i, decideFraming(c, v.framing, v.motion, size), c)),
                );
              }
              if (cache.format !== "raw") return { kind: "clip", path: hit };
              // Raw clips are read here (direct I/O, see frame-file.ts) and streamed like a still's frames.
              rawClips.set(i, hit);
              return { kind: "stream", fd: -1 };
            }
            cacheMisses++;
          }
          const c = await checkImage(where, v.path, signal);
          const frame = decideFraming(c, v.framing, v.motion, size);
          if (i < source.scenes.length) report(i, frame, c);
          const still = { path: v.path, motion: v.motion, hasAlpha: c.hasAlpha, frame, backdropColor };
          if (!streaming) {
            // No WebAssembly SIMD: animate inside the assembly run with ffmpeg filters.
            const id = `kb${i}`;
            const recipe = stillRecipe(still, frames, size, timeline.fps, id);
            const commandsPath = recipe.commands ? join(tmp, `${id}.cmd`) : null;
            if (commandsPath) await writeFile(commandsPath, recipe.commands!);
            return { kind: "image", ...still, commandsPath };
          }
          // Decoded on first use (by the assembly's pipe, a transition or the cache encode), so the assembly can
          // start at once.
          let kbP: Promise<KenBurnsFrames> | null = null;
          stills.set(i, { frames: () => (kbP ??= decodeSlots.run(() => KenBurnsFrames.open(still, frames, size, signal))), key, params });
          return { kind: "stream", fd: -1 };
        }),
      ),
    );
    const resolved = await scenesP;
    timings.prepare = Math.round(performance.now() - kb0);

    // Transitions between two scenes whose frames are at hand here (streamed stills, raw cached clips) are
    // composed here: see transitions.ts for why not xfade.
    const sourceOf = async (i: number): Promise<FrameSource | null> => {
      const st = stills.get(i);
      if (st) return (await st.frames()).frameSource();
      const raw = rawClips.get(i);
      return raw ? FrameFileReader.open(raw, frameBytes) : null;
    };
    const composable = (i: number) => streaming && (stills.has(i) || rawClips.has(i));
    const boundaries = timeline.scenes.slice(0, -1).map((span, i) =>
      span.outgoing && span.outgoing.kind !== "cut" && span.outgoing.overlapFrames > 0 && composable(i) && composable(i + 1)
        ? { kind: span.outgoing.kind, frames: span.outgoing.overlapFrames }
        : null,
    );

    // Pipes in scene order (fd 3, 4, ...), so the first scenes' stills are decoded first; then the composed
    // transitions; the soundtrack last.
    const feeders: ((s: NodeJS.WritableStream) => Promise<void>)[] = [];
    const pipe = (feed: (s: NodeJS.WritableStream) => Promise<void>) => 2 + feeders.push(feed);
    const composedFds: (number | null)[] = boundaries.map(() => null);
    const scenes = resolved.map((v, i): ResolvedVisual => {
      if (v.kind !== "stream") return v;
      const range = sceneFrameRange(timeline, i, boundaries);
      const raw = rawClips.get(i);
      if (raw) {
        return {
          kind: "stream",
          fd: pipe(async (stream) => {
            for await (const frame of readFrames(raw, frameBytes, range.from, range.to)) {
              if (signal.aborted) throw signal.reason;
              await writeChunk(stream, frame);
            }
          }),
        };
      }
      const st = stills.get(i)!;
      let cacheDone: CacheDone | null = null;
      if (cache && st.key) {
        cacheWrites.push(
          new Promise<void>((resolve, reject) => (cacheDone = { resolve, reject })).then(
            () => undefined,
            (e: unknown) => {
              // The video does not depend on the cache: a failed write (full disk...) only costs a rebuild.
              if (signal.aborted) throw e;
              cacheWriteErrors++;
            },
          ),
        );
      }
      return { kind: "stream", fd: pipe((stream) => feedStill(st, range, stream, cacheDone)) };
    });
    boundaries.forEach((b, i) => {
      if (!b) return;
      composedFds[i] = pipe(async (stream) => {
        const [a, bSrc] = await Promise.all([sourceOf(i), sourceOf(i + 1)]);
        try {
          const aFirst = timeline.scenes[i]!.clipFrames - b.frames;
          await writeTransition(stream, { kind: b.kind, frames: b.frames, a: a!, aFirst, b: bSrc! }, size, signal);
        } finally {
          await Promise.all([a?.close?.(), bSrc?.close?.()]);
        }
      });
    });

    /**
     * Streams a still's frames in `range` into the assembly and, on a cache miss, writes its clip to the cache.
     * Resolves when the frames are in the pipe (so the pipe is closed at once: ffmpeg's exit waits for every input
     * to end); `cacheDone` settles when the clip is in the cache, a raw clip's frames after the range included.
     */
    async function feedStill(st: StillFeed, range: { from: number; to: number }, stream: NodeJS.WritableStream, cacheDone: CacheDone | null): Promise<void> {
      const kb = await st.frames().catch((e: unknown) => {
        cacheDone?.resolve(); // nothing to cache; the render fails on this error
        throw e;
      });
      if (!cache || !st.key || !cacheDone) return kb.writeTo(stream, signal, range);
      const key = st.key;
      if (cache.format !== "raw") {
        // MPEG-2 clips are encoded beside the assembly at low priority: it soaks up the CPU x264 leaves idle.
        cache
          .getOrBuild(key, st.params, (tmpPath) =>
            encodeSlots.run(async () => {
              kenBurnsBuilds++;
              await kb.encode(tmpPath, clipCodecArgs, timeline.fps, { signal, niceness: 19 });
            }),
          )
          .then(() => cacheDone.resolve(), cacheDone.reject);
        return kb.writeTo(stream, signal, range);
      }
      // Raw clips: each frame is rendered once, for the pipe and the cache file alike.
      let produced = false;
      let streamed!: () => void;
      const inPipe = new Promise<void>((resolve) => (streamed = resolve));
      const build = cache.getOrBuild(key, st.params, (tmpPath) => {
        produced = true;
        kenBurnsBuilds++;
        return kb.tee(tmpPath, stream, range, signal, streamed);
      });
      build.then(() => cacheDone.resolve(), cacheDone.reject);
      // The pipe is done when the tee has passed the range, or when the build ended without streaming (a cache
      // error leaves the frames streamed all the same).
      const ended = build.then(
        () => undefined,
        (e: unknown) => {
          if (e instanceof StreamWriteError) throw e;
        },
      );
      await Promise.race([inPipe, ended]);
      // Another build of this clip (or a failure before ours started) streamed nothing into this pipe.
      if (!produced) await kb.writeTo(stream, signal, range);
    }

    const audioFd = pipe(async (stream) => {
      const bytes = await masteredSamples(await audioP, signal);
      await writeChunk(stream, bytes);
    });
    const [encoderId] = await Promise.all([encoderP, assP, overlaysP]);
    const encoder = encoderSettings(encoderId, plan.output.preset);
    const args = buildFfmpegArgs(plan, {
      scenes,
      transitions: composedFds,
      audio: {
        input: [...MIX_INPUT_ARGS, "-thread_queue_size", "64", "-i", `pipe:${audioFd}`],
        filter: "aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo",
      },
      assPath: hasCaptions ? assPath : null,
      overlayAssPath,
      logo: overlays.logo,
      fontsDir: plan.brand.fontPath ? dirname(plan.brand.fontPath) : null,
      encoder,
      outPath: tmpOut,
      format: "mp4",
    });
    const cacheWritesDone = start(Promise.all(cacheWrites));
    await timed("assemble", () =>
      runFfmpeg(args, {
        signal,
        durationSec: timeline.durationSec,
        onProgress: (f) => progress(0.97 * f),
        progressIntervalMs: 500,
        cwd: tmp,
        pipes: feeders,
      }),
    );
    await timed("cacheWrite", () => cacheWritesDone);
    await Promise.all(framingReports);
    await rename(tmpOut, opts.outPath);
    if (cache) await cache.evict(usedKeys);
    progress(1, true);
    timings.total = Math.round(performance.now() - t0);
    return {
      encoder: encoderId,
      durationSec: timeline.durationSec,
      frames: timeline.totalFrames,
      timingsMs: timings,
      cacheHits,
      cacheMisses,
      kenBurnsBuilds,
      cacheWriteErrors,
      overlays: overlays.boxes,
      framing: framing.sort((a, b) => a.sceneIndex - b.sceneIndex),
    };
  } catch (e) {
    if (outer?.aborted) throw abortError(outer);
    throw e;
  } finally {
    if (!signal.aborted) ac.abort(new Error("render finished"));
    // Every child must be gone before its files are removed.
    await Promise.all(running);
    outer?.removeEventListener("abort", onOuterAbort);
    await rm(tmp, { recursive: true, force: true });
    await rm(tmpOut, { force: true });
  }
}
