import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { FrameBlender } from "./resample";
import { type ComposedKind, type FrameSource, fillWhite, progressAt, writeTransition } from "./transitions";

const size = { width: 32, height: 16 };
const frameBytes = size.width * size.height * 1.5;

/** Frames whose every byte is `value(n)`. */
const flat = (value: (n: number) => number): FrameSource => ({ frame: async (n) => new Uint8Array(frameBytes).fill(value(n)) });

async function compose(kind: ComposedKind, frames: number, a: FrameSource, b: FrameSource, aFirst = 0): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const sink = new Writable({
    write(chunk: Uint8Array, _enc, cb) {
      out.push(new Uint8Array(chunk));
      cb();
    },
  });
  await writeTransition(sink, { kind, frames, a, aFirst, b }, size);
  return out;
}

describe("composed transitions", () => {
  it("the SIMD blend is (a*(128-w) + b*w + 64) >> 7 for every byte", () => {
    const bl = new FrameBlender(frameBytes);
    for (let i = 0; i < frameBytes; i++) {
      bl.a[i] = (i * 37) & 255;
      bl.b[i] = (i * 91 + 13) & 255;
    }
    for (const w of [0, 1, 64, 100, 128]) {
      const out = bl.mix(w);
      for (let i = 0; i < frameBytes; i++) expect(out[i]).toBe((bl.a[i]! * (128 - w) + bl.b[i]! * w + 64) >> 7);
    }
  });

  it("a crossfade moves monotonically from A to B, reading A's frames from aFirst", async () => {
    const seen: number[] = [];
    const a: FrameSource = { frame: async (n) => (seen.push(n), new Uint8Array(frameBytes).fill(40)) };
    const frames = await compose("crossfade", 4, a, flat(() => 200), 10);
    expect(seen).toEqual([10, 11, 12, 13]);
    const levels = frames.map((f) => f[0]!);
    // p = 1/8, 3/8, 5/8, 7/8 of the way from 40 to 200.
    expect(levels).toEqual([60, 100, 140, 180]);
    expect(frames.every((f) => f.every((x) => x === f[0]))).toBe(true);
  });

  it("a flash peaks at pure video-range white in the middle and keeps the ends close to A and B", async () => {
    const k = 12;
    const frames = await compose("flash", k, flat(() => 30), flat(() => 90));
    const white = new Uint8Array(frameBytes);
    fillWhite(white, size.width, size.height);
    expect(frames[5]).toEqual(white);
    expect(frames[6]).toEqual(white);
    // Luma rises to the peak and falls after it.
    const y = frames.map((f) => f[0]!);
    for (let j = 1; j <= 5; j++) expect(y[j]!).toBeGreaterThanOrEqual(y[j - 1]!);
    for (let j = 7; j < k; j++) expect(y[j]!).toBeLessThanOrEqual(y[j - 1]!);
    expect(y[0]!).toBeLessThan(60);
    expect(progressAt(0, k)).toBeCloseTo(1 / 24);
  });

  it("a slide pushes A out to the left while B comes in from the right, chroma with luma", async () => {
    const frames = await compose("slide", 4, flat(() => 10), flat(() => 250));
    frames.forEach((f, j) => {
      const shift = 2 * Math.round((progressAt(j, 4) * size.width) / 2);
      const row = Array.from(f.subarray(0, size.width));
      expect(row).toEqual([...Array(size.width - shift).fill(10), ...Array(shift).fill(250)]);
      const u = Array.from(f.subarray(size.width * size.height, size.width * size.height + size.width / 2));
      expect(u).toEqual([...Array((size.width - shift) / 2).fill(10), ...Array(shift / 2).fill(250)]);
    });
  });
});
