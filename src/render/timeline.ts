/**
 * Frame-exact timeline of a plan. Everything downstream (clip lengths, xfade offsets, fades) uses whole frames so
 * rounding never makes the video drift from the captions and the narration.
 */
import { type RenderPlan, type Transition } from "./plan";

export interface SceneSpan {
  index: number;
  /** First frame of the scene's own slot on the output timeline. */
  startFrame: number;
  /** Frames of the scene's own slot. */
  coreFrames: number;
  /** Extra frames before the slot (second half of an incoming crossfade/slide). */
  leadFrames: number;
  /** Extra frames after the slot (first half of an outgoing crossfade/slide). */
  tailFrames: number;
  /** Frames the scene's clip must have: lead + core + tail. */
  clipFrames: number;
  /** Transition into the next scene, or null for the last scene. */
  outgoing: { kind: Transition["kind"]; overlapFrames: number } | null;
}

export interface Timeline {
  fps: number;
  totalFrames: number;
  durationSec: number;
  scenes: SceneSpan[];
}

export function buildTimeline(plan: Pick<RenderPlan, "scenes" | "output">): Timeline {
  const fps = plan.output.fps;
  const n = plan.scenes.length;
  const bounds: number[] = [0];
  let t = 0;
  for (const s of plan.scenes) {
    t += s.durationSec;
    bounds.push(Math.round(t * fps));
  }
  const spans: SceneSpan[] = plan.scenes.map((s, i) => {
    const coreFrames = bounds[i + 1]! - bounds[i]!;
    if (coreFrames < 1) throw new Error(`scenes[${i}] is shorter than one frame at ${fps} fps`);
    return {
      index: i,
      startFrame: bounds[i]!,
      coreFrames,
      leadFrames: 0,
      tailFrames: 0,
      clipFrames: coreFrames,
      outgoing: null,
    };
  });
  for (let i = 0; i < n - 1; i++) {
    const tr = plan.scenes[i]!.transition;
    const a = spans[i]!;
    const b = spans[i + 1]!;
    if (tr.kind === "cut" || tr.durationSec <= 0) {
      a.outgoing = { kind: "cut", overlapFrames: 0 };
      continue;
    }
    // flash / crossfade / slide: k overlapping frames centred on the boundary. Between stills (and raw cached
    // clips) they are composed by transitions.ts; next to a video clip or a colour card, by xfade in the graph.
    const k = Math.max(2, Math.round(tr.durationSec * fps));
    a.tailFrames = Math.floor(k / 2);
    b.leadFrames = k - a.tailFrames;
    a.outgoing = { kind: tr.kind, overlapFrames: k };
  }
  for (const s of spans) s.clipFrames = s.leadFrames + s.coreFrames + s.tailFrames;
  const totalFrames = bounds[n]!;
  return { fps, totalFrames, durationSec: totalFrames / fps, scenes: spans };
}

/**
 * `sec` moved to the middle of the frame interval before the first frame at or after it (frame k at k / fps): the
 * same first frame in exact arithmetic, but half a frame away from any frame's instant. An event time on a frame's
 * instant lands on that frame or the next depending on float noise (ffmpeg hands libass trunc(pts * (1 / fps) *
 * 1000) ms, ASS keeps centiseconds), so the same caption could start a frame apart in a scene that only moved on
 * the timeline; half a frame (>= 8 ms up to 60 fps) outweighs both roundings (<= 5 ms). Seconds in and out, >= 0.
 */
export function midFrameBefore(sec: number, fps: number): number {
  return Math.max(0, (Math.ceil(sec * fps - 1e-6) - 0.5) / fps);
}
