/**
 * The assembly step as pure data: plan + resolved inputs -> ffmpeg argument array.
 *
 * Invariants:
 * - Arguments are an array for spawn; nothing here is ever joined into a shell string.
 * - No user text enters the filter graph. Captions arrive as an .ass file path; paths that do enter the graph
 *   (the .ass file, the fonts dir) go through `escapeFilterValue`, and the caller also gives them plain names.
 * - Every scene stream leaving its chain is W x H, SAR 1, yuv420p, time base 1/fps, and has exactly
 *   `clipFrames` frames; the transitions below rely on it.
 */
import { type EncoderSettings } from "./encoders";
import { motionDesignChain } from "./design";
import { type ContainFrame, type FrameDecision, containBox } from "./framing";
import { isPan, panPlan, perspectiveFilter } from "./kenburns";
import { type KenBurns, type RenderPlan, type Transition, outputSize } from "./plan";
import { type SceneSpan, type Timeline, buildTimeline } from "./timeline";

/** A scene's visual after validation and caching. */
export type ResolvedVisual =
  /** A prerendered clip (e.g. a cached MPEG-2 Ken Burns clip) at output size and fps with at least clipFrames frames. */
  | { kind: "clip"; path: string }
  /**
   * Raw yuv420p frames at output size and fps, written by the caller to pipe `fd` (3, 4, ...) of the run: only the
   * frames the graph uses (see `sceneFrameRange`), in order.
   */
  | { kind: "stream"; fd: number }
  /** A still: decoded once, scaled to cover, Ken Burns applied in this graph (pans read `commandsPath`). */
  | { kind: "image"; path: string; motion: KenBurns; hasAlpha: boolean; commandsPath: string | null; frame?: FrameDecision; backdropColor?: string }
  /** A video clip, trimmed or looped to the scene. */
  | { kind: "video"; path: string; durationSec: number }
  | { kind: "color"; color: string }
  /** A motion background (design.ts): its colours, layout seed and which way its shapes shade. */
  | { kind: "design"; primary: string; secondary: string; seed: number; shade: 0 | 255 };

export interface ResolvedInputs {
  scenes: ResolvedVisual[];
  /**
   * The soundtrack: ffmpeg input arguments ending in `-i <file or pipe:N>`, and the filter chain it takes to the
   * output format (see audio.ts); null = a silent track.
   */
  audio: { input: string[]; filter: string } | null;
  /** .ass captions; null = none. */
  assPath: string | null;
  /** Extra fonts for libass (a repo folder); fontconfig's system fonts are always available. */
  fontsDir?: string | null;
  /** Headline overlays and end card text (.ass, see overlays.ts), burned after the captions; null = none. */
  overlayAssPath?: string | null;
  /** The brand logo (transparency kept), scaled into `box` and shown from `startSec` on; null = none. */
  logo?: { path: string; box: { x: number; y: number; w: number; h: number }; startSec: number } | null;
  /**
   * Per boundary (scene i -> i + 1): the pipe fd carrying that transition's frames, composed by the caller
   * (transitions.ts), or null: xfade in the graph (or a cut). A composed boundary's overlapping frames are not read
   * from either scene.
   */
  transitions?: (number | null)[];
  encoder: EncoderSettings;
  outPath: string;
  /** Container format for outPath (it may be a temp name without an extension). Default mp4. */
  format?: string;
}

/**
 * Escape a value for use as a filter option inside a filtergraph: first the option level (`\ ' :`), then the
 * graph level (`\ ' [ ] , ;`). See "Notes on filtergraph escaping" in ffmpeg-filters(1).
 */
