/**
 * The video as a sequence of independently decodable segments (issue 13): planning them, slicing the captions and
 * overlays each one draws, and the ffmpeg arguments that render one.
 *
 * Glossary
 * - segment: a run of output frames encoded on its own (its first frame an IDR, closed GOP, the encoder and settings
 *   of the whole render), so segments join by stream copy (the concat demuxer). Kinds: a scene's `body` (its frames
 *   outside any transition) and a `transition` (the k overlapping frames of a flash, crossfade or slide). The end
 *   card is a scene like any other (endcard.ts).
 * - local time: a segment is rendered on its own clock, `LOCAL_BASE_SEC` + its frame index / fps, so its pixels do
 *   not depend on where it sits on the output timeline: a variant whose hook scene got longer reuses the scenes after
 *   it. The caption and overlay events it draws are moved onto that clock frame-exactly (`localizeAss`).
 *
 * Invariants
 * - The segments tile the output: in order, without gaps or overlaps, sum of frames = timeline.totalFrames.
 * - Whether an event is visible on a frame is decided exactly as in a one-pass render (ffmpeg's subtitles filter
 *   asks libass for the frame time in whole ms, truncated: `pts * time_base * 1000`); animations inside an event
 *   (fades) may differ by < 10 ms of their progress (ASS times are centiseconds).
 * - Every input that decides a segment's pixels is in its key description (`SegmentRecipe.describe`); the key is its
 *   sha256 (with the source files' content hashes and `SEGMENT_RENDERER_VERSION`).
 */
import { type EncoderSettings } from "./encoders";
import { type ResolvedVisual, escapeFilterValue, sceneChain, xfadeTransition } from "./graph";
import { type Transition } from "./plan";
import { type Timeline } from "./timeline";

/** Bump when anything in how segments are drawn or encoded changes, so old cached segments stop matching. */
export const SEGMENT_RENDERER_VERSION = 2;

/** A segment's clock starts here (seconds): events that began before the segment keep a non-negative start. */
export const LOCAL_BASE_SEC = 1000;

export type SegmentSpec =
  | {
      kind: "body";
      index: number;
      /** First output frame and frame count. */
      startFrame: number;
      frames: number;
      scene: number;
      /** Frames [from, to) of the scene's clip (see timeline.ts: clipFrames = lead + core + tail). */
      range: { from: number; to: number };
    }
  | {
      kind: "transition";
      index: number;
      startFrame: number;
      frames: number;
      /** Scene `scene` hands over to `scene + 1`: A's frames aFirst.., B's frames 0..frames-1. */
      scene: number;
      transition: Exclude<Transition["kind"], "cut">;
      aFirst: number;
    };

/** Scene bodies and transitions in output order (pure). */
export function planSegments(timeline: Timeline): SegmentSpec[] {
  const out: SegmentSpec[] = [];
  let at = 0;
  timeline.scenes.forEach((span, i) => {
    const prev = i > 0 ? timeline.scenes[i - 1]!.outgoing : null;
    const from = prev && prev.kind !== "cut" ? prev.overlapFrames : 0;
    const k = span.outgoing && span.outgoing.kind !== "cut" ? span.outgoing.overlapFrames : 0;
    const to = span.clipFrames - k;
    if (to > from) {
      out.push({ kind: "body", index: out.length, startFrame: at, frames: to - from, scene: i, range: { from, to } });
      at += to - from;
    }
    if (k > 0) {
      out.push({ kind: "transition", index: out.length, startFrame: at, frames: k, scene: i, transition: span.outgoing!.kind as Exclude<Transition["kind"], "cut">, aFirst: span.clipFrames - k });
      at += k;
    }
  });
  if (at !== timeline.totalFrames) throw new Error(`segments cover ${at} frames, the timeline ${timeline.totalFrames}`);
  return out;
}

/** The frame time (ms) ffmpeg's subtitles filter hands libass for pts `pts` in time base 1/fps (C double maths). */
export function libassMs(pts: number, fps: number): number {
  return Math.trunc(pts * (1 / fps) * 1000);
}

