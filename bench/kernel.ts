/**
 * `npm run bench:kernel`: the SIMD Ken Burns kernel alone (src/render/resample.ts), in this process, one core.
 *
 *   resample: a 1080x1920 yuv420p frame drawn from a 1.2x cover (1296x2304, the zoom headroom of a Ken Burns move)
 *             along a slow zoom-and-pan, every frame a new sub-pixel window (what kenburns-clip.ts does per frame);
 *   blend:    a 1080x1920 crossfade frame (FrameBlender.mix, what transitions.ts does per frame).
 *
 * Each figure is in ms per frame over ROUNDS rounds of FRAMES frames (after a warm-up round): the median round and
 * the best one (on a loaded machine the best is the steadier figure: the kernel's own time, least disturbed). Quote
 * `uptime` with the figures and compare runs made back to back. The last line is one JSON object.
 */
import { FrameBlender, FrameResampler } from "~/render/resample";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const FRAMES = Number(process.env.BENCH_FRAMES ?? 120);
const OUT = { width: 1080, height: 1920 };
const COVER = { width: 1296, height: 2304 };

/** A deterministic noise frame (an LCG), so every run resamples the same bytes. */
function noiseFrame(bytes: number, seed: number): Uint8Array {
  const f = new Uint8Array(bytes);
  let x = seed;
  for (let i = 0; i < f.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    f[i] = x >>> 24;
  }
  return f;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** ms per frame of `draw(n)` for n in [0, FRAMES): the median and the best round after one warm-up round. */
function time(draw: (n: number) => Uint8Array): { median: number; best: number } {
  const rounds: number[] = [];
  let sink = 0;
  for (let r = 0; r <= ROUNDS; r++) {
    const t0 = performance.now();
    for (let n = 0; n < FRAMES; n++) sink ^= draw(n)[n]!;
    if (r > 0) rounds.push((performance.now() - t0) / FRAMES);
  }
  if (sink === 256) console.log("unreachable"); // keeps the frames observable
  return { median: median(rounds), best: Math.min(...rounds) };
}

const resampler = new FrameResampler(noiseFrame(COVER.width * COVER.height * 1.5, 7), COVER, OUT);
const resample = time((n) => {
  // Zoom from the whole cover to 1/1.2 of it while drifting right and down: a sub-pixel window every frame.
  const e = n / (FRAMES - 1);
  const z = 1 - 0.1667 * e;
  const w = COVER.width * z;
  const h = COVER.height * z;
  return resampler.frame({ x: (COVER.width - w) * e * 0.7, y: (COVER.height - h) * e * 0.4, w, h });
});

const frameBytes = OUT.width * OUT.height * 1.5;
const blender = new FrameBlender(frameBytes);
blender.a.set(noiseFrame(frameBytes, 11));
blender.b.set(noiseFrame(frameBytes, 13));
const blend = time((n) => blender.mix((n / (FRAMES - 1)) * 128));

const f = (t: { median: number; best: number }) => `${t.median.toFixed(3)} ms/frame median, ${t.best.toFixed(3)} best`;
console.log(`resample 1080x1920 from ${COVER.width}x${COVER.height}: ${f(resample)} (${ROUNDS} rounds x ${FRAMES} frames)`);
console.log(`blend    1080x1920:                 ${f(blend)}`);
const r4 = (x: number) => +x.toFixed(4);
console.log(
  JSON.stringify({
    resample_ms_per_frame: r4(resample.median),
    resample_best_ms_per_frame: r4(resample.best),
    blend_ms_per_frame: r4(blend.median),
    blend_best_ms_per_frame: r4(blend.best),
    rounds: ROUNDS,
    frames: FRAMES,
  }),
);
