import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { compileKernel, kernelSources, wasmPathOf } from "../../scripts/build-kernels";
import { FrameResampler, resampleReference, simdAvailable } from "./resample";

function noiseFrame(w: number, h: number, seed: number): Uint8Array {
  const f = new Uint8Array(w * h * 1.5);
  let x = seed;
  for (let i = 0; i < f.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    f[i] = x >>> 24;
  }
  return f;
}

describe("SIMD resampler", () => {
  it("compiles on this runtime", () => {
    expect(simdAvailable()).toBe(true);
  });

  it("loads the module its WebAssembly text compiles to (the committed .wasm is up to date: npm run build:kernels)", async () => {
    const sources = kernelSources();
    expect(sources.map((f) => f.split("/").pop())).toContain("resample.wat");
    for (const wat of sources) {
      const built = Buffer.from(await compileKernel(wat));
      const committed = fs.readFileSync(wasmPathOf(wat));
      expect(built.length).toBeGreaterThan(8);
      expect(committed.equals(built), `${wasmPathOf(wat)} differs from what ${wat} compiles to`).toBe(true);
    }
    const mod = new WebAssembly.Module(fs.readFileSync(wasmPathOf(sources.find((f) => f.endsWith("/resample.wat"))!)));
    expect(WebAssembly.Module.exports(mod).map((e) => `${e.name}:${e.kind}`)).toEqual(["hpass:function", "vpass:function", "mem:memory"]);
  });

  const cases = [
    { name: "zoomed-in window", src: [640, 480], out: [200, 120], win: { x: 101.3, y: 57.77, w: 380.2, h: 228.12 } },
    { name: "minifying window", src: [400, 400], out: [216, 200], win: { x: 3.1, y: 9.4, w: 380, h: 351.9 } },
    { name: "identity", src: [128, 96], out: [128, 96], win: { x: 0, y: 0, w: 128, h: 96 } },
    { name: "odd widths (chroma 27)", src: [300, 200], out: [54, 40], win: { x: 20.5, y: 10.25, w: 90.3, h: 66.6 } },
  ];
  for (const c of cases) {
    it(`matches the reference bit for bit: ${c.name}`, () => {
      const [sw, sh] = c.src as [number, number];
      const [dw, dh] = c.out as [number, number];
      const src = noiseFrame(sw, sh, 7);
      const r = new FrameResampler(src, { width: sw, height: sh }, { width: dw, height: dh });
      const got = r.frame(c.win);
      const [lg, cg] = r.geometries(c.win);
      const want = new Uint8Array(dw * dh * 1.5);
      resampleReference(src.subarray(0, sw * sh), lg, want, 0);
      resampleReference(src.subarray(sw * sh, sw * sh * 1.25), cg, want, dw * dh);
      resampleReference(src.subarray(sw * sh * 1.25), cg, want, dw * dh * 1.25);
      let diff = 0;
      for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) diff++;
      expect(diff).toBe(0);
    });
  }

  it("shifts by sub-pixel amounts exactly (a ramp moves by the window offset)", () => {
    const sw = 256;
    const sh = 16;
    const src = new Uint8Array(sw * sh * 1.5).fill(128);
    for (let y = 0; y < sh; y++) for (let x = 0; x < sw; x++) src[y * sw + x] = x;
    const r = new FrameResampler(src, { width: sw, height: sh }, { width: 64, height: 8 });
    const f = r.frame({ x: 10.25, y: 0, w: 64, h: 8 });
    // Output pixel u samples x = 10.25 + u: the ramp value, rounded.
    expect(Array.from(f.subarray(0, 4))).toEqual([10, 11, 12, 13]);
    const g = r.frame({ x: 10.5, y: 0, w: 64, h: 8 });
    expect(Array.from(g.subarray(0, 4))).toEqual([11, 12, 13, 14]);
  });
});
