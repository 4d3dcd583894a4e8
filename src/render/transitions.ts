/**
 * Transitions composed outside ffmpeg, frame by frame, when both scenes' frames can be read here (Ken Burns stills
 * rendered by the resampler, raw cached clips): ffmpeg 5.1's xfade takes no yuv420p, so every transition frame it
 * makes costs three full-frame conversions (to yuv444p and back), more than the blend itself.
 *
 * A transition over k frames: output frame j (0..k-1) blends A's frame `aFirst + j` with B's frame j at progress
 * p = (j + 0.5) / k, so it never repeats either side's neighbouring frame.
 * - crossfade: A + (B - A) * p;
 * - flash: the crossfade, washed towards white by w = min(1, (1 - |2p - 1|) / 0.8): frames in the middle fifth are
 *   pure white (video-range white: Y 235, Cb = Cr = 128);
 * - slide: B pushes A out to the left by round(p * width) pixels (even, so chroma moves with luma).
 * Frames are yuv420p, `width` x `height`.
 */
import { writeChunk } from "./ffmpeg";
import { type Transition } from "./plan";
import { FrameBlender } from "./resample";

/** Random access to a scene's frames. The returned view is valid until the next call. */
export interface FrameSource {
  frame(n: number): Promise<Uint8Array>;
  close?(): Promise<void>;
}

export type ComposedKind = Exclude<Transition["kind"], "cut">;

export const progressAt = (j: number, k: number) => (j + 0.5) / k;
export const flashWhiteness = (p: number) => Math.min(1, (1 - Math.abs(2 * p - 1)) / 0.8);

/** Fill a yuv420p frame with video-range white. */
export function fillWhite(frame: Uint8Array, width: number, height: number): void {
  const y = width * height;
  frame.fill(235, 0, y);
  frame.fill(128, y, y * 1.5);
}

/** Write `out` = frame of a slide at offset `shift` luma pixels: A's columns [shift, W) then B's [0, shift). */
export function slideFrame(a: Uint8Array, b: Uint8Array, out: Uint8Array, width: number, height: number, shift: number): void {
  const planes = [
    { off: 0, w: width, h: height, s: shift },
    { off: width * height, w: width / 2, h: height / 2, s: shift / 2 },
    { off: width * height * 1.25, w: width / 2, h: height / 2, s: shift / 2 },
  ];
  for (const p of planes) {
    for (let r = 0; r < p.h; r++) {
      const row = p.off + r * p.w;
      out.set(a.subarray(row + p.s, row + p.w), row);
      out.set(b.subarray(row, row + p.s), row + p.w - p.s);
    }
  }
}

/**
 * Writes the k frames of a transition from A (frames aFirst..aFirst+k-1) to B (frames 0..k-1) into `stream`,
 * respecting backpressure.
 */
export async function writeTransition(
  stream: NodeJS.WritableStream,
  t: { kind: ComposedKind; frames: number; a: FrameSource; aFirst: number; b: FrameSource },
  size: { width: number; height: number },
  signal?: AbortSignal,
): Promise<void> {
  const { width, height } = size;
  const blender = new FrameBlender(width * height * 1.5);
  for (let j = 0; j < t.frames; j++) {
    if (signal?.aborted) throw signal.reason;
    blender.a.set(await t.a.frame(t.aFirst + j));
    blender.b.set(await t.b.frame(j));
    const p = progressAt(j, t.frames);
    let out: Uint8Array;
    if (t.kind === "slide") {
      slideFrame(blender.a, blender.b, blender.out, width, height, 2 * Math.round((p * width) / 2));
      out = blender.out;
    } else {
      out = blender.mix(p * 128);
      if (t.kind === "flash") {
        fillWhite(blender.b, width, height);
        out = blender.mixOut(flashWhiteness(p) * 128);
      }
    }
    // The view is the blender's memory: wait until the kernel has it before the next frame overwrites it.
    await writeChunk(stream, out);
  }
}
