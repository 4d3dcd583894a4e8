/**
 * The render engine's entry point: `renderVideo(plan, options)`, four stages that read top to bottom:
 *
 * 1. plan: parse the plan, add the end card scene, build the frame-exact timeline, lay out the overlays and write the
 *    captions, check every scene's asset (content-hashed), cut the timeline into segments (segments.ts: scene bodies
 *    and transitions) and key each by everything that decides its pixels;
 * 2. segments: look every key up in the segment cache (segment-cache.ts); render and encode the missing ones, two at a
 *    time (both cores): stills' frames come from the SIMD Ken Burns resampler through a pipe, transitions between two
 *    stills are composed here (transitions.ts), the rest is ffmpeg filters; each new segment is published to the
 *    cache;
 * 3. join: the segments, in order, in a concat list (stream copy: they are independently decodable);
 * 4. mux: the joined video and the soundtrack into the MP4 under a temp name, both stream-copied, renamed onto
 *    `outPath`; then the cache is evicted to its cap. The soundtrack is made beside stages 2-3: found in the cache
 *    (keyed by the audio plan with its files' hashes), or mixed, loudness-measured, mastered and AAC-encoded, and
 *    published.
 * Everything temporary lives in a private dir under `workDir`, removed on success, failure and abort alike (after
 * every child has exited); `outPath` only ever appears complete.
 */
import { setMaxListeners } from "node:events";
import { copyFile, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { writeAssFile } from "./ass";
import { MIX_INPUT_ARGS, MIX_RATE, SOUNDTRACK_RENDERER_VERSION, masteredSamples, mixSoundtrack } from "./audio";
import { type EncoderSettings, detectEncoders, encoderSettings } from "./encoders";
import { RenderInputError, abortError } from "./errors";
import { runFfmpeg, writeChunk } from "./ffmpeg";
import { type ResolvedVisual, stillRecipe } from "./graph";
import { KenBurnsFrames } from "./kenburns-clip";
import { writeTransition } from "./transitions";
import { simdAvailable } from "./resample";
import { AudioSchema, type RenderAudio, type RenderPlan, type RenderPlanInput, outputSize, parseRenderPlan } from "./plan";
import { type Timeline, buildTimeline } from "./timeline";
import { withEndCardScene } from "./endcard";
import { DESIGN_VERSION, backgroundColors, backgroundSide } from "./design";
import { type OverlayBox, type OverlayLayout, layoutOverlays, overlayTexts } from "./overlays";
import { loadEmojiArt } from "./emoji-art";
import { type FrameDecision, decideFraming } from "./framing";
import { MAX_IMAGE_PIXELS, checkImage, checkImageSize, checkReadable, checkVideo, withAudioInputs } from "./validate";
import { ImageFileError, STILL_PREP_VERSION, brandBackdrops, prepareLogo, prepareStill, stillHeader } from "./image-file";

/** Stills given to the render (plan files, generated images): up to 150 MP, a minute to decode one. */
const RENDER_IMAGE_LIMITS = { maxPixels: MAX_IMAGE_PIXELS, timeoutSec: 60 };
import { type SegmentCache, describeKey, hashFile } from "./segment-cache";
import { SEGMENT_RENDERER_VERSION, type SegmentSpec, buildSegmentArgs, firstFrameFrom, localizeAss, planSegments } from "./segments";

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
   * Encoded-segment cache: found segments are reused as they are, missing ones are encoded and published. Without
   * a cache every segment is encoded (into the temp dir).
   */
  segmentCache?: SegmentCache;
  /** Stills decoded and scaled at once. Default 2 (this machine's cores). */
  concurrency?: number;
  /** Segments encoded at once. Default 2 (this machine's cores). */
  encodeConcurrency?: number;
  /**
   * The music bed when it is still being made as the assembly starts (offline synthesis is often the last asset):
   * the video is planned and encoded meanwhile, and the soundtrack is mixed once this resolves (null: no music).
   * Replaces `plan.audio.music`; validated by the plan's schema (a bad value fails the render with a ZodError).
   */
  lateMusic?: Promise<RenderAudio["music"] | null>;
}