export function escapeFilterValue(value: string): string {
  const optionLevel = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return optionLevel.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/**
 * How a still becomes `frames` frames at W x H: decode once, scale once to cover, loop, then move.
 * Pans need a sendcmd file (`commands`), which the caller writes and passes to `chain` as `commandsPath`.
 */
export interface StillRecipe {
  commands: string | null;
  chain: (input: string, commandsPath: string | null) => string;
}

export function stillRecipe(
  v: { motion: KenBurns; hasAlpha: boolean; frame?: FrameDecision; backdropColor?: string },
  frames: number,
  size: { width: number; height: number },
  fps: number,
  id = "kb",
): StillRecipe {
  const { width: W, height: H } = size;
  const f = v.frame;
  if (f?.mode === "contain") return containRecipe(v, f, frames, size, fps, id);
  const motionOf = f?.mode === "cover" ? f.motion : v.motion;
  v = { ...v, motion: motionOf };
  const pan = isPan(v.motion) ? panPlan(v.motion, frames, size, fps, id) : null;
  const cw = pan ? pan.coverWidth : W;
  const ch = pan ? pan.coverHeight : H;
  const place =
    f?.mode === "cover"
      ? [`crop=${Math.round(f.crop.w)}:${Math.round(f.crop.h)}:${Math.round(f.crop.x)}:${Math.round(f.crop.y)}`, `scale=${cw}:${ch}:flags=lanczos`]
      : [`scale=${cw}:${ch}:force_original_aspect_ratio=increase:flags=lanczos`, `crop=${cw}:${ch}`];
  const base = [
    // GIFs and other multi-frame images: only the first frame.
    "trim=end_frame=1",
    // Transparent PNGs: composite onto black rather than exposing the colour under alpha.
    ...(v.hasAlpha ? ["format=gbrap", "premultiply=inplace=1"] : []),
    ...place,
    "setsar=1",
    "format=yuv420p",
    `loop=loop=${frames - 1}:size=1:start=0`,
    `settb=1/${fps}`,
    "setpts=N",
    // Timestamps are already 1/fps apart, so fps only stamps the link's frame rate (xfade checks it).
    `fps=${fps}`,
  ];
  return {
    commands: pan ? pan.commands : null,
    chain: (input, commandsPath) => {
      const motion: string[] = [];
      if (pan) {
        if (!commandsPath) throw new Error("a pan needs its sendcmd file");
        motion.push(...pan.filters(escapeFilterValue(commandsPath)));
      } else if (v.motion.type !== "none") {
        motion.push(perspectiveFilter(v.motion, frames, W, H));
      }
      return `[${input}]${[...base, ...motion].join(",")}`;
    },
  };
}

/**
 * `contain` framing without the SIMD resampler: the whole photo at its middle size over its backdrop, composed once
 * and held (no motion: ffmpeg has no cheap sub-pixel scaler with a per-frame size).
 */
function containRecipe(
  v: { hasAlpha: boolean; backdropColor?: string },
  f: ContainFrame,
  frames: number,
  size: { width: number; height: number },
  fps: number,
  id: string,
): StillRecipe {
  const { width: W, height: H } = size;
  const box = containBox(f, 0.5, size);
  const sw = 2 * Math.ceil(W / 16);
  const sh = 2 * Math.ceil(H / 16);
  const first = ["trim=end_frame=1", ...(v.hasAlpha ? ["format=gbrap", "premultiply=inplace=1"] : []), "setsar=1"];
  const hold = ["format=yuv420p", `loop=loop=${frames - 1}:size=1:start=0`, `settb=1/${fps}`, "setpts=N", `fps=${fps}`];
  return {
    commands: null,
    chain: (input) => {
      const bg =
        f.backdrop === "color"
          ? `color=c=0x${(v.backdropColor ?? "#111827").slice(1)}:s=${W}x${H}:d=1[${id}bg]`
          : `[${id}b]scale=${sw}:${sh}:force_original_aspect_ratio=increase,crop=${sw}:${sh},gblur=sigma=4,scale=${W}:${H}:flags=bicubic,eq=brightness=-0.18:saturation=0.7:contrast=0.85,setsar=1[${id}bg]`;
      return [
        `[${input}]${first.join(",")},split=2[${id}a][${id}b]`,
        f.backdrop === "color" ? `[${id}b]nullsink` : null,
        bg,
        `[${id}a]scale=${box.w}:${box.h}:flags=lanczos[${id}fg]`,
        `[${id}bg][${id}fg]overlay=x=${box.x}:y=${box.y},${hold.join(",")}`,
      ]
        .filter((x): x is string => x !== null)
        .join(";");
    },
  };
}

/**
 * Encoder options of cached Ken Burns clips (part of the cache key). Measured on 540 frames of 1080x1920 KB content
 * (CPU s encode / decode, MB, PSNR): x264 ultrafast crf14 6.7 / 2.6, 98, 49.8 dB; x264 ultrafast crf18 5.0 / 2.2,
 * 71, 46.7 dB; MPEG-2 q2 4.2 / 1.4, 81, 48.3 dB. MPEG-2 intra-quality is the cheapest both ways at that quality.
 */
export const clipCodecArgs = ["-c:v", "mpeg2video", "-q:v", "2", "-g", "30", "-bf", "0", "-pix_fmt", "yuv420p"] as const;

/**
 * ffmpeg args rendering one still's Ken Burns clip (`frames` frames) to `outPath` (Matroska).
 * `commandsPath`: where the caller wrote `recipe.commands` (pans only).
 */
export function buildKenBurnsClipArgs(
  v: { path: string; motion: KenBurns; hasAlpha: boolean },
  recipe: StillRecipe,
  frames: number,
  outPath: string,
  commandsPath: string | null,
): string[] {
  return [
    "-i", v.path,
    "-filter_complex", `${recipe.chain("0:v", commandsPath)}[v]`,
    "-map", "[v]",
    ...clipCodecArgs,
    "-frames:v", String(frames),
    "-f", "matroska",
    outPath,
  ];
}

/**
 * The frames [from, to) of a scene's clip that the graph reads: a boundary composed outside the graph takes its
 * overlapping frames from the scene's source directly, so they are skipped here. `composed[i]` is non-null for
 * each composed boundary i -> i + 1.
 */
export function sceneFrameRange(timeline: Timeline, i: number, composed: readonly unknown[] = []): { from: number; to: number } {
  const span = timeline.scenes[i]!;
  const from = i > 0 && composed[i - 1] != null ? (timeline.scenes[i - 1]!.outgoing?.overlapFrames ?? 0) : 0;
  const to = span.clipFrames - (composed[i] != null ? (span.outgoing?.overlapFrames ?? 0) : 0);
  return { from, to };
}

export function sceneChain(
  v: ResolvedVisual,
  inputIndex: number | null,
  span: SceneSpan,
  size: { width: number; height: number },
  fps: number,
  range: { from: number; to: number },
): string {
  const { width: W, height: H } = size;
  const n = span.clipFrames;
  const norm = [`settb=1/${fps}`, "setpts=N"];
  let chain: string;
  switch (v.kind) {
    case "stream":
      // The pipe carries exactly the range.
      chain = `[${inputIndex}:v]${[`trim=end_frame=${range.to - range.from}`, ...norm].join(",")}`;
      break;
    case "clip": {
      const trim = range.from > 0 ? `trim=start_frame=${range.from}:end_frame=${range.to}` : `trim=end_frame=${range.to}`;
      chain = `[${inputIndex}:v]${["format=yuv420p", trim, ...norm].join(",")}`;
      break;
    }
    case "image":
      chain = stillRecipe(v, n, size, fps, `kb${span.index}`).chain(`${inputIndex}:v`, v.commandsPath);
      break;
    case "video":
      chain = `[${inputIndex}:v]${[
        `fps=${fps}`,
        `scale=${W}:${H}:force_original_aspect_ratio=increase:flags=bicubic`,
        `crop=${W}:${H}`,
        "setsar=1",
        "format=yuv420p",
        `trim=end_frame=${n}`,
        ...norm,
      ].join(",")}`;
      break;
    case "color":
      chain = `color=c=0x${v.color.slice(1)}:s=${W}x${H}:r=${fps},${["format=yuv420p", `trim=end_frame=${n}`, ...norm].join(",")}`;
      break;
    case "design":
      chain = motionDesignChain({ primary: v.primary, secondary: v.secondary, seed: v.seed, shade: v.shade, width: W, height: H, vignette: v.shade === 0 }, { fps, frames: n, id: `ds${span.index}` });
      break;
  }
  return chain;
}

export const xfadeTransition: { [k in Transition["kind"]]: string } = {
  cut: "fade",
  flash: "fadewhite",
  crossfade: "fade",
  slide: "slideleft",
};

export interface AssemblyGraph {
  inputs: string[];
  filterComplex: string;
  videoLabel: string;
  timeline: Timeline;
}

/** Inputs and filter graph of the assembly (scenes -> transitions -> captions). */
export function buildAssemblyGraph(plan: RenderPlan, r: ResolvedInputs): AssemblyGraph {
  const timeline = buildTimeline(plan);
  const size = outputSize(plan.output);
  const { fps } = timeline;
  if (r.scenes.length !== plan.scenes.length) throw new Error("resolved scenes do not match the plan");
  const inputs: string[] = [];
  const chains: string[] = [];
  const composed = r.transitions ?? [];
  const ranges = timeline.scenes.map((_, i) => sceneFrameRange(timeline, i, composed));
  /** Raw yuv420p frames from pipe `fd`; returns the input's index. */
  const rawPipeInput = (fd: number) => {
    inputs.push(
      "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", `${size.width}x${size.height}`, "-framerate", String(fps),
      // A frame is one packet; a short queue bounds the memory held per stream (4 frames = 12 MB at 1080x1920).
      "-thread_queue_size", "4",
      "-i", `pipe:${fd}`,
    );
    return countInputs(inputs) - 1;
  };
  r.scenes.forEach((v, i) => {
    const span = timeline.scenes[i]!;
    const range = ranges[i]!;
    let idx: number | null = null;
    const secs = (span.clipFrames / fps).toFixed(4);
    if (v.kind === "image") {
      idx = countInputs(inputs);
      // No -framerate: GIFs are read by the gif demuxer, which lacks it; the chain keeps frame 0 and loops it.
      inputs.push("-i", v.path);
    } else if (v.kind === "clip") {
      idx = countInputs(inputs);
      inputs.push("-i", v.path);
    } else if (v.kind === "stream") {
      idx = rawPipeInput(v.fd);
    } else if (v.kind === "video") {
      idx = countInputs(inputs);
      // Loop when the clip is shorter than the scene; -t bounds reading either way.
      const loop = v.durationSec + 1e-3 < span.clipFrames / fps;
      inputs.push(...(loop ? ["-stream_loop", "-1"] : []), "-t", secs, "-i", v.path);
    }
    chains.push(`${sceneChain(v, idx, span, size, fps, range)}[s${i}]`);
  });

  // Join scenes: every clip is cut into head (blended with the previous clip), body and tail (blended with the
  // next); bodies pass straight to one concat, and xfade only ever sees the few overlapping frames. (Chaining
  // xfade over whole clips made ffmpeg 5.1 spend ~3 ms per frame even outside the transitions.)
  // A composed boundary is its own input between the two bodies (its frames are not in [s_i]).
  const pieces: string[] = [];
  timeline.scenes.forEach((span, i) => {
    const inComposed = i > 0 && composed[i - 1] != null;
    const outComposed = composed[i] != null;
    const kin = i > 0 && !inComposed ? (timeline.scenes[i - 1]!.outgoing?.overlapFrames ?? 0) : 0;
    const kout = outComposed ? 0 : (span.outgoing?.overlapFrames ?? 0);
    const len = ranges[i]!.to - ranges[i]!.from;
    const parts = [kin > 0 ? "h" : null, "b", kout > 0 ? "t" : null].filter((x): x is string => x !== null);
    const label = (p: string) => `${p}${i}`;
    if (parts.length > 1) {
      chains.push(`[s${i}]split=${parts.length}${parts.map((p) => `[${label(p)}x]`).join("")}`);
      if (kin > 0) chains.push(`[${label("h")}x]trim=end_frame=${kin},setpts=PTS-STARTPTS[${label("h")}]`);
      chains.push(`[${label("b")}x]trim=start_frame=${kin}:end_frame=${len - kout},setpts=PTS-STARTPTS[${label("b")}]`);
      if (kout > 0) chains.push(`[${label("t")}x]trim=start_frame=${len - kout},setpts=PTS-STARTPTS[${label("t")}]`);
    }
    if (kin > 0) {
      const tr = timeline.scenes[i - 1]!.outgoing!;
      const duration = (kin / fps).toFixed(6);
      chains.push(`[t${i - 1}][h${i}]xfade=transition=${xfadeTransition[tr.kind]}:duration=${duration}:offset=0[x${i}]`);
      pieces.push(`[x${i}]`);
    }
    pieces.push(parts.length === 1 ? `[s${i}]` : `[b${i}]`);
    if (outComposed) {
      const k = span.outgoing!.overlapFrames;
      chains.push(`[${rawPipeInput(composed[i]!)}:v]trim=end_frame=${k},settb=1/${fps},setpts=N[c${i + 1}]`);
      pieces.push(`[c${i + 1}]`);
    }
  });
  const cur = "joined";
  chains.push(
    pieces.length > 1
      ? `${pieces.join("")}concat=n=${pieces.length}:v=1:a=0,settb=1/${fps}[${cur}]`
      : `${pieces[0]}null[${cur}]`,
  );

  let cur2 = cur;
  if (r.logo) {
    const idx = countInputs(inputs);
    inputs.push("-i", r.logo.path);
    const { x, y, w, h } = r.logo.box;
    // One frame: overlay repeats it to the end. The logo's alpha is kept (yuva420p) and blended over the card.
    chains.push(`[${idx}:v]trim=end_frame=1,scale=${w}:${h}:flags=lanczos,format=yuva420p,setsar=1[logo]`);
    chains.push(`[${cur}][logo]overlay=x=${x}:y=${y}:enable='gte(t,${r.logo.startSec.toFixed(3)})':format=yuv420,format=yuv420p[withlogo]`);
    cur2 = "withlogo";
  }
  const post: string[] = [];
  const subtitles = (path: string) => {
    const opts = [`filename=${escapeFilterValue(path)}`];
    if (r.fontsDir) opts.push(`fontsdir=${escapeFilterValue(r.fontsDir)}`);
    return `subtitles=${opts.join(":")}`;
  };
  if (r.assPath) post.push(subtitles(r.assPath));
  if (r.overlayAssPath) post.push(subtitles(r.overlayAssPath));
  if (r.encoder.uploadFilter) post.push(r.encoder.uploadFilter);
  const videoLabel = "vout";
  chains.push(`[${cur2}]${post.length ? post.join(",") : "null"}[${videoLabel}]`);
  return { inputs, filterComplex: chains.join(";\n"), videoLabel, timeline };
}

function countInputs(args: string[]): number {
  return args.filter((a) => a === "-i").length;
}

/**
 * The full ffmpeg argument array for the assembly: scene inputs, the audio input, the filter graph and the
 * encoder/container options. Pure; the caller runs it with `runFfmpeg`.
 */
export function buildFfmpegArgs(plan: RenderPlan, r: ResolvedInputs): string[] {
  const g = buildAssemblyGraph(plan, r);
  const inputs = [...g.inputs];
  const audioIndex = countInputs(inputs);
  const duration = g.timeline.durationSec.toFixed(6);
  // The soundtrack has its own (simple) filter graph: a complex graph is configured only once every input it
  // reads has delivered a frame, so an audio chain inside it would hold the video back until the soundtrack,
  // mixed and mastered meanwhile, arrives through its pipe.
  let audio: string[];
  if (r.audio) {
    inputs.push(...r.audio.input);
    audio = ["-map", `${audioIndex}:a:0`, "-filter:a", r.audio.filter];
  } else {
    inputs.push("-f", "lavfi", "-i", `anullsrc=r=48000:cl=stereo`);
    audio = ["-map", `${audioIndex}:a:0`];
  }
  return [
    ...r.encoder.globalArgs,
    ...inputs,
    "-filter_complex", g.filterComplex,
    "-map", `[${g.videoLabel}]`,
    ...audio,
    ...r.encoder.videoArgs,
    "-r", String(plan.output.fps),
    "-c:a", "aac", "-b:a", plan.output.preset === "final" ? "160k" : "96k", "-ar", "48000", "-ac", "2",
    "-t", duration,
    // Inputs fed through pipes may start late (the soundtrack is mixed while video encodes): queue, don't fail.
    "-max_muxing_queue_size", "4096",
    "-movflags", "+faststart",
    "-f", r.format ?? "mp4",
    r.outPath,
  ];
}
