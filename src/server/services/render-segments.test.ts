import { describe, expect, it } from "vitest";
import { parseRenderSegments, segmentsRecord } from "./render-segments";

const seg = (startFrame: number, frames: number, kind: "body" | "transition" = "body") => ({ key: "k", kind, scene: 0, startFrame, frames, hit: false, bytes: 10, buildMs: 5 });

describe("render segments record", () => {
  it("keeps the segments that tile the video, without their cache keys", () => {
    const r = segmentsRecord([seg(0, 40), seg(40, 12, "transition"), seg(52, 30)]);
    expect(r.map((s) => [s.startFrame, s.frames])).toEqual([[0, 40], [40, 12], [52, 30]]);
    expect(r[0]).not.toHaveProperty("key");
  });

  it("refuses a gap, an overlap, a late start or an empty list", () => {
    expect(() => segmentsRecord([seg(0, 40), seg(41, 10)])).toThrow(/tile/);
    expect(() => segmentsRecord([seg(0, 40), seg(39, 10)])).toThrow(/tile/);
    expect(() => segmentsRecord([seg(1, 40)])).toThrow(/tile/);
    expect(() => segmentsRecord([])).toThrow();
  });

  it("reads an absent or malformed stored value as null", () => {
    expect(parseRenderSegments(null)).toBeNull();
    expect(parseRenderSegments([{ kind: "body", startFrame: 0 }])).toBeNull();
    expect(parseRenderSegments([{ ...seg(0, 0) }])).toBeNull();
    expect(parseRenderSegments([seg(0, 5)])).toEqual([{ kind: "body", scene: 0, startFrame: 0, frames: 5, hit: false, bytes: 10, buildMs: 5 }]);
  });
});
