import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "./ffmpeg";
import { writeFile } from "node:fs/promises";
import { buildKenBurnsClipArgs, stillRecipe } from "./graph";
import { panPlan, windowAtFrame } from "./kenburns";
import { clipCodecArgs } from "./graph";
import { coverSize, renderKenBurnsClip } from "./kenburns-clip";
import { KenBurnsSchema, type kenBurnsTypes } from "./plan";
import { ff, readGrayFrames } from "./testing";

let dir: string;
let blob: string;
const SRC = 1000;
const BLOB = { x: 640, y: 560 };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-kb-"));
  blob = join(dir, "blob.png");
  // A soft dot on black: its intensity-weighted centroid is a sub-pixel accurate feature to track.
  await ff([
    "-f", "lavfi", "-i", `color=c=black:s=${SRC}x${SRC},format=gray`,
    "-vf", `geq=lum='255*exp(-((X-${BLOB.x})*(X-${BLOB.x})+(Y-${BLOB.y})*(Y-${BLOB.y}))/50)'`,
    "-frames:v", "1", blob,
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function centroid(f: Uint8Array, w: number): { x: number; y: number } {
  let sx = 0;
  let sy = 0;
  let s = 0;
  for (let i = 0; i < f.length; i++) {
    const v = f[i]! - 20;
    if (v <= 0) continue;
    sx += (i % w) * v;
    sy += Math.floor(i / w) * v;
    s += v;
  }
  return { x: sx / s, y: sy / s };
}

const W = 540;
const H = 960;
const FRAMES = 30;

/** Where the dot should be in frame i: the still is scaled to cover W x H (centre crop), then windowed. */
function expected(type: (typeof kenBurnsTypes)[number], i: number, path: "simd" | "filters") {
  const m = KenBurnsSchema.parse({ type, amount: 0.15, easing: "linear" });
  if (path === "simd") {
    // The still covers coverSize() (centre crop, even offsets), the window is a fraction of that cover.
    const c = coverSize(m, { width: W, height: H });
    const s = Math.max(c.width / SRC, c.height / SRC);
    const centre = (scaled: number, cover: number) => 2 * Math.floor((Math.round(scaled) - cover) / 4);
    const bx = (BLOB.x + 0.5) * s - centre(SRC * s, c.width);
    const by = (BLOB.y + 0.5) * s - centre(SRC * s, c.height);
    const win = windowAtFrame(m, i, FRAMES);
    return {
      x: ((bx - win.x * c.width) / (win.w * c.width)) * W - 0.5,
      y: ((by - win.y * c.height) / (win.h * c.height)) * H - 0.5,
    };
  }
  if (type.startsWith("pan-")) {
    // Pans crop a still scaled once to cover a slightly larger (even, +margins) size.
    const p = panPlan(m, FRAMES, { width: W, height: H }, 30);
    const s = Math.max(p.coverWidth / SRC, p.coverHeight / SRC);
    const o = p.offsetAt(i);
    // ffmpeg's centring crop floors its offset to even (chroma alignment).
    const centre = (scaled: number, cover: number) => 2 * Math.floor((Math.round(scaled) - cover) / 4);
    return {
      x: (BLOB.x + 0.5) * s - 0.5 - centre(SRC * s, p.coverWidth) - o.x,
      y: (BLOB.y + 0.5) * s - 0.5 - centre(SRC * s, p.coverHeight) - o.y,
    };
  }
  const scale = Math.max(W / SRC, H / SRC);
  const cx = (SRC * scale - W) / 2;
  const cy = (SRC * scale - H) / 2;
  // Pixel centres: a source pixel centre (x+0.5) maps to (x+0.5)*scale - 0.5 - crop.
  const px = (BLOB.x + 0.5) * scale - 0.5 - cx;
  const py = (BLOB.y + 0.5) * scale - 0.5 - cy;
  const win = windowAtFrame(m, i, FRAMES);
  return { x: ((px + 0.5) / W - win.x) / win.w * W - 0.5, y: ((py + 0.5) / H - win.y) / win.h * H - 0.5 };
}

describe.each(["simd", "filters"] as const)("Ken Burns motion, %s path (real ffmpeg, tracked feature)", (path) => {
  for (const type of ["zoom-in", "zoom-out", "pan-left", "pan-up"] as const) {
    it(`${type}: follows the planned path, monotonic and smooth (sub-pixel)`, async () => {
      const out = join(dir, `${path}-${type}.mkv`);
      const motion = KenBurnsSchema.parse({ type, amount: 0.15, easing: "linear" });
      const still = { path: blob, motion, hasAlpha: false };
      if (path === "simd") {
        await renderKenBurnsClip({ still, frames: FRAMES, size: { width: W, height: H }, fps: 30, outPath: out, codecArgs: clipCodecArgs });
      } else {
        const recipe = stillRecipe(still, FRAMES, { width: W, height: H }, 30);
        const cmd = join(dir, `${type}.cmd`);
        if (recipe.commands) await writeFile(cmd, recipe.commands);
        await runFfmpeg(buildKenBurnsClipArgs(still, recipe, FRAMES, out, cmd));
      }
      const frames = await readGrayFrames(out, { count: FRAMES, width: W, height: H });
      expect(frames.length).toBe(FRAMES);
      const pos = frames.map((f) => centroid(f, W));
      const exp = Array.from({ length: FRAMES }, (_, i) => {
        const e = expected(type, i, path);
        return e;
      });
      // Linear easing: constant velocity, so second differences are pure jitter.
      const axis = type.startsWith("pan-") ? (type === "pan-up" ? "y" : "x") : "x";
      const d = pos.slice(1).map((p, i) => p[axis] - pos[i]![axis]);
      const sign = Math.sign(exp[FRAMES - 1]![axis] - exp[0]![axis]);
      for (const step of d) expect(step * sign).toBeGreaterThan(0);
      const jitter = Math.max(...d.slice(1).map((s, i) => Math.abs(s - d[i]!)));
      if (process.env.KB_DEBUG) console.log(path, type, "jitter", jitter.toFixed(3));
      expect(jitter).toBeLessThan(0.12);
      if (process.env.KB_DEBUG) console.log(type, pos.map((p, i) => `${p.x.toFixed(2)},${p.y.toFixed(2)} vs ${exp[i]!.x.toFixed(2)},${exp[i]!.y.toFixed(2)}`).filter((_, i) => i % 7 === 0));
      const err = Math.max(...pos.map((p, i) => Math.hypot(p.x - exp[i]!.x, p.y - exp[i]!.y)));
      expect(err).toBeLessThan(0.3);
    });
  }
});