export interface RenderResult {
  encoder: string;
  durationSec: number;
  frames: number;
  timingsMs: Record<string, number>;
  /** Segments found in the cache / encoded by this call. */
  cacheHits: number;
  cacheMisses: number;
  /** Cache writes that failed (the video is still complete; those segments are simply rebuilt next time). */
  cacheWriteErrors: number;
  /** Every segment in output order: its key, what it shows, whether it was reused, its bytes and build time. */
  segments: SegmentReport[];
  /** The encoded soundtrack: its cache key, whether it was reused, its bytes and build time (0 for a hit). */
  soundtrack: { key: string; hit: boolean; bytes: number; buildMs: number };
  /** Every headline, end card text and logo drawn, with its estimated box and time span (for QA and tests). */
  overlays: OverlayBox[];
  /**
   * Per photo scene (not the end card): the photo's size, the framing used and its upscale (output pixels per
   * source pixel at the move's largest zoom; `contain` keeps it <= 1.5).
   */
  framing: SceneFraming[];
}

export interface SegmentReport {
  key: string;
  kind: SegmentSpec["kind"];
  scene: number;
  startFrame: number;
  frames: number;
  hit: boolean;
  bytes: number;
  /** Time to render and encode it (0 for a hit). */
  buildMs: number;
}

export interface SceneFraming {
  sceneIndex: number;
  sourceWidth: number;
  sourceHeight: number;
  mode: "cover" | "contain";
  upscale: number;
}

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

/** A scene's source, checked and content-hashed; `open` gives what a segment's graph reads. */
interface SceneSource {
  /** What decides its pixels (part of the segment keys). */
  describe: Record<string, unknown>;
  clipFrames: number;
  /** Stills streamed from the SIMD resampler: their frames (decoded on first use). */
  frames: (() => Promise<KenBurnsFrames>) | null;
  /** Everything else: the visual for the segment graph (for stills without SIMD, after their sendcmd file). */
  visual: () => Promise<ResolvedVisual>;
}

interface PlannedSegment {
  spec: SegmentSpec;
  key: string;
  params: Record<string, unknown>;
  captions: string | null;
  overlays: string | null;
  logoFromFrame: number | null;
}

