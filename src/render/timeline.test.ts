import { describe, expect, it } from "vitest";
import { localizeAss } from "./segments";
import { midFrameBefore } from "./timeline";

const cs = (sec: number) => Math.max(0, Math.round(sec * 100));
const assTime = (c: number) =>
  `${Math.floor(c / 360000)}:${String(Math.floor((c % 360000) / 6000)).padStart(2, "0")}:${String(Math.floor((c % 6000) / 100)).padStart(2, "0")}.${String(c % 100).padStart(2, "0")}`;
/** One event from `start` to `end` (seconds) as ass.ts writes it (centiseconds, rounded), localized to a segment. */
const localized = (start: number, end: number, seg: { startFrame: number; frames: number }, fps: number) =>
  localizeAss(`[Events]\nDialogue: 0,${assTime(cs(start))},${assTime(cs(end))},Caption,,0,0,0,,word`, seg, fps);

describe("midFrameBefore", () => {
  it("keeps the first frame at or after the time, half a frame before it", () => {
    for (const fps of [24, 25, 30, 60]) {
      for (let k = 0; k < 500; k++) {
        const sec = k * 0.0137;
        const m = midFrameBefore(sec, fps);
        const frame = Math.ceil(sec * fps - 1e-6);
        expect(m * fps).toBeCloseTo(Math.max(0, frame - 0.5), 9);
      }
    }
    expect(midFrameBefore(0, 30)).toBe(0);
  });

  // A scene that only moved on the timeline (a batch variant's other hook) must localize its captions and headlines
  // to the same text, or its segments miss the cache. Times on a frame's instant do not (ffmpeg's float frame times
  // decide between two frames); half a frame before it they do, at every offset.
  it.each([24, 25, 30, 60])("at %i fps, an event on frame instants localizes the same wherever its scene starts", (fps) => {
    const variants = (snap: boolean) => {
      const seen = new Set<string | null>();
      for (let start = 0; start < 900; start++) {
        const at = (rel: number) => (snap ? midFrameBefore(start / fps + rel, fps) : start / fps + rel);
        // 6 and 30 frames after the scene's first frame: exact instants.
        seen.add(localized(at(6 / fps), at(30 / fps), { startFrame: start + 2, frames: 40 }, fps));
      }
      return seen.size;
    };
    expect(variants(true)).toBe(1);
    expect(variants(false)).toBeGreaterThan(1);
  });
});