/** First output frame at or after ms `t` as libass sees frames (binary search; frames are monotonic in ms). */
function firstFrameAtOrAfter(tMs: number, fps: number): number {
  let lo = 0;
  let hi = Math.ceil(((tMs + 1000) * fps) / 1000) + 2;
  while (libassMs(hi, fps) < tMs) hi *= 2;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (libassMs(mid, fps) >= tMs) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const TIME = /^(\d+):(\d\d):(\d\d)\.(\d\d)$/;
const toCs = (s: string): number => {
  const m = TIME.exec(s);
  if (!m) throw new Error(`not an ASS time: ${s}`);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 100 + Number(m[4]);
};
const fromCs = (c: number): string => {
  const h = Math.floor(c / 360000);
  const m = Math.floor((c % 360000) / 6000);
  const s = Math.floor((c % 6000) / 100);
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}.${String(c % 100).padStart(2, "0")}`;
};

/**
 * The part of an .ass script a segment draws, on the segment's local clock: the header with only the styles its
 * events use, and each Dialogue
 * event visible on one of output frames [startFrame, startFrame + frames) with its start and end moved so that it
 * appears and disappears on the same frames as in a one-pass render. Returns null when no event is visible.
 * Throws on a Dialogue line without valid times (the scripts come from ass.ts and overlays.ts).
 */
export function localizeAss(ass: string, seg: { startFrame: number; frames: number }, fps: number): string | null {
  const lines = ass.split("\n");
  const at = lines.findIndex((l) => l.startsWith("Dialogue:"));
  if (at < 0) return null;
  const header = lines.slice(0, at);
  const base = LOCAL_BASE_SEC * fps;
  const localCs = (absCs: number): number => {
    const m = firstFrameAtOrAfter(absCs * 10, fps);
    return Math.floor(libassMs(base + (m - seg.startFrame), fps) / 10);
  };
  const events: string[] = [];
  for (const line of lines.slice(at)) {
    if (!line.startsWith("Dialogue:")) continue;
    // Dialogue: Layer, Start, End, Style, ...
    const parts = line.split(",");
    const start = toCs(parts[1]!);
    const end = toCs(parts[2]!);
    const first = firstFrameAtOrAfter(start * 10, fps);
    const after = firstFrameAtOrAfter(end * 10, fps);
    // Visible on output frames [first, after); skip it unless that meets the segment.
    if (after <= first || after <= seg.startFrame || first >= seg.startFrame + seg.frames) continue;
    const s = localCs(start);
    const e = localCs(end);
    events.push([parts[0], fromCs(s), fromCs(e), ...parts.slice(3)].join(","));
  }
  if (events.length === 0) return null;
  // Only the styles these events use: a style another segment's headline needs (a variant's longer hook gets its
  // own size) must not change this segment's script, and so its key. Unused styles draw nothing.
  const used = new Set(events.map((e) => e.split(",")[3]!.trim()));
  const kept = header.filter((l) => !l.startsWith("Style:") || used.has(l.slice("Style:".length).split(",")[0]!.trim()));
  return [...kept, ...events, ""].join("\n");
}

/** Output frame index of the first frame whose time (pts / fps, double) is >= startSec (ffmpeg's `gte(t, s)`). */
export function firstFrameFrom(startSec: number, fps: number): number {
  let n = Math.max(0, Math.floor(startSec * fps) - 2);
  while (n * (1 / fps) < startSec) n++;
  return n;
}

/** A scene's visual source for a segment: its resolved visual and, for a streamed still, the pipe it arrives on. */
export interface SegmentSource {
  visual: ResolvedVisual;
  clipFrames: number;
}

export interface SegmentGraphInput {
  seg: SegmentSpec;
  fps: number;
  size: { width: number; height: number };
  /** Scenes by index (body: [scene]; transition: [scene, scene + 1]). A `stream` visual names its pipe fd. */
  sources: Map<number, SegmentSource>;
  /** A transition composed outside ffmpeg (both sides streamed stills): the pipe fd carrying its frames. */
  composedFd: number | null;
  /** Localized scripts (written to files by the caller); null = none. */
  captionsAssPath: string | null;
  overlayAssPath: string | null;
  fontsDir: string | null;
  /** The logo over the end card: its file, box and the segment-local frame it appears on. */
  logo: { path: string; box: { x: number; y: number; w: number; h: number }; fromFrame: number } | null;
  encoder: EncoderSettings;
  outPath: string;
}

/**
 * ffmpeg arguments rendering one segment to an MP4 (H.264 only, no audio): the scene (or the two scenes of a
 * transition) trimmed to the segment, captions and overlays on the local clock, the logo, then the render's encoder.
 * Pure. User text never enters the graph (it is in the .ass files); paths that do are escaped.
 */
export function buildSegmentArgs(g: SegmentGraphInput): string[] {
  const { seg, fps, size } = g;
  const { width: W, height: H } = size;
  const inputs: string[] = [];
  const chains: string[] = [];
  const count = () => inputs.filter((a) => a === "-i").length;
  const rawPipe = (fd: number) => {
    inputs.push("-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", `${W}x${H}`, "-framerate", String(fps), "-thread_queue_size", "4", "-i", `pipe:${fd}`);
    return count() - 1;
  };
  const norm = `settb=1/${fps},setpts=N`;
  /** Scene i's frames [from, to) as label `label`. */
  const sceneFrames = (i: number, from: number, to: number, label: string) => {
    const src = g.sources.get(i);
    if (!src) throw new Error(`segment ${seg.index}: scene ${i} has no source`);
    const v = src.visual;
    let idx: number | null = null;
    if (v.kind === "stream") {
      // The pipe carries exactly [from, to).
      chains.push(`[${rawPipe(v.fd)}:v]trim=end_frame=${to - from},${norm}[${label}]`);
      return;
    }
    if (v.kind === "image" || v.kind === "clip") {
      idx = count();
      inputs.push("-i", v.path);
    } else if (v.kind === "video") {
      idx = count();
      const loop = v.durationSec + 1e-3 < src.clipFrames / fps;
      inputs.push(...(loop ? ["-stream_loop", "-1"] : []), "-t", (src.clipFrames / fps).toFixed(4), "-i", v.path);
    }
    const span = { index: i, startFrame: 0, coreFrames: src.clipFrames, leadFrames: 0, tailFrames: 0, clipFrames: src.clipFrames, outgoing: null };
    const chain = sceneChain(v, idx, span, size, fps, { from: 0, to: src.clipFrames });
    chains.push(`${chain},trim=start_frame=${from}:end_frame=${to},${norm}[${label}]`);
  };
  if (seg.kind === "body") {
    sceneFrames(seg.scene, seg.range.from, seg.range.to, "v0");
  } else if (g.composedFd !== null) {
    chains.push(`[${rawPipe(g.composedFd)}:v]trim=end_frame=${seg.frames},${norm}[v0]`);
  } else {
    // Next to a video clip or a colour card: xfade over the overlapping frames, as the one-pass graph did.
    sceneFrames(seg.scene, seg.aFirst, seg.aFirst + seg.frames, "ta");
    sceneFrames(seg.scene + 1, 0, seg.frames, "tb");
    chains.push(`[ta][tb]xfade=transition=${xfadeTransition[seg.transition]}:duration=${(seg.frames / fps).toFixed(6)}:offset=0,${norm}[v0]`);
  }
  let cur = "v0";
  if (g.logo) {
    const idx = count();
    inputs.push("-i", g.logo.path);
    const { x, y, w, h } = g.logo.box;
    chains.push(`[${idx}:v]trim=end_frame=1,scale=${w}:${h}:flags=lanczos,format=yuva420p,setsar=1[logo]`);
    chains.push(`[${cur}][logo]overlay=x=${x}:y=${y}:enable='gte(n,${g.logo.fromFrame})':format=yuv420,format=yuv420p[withlogo]`);
    cur = "withlogo";
  }
  const post: string[] = [];
  const subtitles = (path: string) => {
    const opts = [`filename=${escapeFilterValue(path)}`];
    if (g.fontsDir) opts.push(`fontsdir=${escapeFilterValue(g.fontsDir)}`);
    return `subtitles=${opts.join(":")}`;
  };
  if (g.captionsAssPath || g.overlayAssPath) {
    // The segment's local clock for libass; back to 0-based frame timestamps for the encoder.
    post.push(`setpts=N+${LOCAL_BASE_SEC * fps}`);
    if (g.captionsAssPath) post.push(subtitles(g.captionsAssPath));
    if (g.overlayAssPath) post.push(subtitles(g.overlayAssPath));
    post.push("setpts=N");
  }
  if (g.encoder.uploadFilter) post.push(g.encoder.uploadFilter);
  chains.push(`[${cur}]${post.length ? post.join(",") : "null"}[vout]`);
  return [
    ...g.encoder.globalArgs,
    ...inputs,
    "-filter_complex", chains.join(";\n"),
    "-map", "[vout]",
    ...g.encoder.videoArgs,
    ...g.encoder.segmentArgs,
    "-r", String(fps),
    "-frames:v", String(seg.frames),
    // A time scale that is a multiple of the frame rate: every frame lasts exactly 1/fps, in the join as well.
    // The movie time scale too: the edit list's duration is in it, and the concat demuxer places the next segment
    // by it (at the default 1000 a 10-frame segment at 24 fps lasts 417 ms, not 416.67, and the join drifts).
    "-video_track_timescale", String(fps * 512),
    "-movie_timescale", String(fps * 512),
    "-an",
    "-f", "mp4",
    g.outPath,
  ];
}