interface Planned {
  plan: RenderPlan;
  timeline: Timeline;
  size: { width: number; height: number };
  encoder: EncoderSettings;
  layout: OverlayLayout;
  sources: SceneSource[];
  segments: PlannedSegment[];
  framing: Promise<SceneFraming[]>;
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
  const progress = progressReporter(opts.onProgress);
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
    const planned = await timed("plan", () => planStage(source, tmp, opts, signal, start));
    const { plan, timeline } = planned;
    // The soundtrack beside the segments: found in the cache, or mixed, mastered and AAC-encoded (the mux copies it).
    const soundtrackP = start(
      (async () => {
        const audioPlan = opts.lateMusic ? await timed("musicWait", () => withLateMusic(plan, opts.lateMusic!, signal)) : plan;
        return timed("audioMix", () => soundtrackStage(audioPlan, timeline.durationSec, tmp, opts.segmentCache, signal));
      })(),
    );
    const built = await timed("segments", () =>
      segmentStage(planned, tmp, opts, signal, (done) => progress((0.95 * done) / timeline.totalFrames)),
    );
    const listPath = await joinStage(built.paths, planned.segments.map((s) => s.spec.frames), timeline.fps, tmp);
    const soundtrack = await soundtrackP;
    await timed("mux", () => muxStage(planned, listPath, soundtrack.path, tmpOut, signal));
    const framing = await planned.framing;
    await rename(tmpOut, opts.outPath);
    const cache = opts.segmentCache;
    if (cache) await cache.evict(new Set([...planned.segments.map((s) => s.key), soundtrack.key])).catch(() => undefined);
    progress(1, true);
    timings.total = Math.round(performance.now() - t0);
    return {
      encoder: planned.encoder.id,
      durationSec: timeline.durationSec,
      frames: timeline.totalFrames,
      timingsMs: timings,
      cacheHits: built.reports.filter((r) => r.hit).length,
      cacheMisses: cache ? built.reports.filter((r) => !r.hit).length : 0,
      cacheWriteErrors: built.cacheWriteErrors,
      segments: built.reports,
      soundtrack: { key: soundtrack.key, hit: soundtrack.hit, bytes: soundtrack.bytes, buildMs: soundtrack.buildMs },
      overlays: planned.layout.boxes,
      framing,
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

/** `plan` with the music that arrived late (or none), once it has; rejects when `signal` aborts first. */
async function withLateMusic(plan: RenderPlan, late: Promise<RenderAudio["music"] | null>, signal: AbortSignal): Promise<RenderPlan> {
  const music = await new Promise<RenderAudio["music"] | null>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    late.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
  return { ...plan, audio: AudioSchema.parse({ ...plan.audio, music: music ?? undefined }) };
}

/**
 * Stage 1: everything decided before a pixel is drawn. Scenes' assets are checked and hashed at once (in parallel);
 * photos are probed for the framing report meanwhile (a cached segment does not need the probe).
 */
async function planStage(
  source: RenderPlan,
  tmp: string,
  opts: RenderOptions,
  signal: AbortSignal,
  start: <T>(p: Promise<T>) => Promise<T>,
): Promise<Planned> {
  const size = outputSize(source.output);
  // The logo as a PNG ffmpeg reads with its alpha (an animated WebP/GIF/APNG: its first frame; image-file.ts).
  const logoPath = source.endCard && source.brand.logoPath ? source.brand.logoPath : null;
  const logoP = start(
    logoPath
      ? prepareLogo(logoPath, { workDir: tmp, limits: RENDER_IMAGE_LIMITS }).then(
          async (p) => ({ path: p.path, size: await checkImage("brand.logoPath", p.path, signal) }),
          (e: unknown) => {
            throw e instanceof ImageFileError ? new RenderInputError("brand.logoPath", logoPath, e.message, { cause: e }) : e;
          },
        )
      : Promise.resolve(null),
  );
  const encoderP = start(source.output.encoder ? Promise.resolve(source.output.encoder) : detectEncoders({ signal }).then((d) => d.best));
  const plan = withEndCardScene(source);
  const timeline = buildTimeline(plan);
  const { fps } = timeline;
  const logo = await logoP;
  const overlaySource = logo ? { ...source, brand: { ...source.brand, logoPath: logo.path } } : source;
  const layout = layoutOverlays(overlaySource, logo?.size ?? null, await loadEmojiArt(overlayTexts(source)));
  const hasCaptions = plan.captions.cues.length > 0;
  const captionsAssP = hasCaptions
    ? writeAssFile(join(tmp, "captions.ass"), plan.captions, size).then(() => readFile(join(tmp, "captions.ass"), "utf8"))
    : Promise.resolve(null);
  const hashOf = new Map<string, Promise<string>>();
  const hash = (path: string) => {
    let h = hashOf.get(path);
    if (!h) hashOf.set(path, (h = hashFile(path)));
    return h;
  };
  const fontHashP = plan.brand.fontPath ? hash(plan.brand.fontPath) : Promise.resolve(null);
  const logoHashP = layout.logo ? hash(layout.logo.path) : Promise.resolve(null);

  const streaming = simdAvailable();
  const decodeSlots = semaphore(Math.max(1, opts.concurrency ?? 2));
  const framing: Promise<SceneFraming | null>[] = [];
  const backdropColor = plan.brand.colors.primary;
  const sources = await Promise.all(
    plan.scenes.map(async (s, i): Promise<SceneSource> => {
      const where = `scenes[${i}].visual`;
      const v = s.visual;
      const clipFrames = timeline.scenes[i]!.clipFrames;
      if (v.kind === "color") {
        return { describe: { kind: "color", color: v.color }, clipFrames, frames: null, visual: async () => ({ kind: "color", color: v.color }) };
      }
      if (v.kind === "design") {
        // A motion background in the brand's colours, moved away from the plate's so headlines stand out on it.
        const design = { kind: "design" as const, ...backgroundColors(plan.brand.colors.primary, plan.brand.colors.secondary), shade: backgroundSide(plan.brand.colors.primary), seed: v.seed };
        return { describe: { ...design, v: DESIGN_VERSION }, clipFrames, frames: null, visual: async () => design };
      }
      if (v.kind === "video") {
        const c = await checkVideo(where, v.path, signal);
        return {
          describe: { kind: "video", sha256: await hash(v.path), durationSec: c.durationSec },
          clipFrames,
          frames: null,
          visual: async () => ({ kind: "video", path: v.path, durationSec: c.durationSec }),
        };
      }
      // A photo: its framing is decided from its header (prepareStill reads sizes without decoding, EXIF rotation
      // applied), so a render whose segments are all cached never decodes it. Its failure fails the render through
      // `start` (the render's abort), so the chains below only mark it handled. Animated, transparent, EXIF-rotated,
      // CMYK, 16-bit, WebP and GIF stills become a plain PNG first (image-file.ts); transparency is flattened onto the
      // first of the brand's backdrops it stands out on. ffmpeg's decode of it is checked before it is drawn.
      await checkReadable(where, v.path);
      const backdrops = brandBackdrops(plan.brand.colors.primary, plan.brand.colors.secondary);
      const header = await stillHeader(v.path);
      const decisionP = start(
        prepareStill(v.path, { workDir: tmp, backdrops, limits: RENDER_IMAGE_LIMITS }).then(
          (p) => {
            checkImageSize(where, v.path, p);
            // A prepared still is opaque (transparency is flattened), so only its size decides the framing.
            return { path: p.path, width: p.width, height: p.height, decodesWithAlpha: p.decodesWithAlpha, frame: decideFraming(p, v.framing, v.motion, size) };
          },
          (e: unknown) => {
            throw e instanceof ImageFileError ? new RenderInputError(where, v.path, e.message, { cause: e }) : e;
          },
        ),
      );
      decisionP.catch(() => undefined);
      if (i < source.scenes.length) {
        const report = decisionP.then(({ width, height, frame }) => ({ sceneIndex: i, sourceWidth: width, sourceHeight: height, mode: frame.mode, upscale: frame.upscale }));
        report.catch(() => undefined);
        framing.push(report);
      }
      let drawableP: Promise<{ path: string; frame: FrameDecision; hasAlpha: boolean }> | null = null;
      /**
       * The still as drawn, once a segment first needs it. ffmpeg draws it (no SIMD): its first frame is checked
       * (`checkImage`) first. Streamed (the SIMD resampler): ffmpeg decodes it once into the resampler's layers, and
       * only a failed decode is checked, for an error that names the scene (as the audio inputs are).
       */
      const drawable = () =>
        (drawableP ??= decisionP.then(async (d) => ({
          path: d.path,
          frame: d.frame,
          hasAlpha: streaming ? d.decodesWithAlpha : (await checkImage(where, d.path, signal)).hasAlpha,
        })));
      const describe = {
        kind: "image",
        sha256: await hash(v.path),
        motion: v.motion,
        framing: v.framing,
        ...(v.framing.backdrop === "color" ? { backdropColor } : {}),
        prep: STILL_PREP_VERSION,
        // The colour transparency is flattened onto is picked from these.
        ...(header?.hasAlpha ? { backdrops } : {}),
        drawnBy: streaming ? "simd" : "ffmpeg",
      };
      const still = async () => {
        const { path, frame, hasAlpha } = await drawable();
        return { path, motion: v.motion, hasAlpha, frame, backdropColor };
      };
      if (streaming) {
        let kbP: Promise<KenBurnsFrames> | null = null;
        const frames = () => {
          if (!kbP) {
            kbP = still().then((st) =>
              decodeSlots.run(() =>
                KenBurnsFrames.open(st, clipFrames, size, signal, JSON.stringify(describe)).catch(async (e: unknown) => {
                  if (!signal.aborted) await checkImage(where, st.path, signal);
                  throw e;
                }),
              ),
            );
            kbP.catch(() => undefined);
          }
          return kbP;
        };
        return { describe, clipFrames, frames, visual: async () => ({ kind: "stream", fd: -1 }) };
      }
      // No WebAssembly SIMD: ffmpeg filters animate the still (pans read a sendcmd file).
      return {
        describe,
        clipFrames,
        frames: null,
        visual: async () => {
          const st = await still();
          const id = `kb${i}`;
          const recipe = stillRecipe(st, clipFrames, size, fps, id);
          const commandsPath = recipe.commands ? join(tmp, `${id}.cmd`) : null;
          if (commandsPath) await writeFile(commandsPath, recipe.commands!);
          return { kind: "image", ...st, commandsPath };
        },
      };
    }),
  );
  const encoder = encoderSettings(await encoderP, plan.output.preset);
  const [captionsAss, fontSha, logoSha] = await Promise.all([captionsAssP, fontHashP, logoHashP]);
  const logoStart = layout.logo ? firstFrameFrom(layout.logo.startSec, fps) : null;
  const segments = planSegments(timeline).map((spec): PlannedSegment => {
    const captions = captionsAss ? localizeAss(captionsAss, spec, fps) : null;
    const overlays = layout.ass ? localizeAss(layout.ass, spec, fps) : null;
    const end = spec.startFrame + spec.frames;
    const logoFromFrame = logoStart !== null && logoStart < end ? Math.max(0, logoStart - spec.startFrame) : null;
    // A still's move and a video's loop depend on the clip's length; a motion background's or colour card's frame j
    // does not (drawn on the clock from the scene's first frame): keyed without it, so the transition into an end
    // card that a variant made longer or shorter is still found.
    const sceneOf = (i: number) => {
      const d = sources[i]!.describe;
      return d.kind === "design" || d.kind === "color" ? d : { ...d, clipFrames: sources[i]!.clipFrames };
    };
    const params = {
      v: SEGMENT_RENDERER_VERSION,
      size,
      fps,
      encoder: { id: encoder.id, args: [...encoder.videoArgs, ...encoder.segmentArgs], upload: encoder.uploadFilter },
      kind: spec.kind,
      frames: spec.frames,
      ...(spec.kind === "body"
        ? { scene: sceneOf(spec.scene), range: spec.range }
        : { transition: spec.transition, aFirst: spec.aFirst, a: sceneOf(spec.scene), b: sceneOf(spec.scene + 1) }),
      captions,
      overlays,
      font: captions || overlays ? fontSha : null,
      logo: logoFromFrame !== null && layout.logo ? { sha256: logoSha, box: layout.logo.box, fromFrame: logoFromFrame } : null,
    };
    return { spec, key: describeKey(params), params, captions, overlays, logoFromFrame };
  });
  const framingDone = Promise.all(framing).then((f) => f.filter((x): x is SceneFraming => x !== null).sort((a, b) => a.sceneIndex - b.sceneIndex));
  start(framingDone);
  return { plan, timeline, size, encoder, layout, sources, segments, framing: framingDone };
}

/**
 * Stage 2: every segment as a local file, in output order: found in the cache, or rendered and encoded now (at most
 * `encodeConcurrency` at once, longest first) and published. A failed publish (full disk, store down) costs only a rebuild next
 * time: the segment built here is used all the same.
 */
async function segmentStage(
  p: Planned,
  tmp: string,
  opts: RenderOptions,
  signal: AbortSignal,
  onFrames: (done: number) => void,
): Promise<{ paths: string[]; reports: SegmentReport[]; cacheWriteErrors: number }> {
  const cache = opts.segmentCache;
  const slots = semaphore(Math.max(1, opts.encodeConcurrency ?? 2));
  let framesDone = 0;
  let cacheWriteErrors = 0;
  const base = (s: PlannedSegment) => ({ key: s.key, kind: s.spec.kind, scene: s.spec.scene, startFrame: s.spec.startFrame, frames: s.spec.frames });
  const found = await Promise.all(p.segments.map((s) => (cache ? cache.lookup(s.key) : Promise.resolve(null))));
  // In output order (segment i at index i): the hits now, the rest as they are built.
  const results: { path: string; report: SegmentReport }[] = new Array(p.segments.length);
  await Promise.all(
    p.segments.map(async (s, i) => {
      const hit = found[i];
      if (!hit) return;
      framesDone += s.spec.frames;
      results[i] = { path: hit.path, report: { ...base(s), hit: true, bytes: (await stat(hit.path)).size, buildMs: 0 } };
    }),
  );
  onFrames(framesDone);
  // The missing ones, longest first (the slots take them in this order): a long segment started last would run
  // alone at the end with one core idle. Ties keep output order.
  const missing = p.segments.filter((_, i) => !found[i]).sort((x, y) => y.spec.frames - x.spec.frames || x.spec.index - y.spec.index);
  await Promise.all(
    missing.map(async (s) => {
      const { out, buildMs } = await slots.run(async () => {
        const t0 = performance.now();
        const out = join(tmp, `seg-${s.spec.index}.mp4`);
        await encodeSegment(p, s, tmp, out, signal);
        return { out, buildMs: Math.round(performance.now() - t0) };
      });
      framesDone += s.spec.frames;
      onFrames(framesDone);
      const bytes = (await stat(out)).size;
      // Published outside the slot, so the next segment's encode starts at once.
      if (cache && !(await publishCopy(cache, s.key, out, { buildMs, params: { kind: s.spec.kind, scene: s.spec.scene, frames: s.spec.frames } }, signal))) {
        cacheWriteErrors++;
      }
      results[s.spec.index] = { path: out, report: { ...base(s), hit: false, bytes, buildMs } };
    }),
  );
  return { paths: results.map((r) => r.path), reports: results.map((r) => r.report), cacheWriteErrors };
}

/**
 * Publish a copy of `file` to `cache` under `key` (the render goes on using its own file, intact whatever the
 * publish does). Resolves false when the publish failed (full disk, store down: only a rebuild next time); rethrows
 * when `signal` has aborted.
 */
async function publishCopy(cache: SegmentCache, key: string, file: string, meta: Parameters<SegmentCache["publish"]>[2], signal: AbortSignal): Promise<boolean> {
  try {
    const copy = `${file}.publish${extname(file)}`;
    await copyFile(file, copy);
    await cache.publish(key, copy, meta);
    return true;
  } catch (e) {
    if (signal.aborted) throw e;
    return false;
  }
}

/** Render one segment: its inputs (pipes for streamed stills and composed transitions), its graph, the encoder. */
async function encodeSegment(p: Planned, s: PlannedSegment, tmp: string, outPath: string, signal: AbortSignal): Promise<void> {
  const { spec } = s;
  const { fps } = p.timeline;
  const feeders: ((stream: NodeJS.WritableStream) => Promise<void>)[] = [];
  const pipe = (feed: (stream: NodeJS.WritableStream) => Promise<void>) => 2 + feeders.push(feed);
  const sources = new Map<number, { visual: ResolvedVisual; clipFrames: number }>();
  let composedFd: number | null = null;
  const scenes = spec.kind === "body" ? [spec.scene] : [spec.scene, spec.scene + 1];
  const streamed = scenes.every((i) => p.sources[i]!.frames !== null);
  if (spec.kind === "transition" && streamed) {
    const a = p.sources[spec.scene]!.frames!;
    const b = p.sources[spec.scene + 1]!.frames!;
    composedFd = pipe(async (stream) => {
      const [fa, fb] = await Promise.all([a(), b()]);
      await writeTransition(stream, { kind: spec.transition, frames: spec.frames, a: fa.frameSource(), aFirst: spec.aFirst, b: fb.frameSource() }, p.size, signal);
    });
  } else {
    for (const i of scenes) {
      const src = p.sources[i]!;
      const range =
        spec.kind === "body" ? spec.range : i === spec.scene ? { from: spec.aFirst, to: spec.aFirst + spec.frames } : { from: 0, to: spec.frames };
      const visual: ResolvedVisual = src.frames
        ? { kind: "stream", fd: pipe(async (stream) => (await src.frames!()).writeTo(stream, signal, range)) }
        : await src.visual();
      sources.set(i, { visual, clipFrames: src.clipFrames });
    }
  }
  const write = async (name: string, text: string | null) => {
    if (!text) return null;
    const path = join(tmp, `seg-${spec.index}-${name}.ass`);
    await writeFile(path, text, "utf8");
    return path;
  };
  const [captionsAssPath, overlayAssPath] = await Promise.all([write("captions", s.captions), write("overlays", s.overlays)]);
  const logo = p.layout.logo && s.logoFromFrame !== null ? { path: p.layout.logo.path, box: p.layout.logo.box, fromFrame: s.logoFromFrame } : null;
  const args = buildSegmentArgs({
    seg: spec,
    fps,
    size: p.size,
    sources,
    composedFd,
    captionsAssPath,
    overlayAssPath,
    fontsDir: p.plan.brand.fontPath ? dirname(p.plan.brand.fontPath) : null,
    logo,
    encoder: p.encoder,
    outPath,
  });
  await runFfmpeg(args, { signal, cwd: tmp, pipes: feeders, totalFrames: spec.frames });
}

/**
 * Stage 3: the concat demuxer's list of the segments in order (paths quoted for its parser), each with its exact
 * duration, so every segment starts on its frame whatever its container rounded.
 */
async function joinStage(paths: string[], frames: number[], fps: number, tmp: string): Promise<string> {
  const listPath = join(tmp, "segments.txt");
  const quote = (p: string) => `'${p.replace(/'/g, "'\\''")}'`;
  const entries = paths.map((p, i) => `file ${quote(p)}\nduration ${(frames[i]! / fps).toFixed(9)}`);
  await writeFile(listPath, `ffconcat version 1.0\n${entries.join("\n")}\n`, "utf8");
  return listPath;
}

/**
 * The soundtrack as one AAC track in an MP4 file (`path`), keyed by everything that decides its samples: the audio
 * plan with every file by its sha256, the video's duration, the AAC settings and `SOUNDTRACK_RENDERER_VERSION`.
 * Found in `cache` (an exact or a video-only re-render skips the mix, the loudness passes and the AAC encode), or
 * mixed, mastered and encoded now and published (a failed publish only costs a rebuild next time). Input files are
 * checked first (`withAudioInputs`: a missing or unreadable one is a RenderInputError naming it).
 */
async function soundtrackStage(
  plan: RenderPlan,
  durationSec: number,
  tmp: string,
  cache: SegmentCache | undefined,
  signal: AbortSignal,
): Promise<{ path: string; key: string; hit: boolean; bytes: number; buildMs: number }> {
  const { audio } = plan;
  const bitrate = plan.output.preset === "final" ? "160k" : "96k";
  return withAudioInputs(
    plan,
    async () => {
      const [voice, music] = await Promise.all([
        Promise.all(audio.voice.map(async (v) => ({ sha256: await hashFile(v.path), startSec: v.startSec }))),
        audio.music ? hashFile(audio.music.path).then((sha256) => ({ ...audio.music!, path: undefined, sha256 })) : null,
      ]);
      const params = { kind: "soundtrack", v: SOUNDTRACK_RENDERER_VERSION, audio: { ...audio, voice, music }, durationSec, aac: { bitrate, rate: MIX_RATE, channels: 2 } };
      const key = describeKey(params);
      const found = cache ? await cache.lookup(key) : null;
      if (found) return { path: found.path, key, hit: true, bytes: (await stat(found.path)).size, buildMs: 0 };
      const t0 = performance.now();
      const mix = await mixSoundtrack(audio, durationSec, join(tmp, "mix.f32"), { signal });
      const path = join(tmp, "soundtrack.m4a");
      await runFfmpeg(
        [
          ...MIX_INPUT_ARGS, "-thread_queue_size", "64", "-i", "pipe:3",
          "-filter:a", "aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo",
          "-c:a", "aac", "-b:a", bitrate, "-ar", String(MIX_RATE), "-ac", "2",
          "-t", durationSec.toFixed(6),
          "-f", "mp4", path,
        ],
        { signal, durationSec, pipes: [async (stream) => writeChunk(stream, await masteredSamples(mix, signal))] },
      );
      const buildMs = Math.round(performance.now() - t0);
      const bytes = (await stat(path)).size;
      if (cache) await publishCopy(cache, key, path, { buildMs, params: { kind: "soundtrack", durationSec } }, signal);
      return { path, key, hit: false, bytes, buildMs };
    },
    signal,
  );
}

/**
 * Stage 4: the joined segments and the encoded soundtrack, both stream-copied, into an MP4 with +faststart, cut to
 * the timeline's duration.
 */
async function muxStage(p: Planned, listPath: string, soundtrackPath: string, outPath: string, signal: AbortSignal): Promise<void> {
  const { timeline } = p;
  const args = [
    "-f", "concat", "-safe", "0", "-i", listPath,
    "-i", soundtrackPath,
    "-map", "0:v:0", "-map", "1:a:0",
    "-c", "copy",
    "-t", timeline.durationSec.toFixed(6),
    "-video_track_timescale", String(timeline.fps * 512),
    "-movflags", "+faststart",
    "-f", "mp4",
    outPath,
  ];
  await runFfmpeg(args, { signal, durationSec: timeline.durationSec });
}
