import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderVideo } from "./index";
import { PLATE_CONTRAST, TEXT_CONTRAST, backgroundColors, contrastRatio, plateColors, prng } from "./design";
import { runFfmpeg } from "./ffmpeg";
import { readRgbFrame } from "./testing";

let dir: string;
let work: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-design-"));
  work = join(dir, "work");
  await mkdir(work);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const toHex = (rgb: readonly number[]) => `#${rgb.map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, "0")).join("")}`;

describe("plate and background colours", () => {
  it("text on a plate reaches 4.5:1 and the designed background 3:1 against the plate, for any brand colour", () => {
    const r = prng(7);
    const colour = () => toHex([r() * 255, r() * 255, r() * 255]);
    for (let k = 0; k < 500; k++) {
      const primary = k === 0 ? "#e8590c" : k === 1 ? "#03234b" : colour();
      const kit = { primary, text: k % 2 ? "#ffffff" : colour() };
      const { plate, text } = plateColors(kit);
      expect(contrastRatio(text, plate)).toBeGreaterThanOrEqual(TEXT_CONTRAST);
      const bg = backgroundColors(primary, colour());
      expect(contrastRatio(bg.primary, plate)).toBeGreaterThanOrEqual(PLATE_CONTRAST);
      expect(contrastRatio(bg.secondary, plate)).toBeGreaterThanOrEqual(PLATE_CONTRAST);
    }
    // White on this orange is 3.6:1: the plate's text becomes black.
    expect(plateColors({ primary: "#e8590c", text: "#ffffff" }).text).toBe("#000000");
  });
});

describe("motion backgrounds on a real render (frames read back)", () => {
  const fps = 24;
  const size = { width: 540, height: 960 };
  const plan = (seed: number) => ({
    output: { fps: 24 as const, preset: "preview" as const },
    scenes: [
      { durationSec: 2, visual: { kind: "design" as const, seed }, headline: "Cortex-M4 lab. One board.", transition: { kind: "crossfade" as const, durationSec: 0.4 } },
      { durationSec: 2, visual: { kind: "design" as const, seed: seed + 1 }, headline: "Under $30" },
    ],
    // A kit whose text colour is unreadable on its primary: the plate's text is corrected.
    brand: { name: "Nucleo", colors: { primary: "#03234b", secondary: "#0a3d7a", text: "#101010" } },
    endCard: { cta: "Order yours today", durationSec: 1.5 },
  });

  /** Mean of 24x24 blocks of the luma-ish sum (grain averages out), for comparing motion between frames. */
  const blocks = (f: Awaited<ReturnType<typeof readRgbFrame>>, region: { y0: number; y1: number }) => {
    const out: number[] = [];
    for (let y = region.y0; y + 24 <= region.y1; y += 24) for (let x = 0; x + 24 <= size.width; x += 24) out.push(f.meanRgb(x, y, 24, 24).reduce((a, v) => a + v, 0) / 3);
    return out;
  };

  it("moves visibly every half second, draws the same frames on every render, and its plates contrast with it", async () => {
    const a = join(dir, "a.mp4");
    const b = join(dir, "b.mp4");
    const r = await renderVideo(plan(11), { workDir: work, outPath: a });
    await renderVideo(plan(11), { workDir: work, outPath: b });
    if (process.env.KEEP_DESIGN_RENDER) await runFfmpeg(["-y", "-i", a, "-c", "copy", process.env.KEEP_DESIGN_RENDER], { raw: true });
    expect(r.durationSec).toBeCloseTo(5.5, 1);

    // Motion: frames 0.5 s apart differ (block means: the grain alone averages out), in every scene and the end card.
    const region = { y0: Math.round(size.height * 0.3), y1: Math.round(size.height * 0.7) };
    for (const t of [0.2, 1.0, 2.4, 3.9]) {
      const f0 = blocks(await readRgbFrame(a, Math.round(t * fps), size), region);
      const f1 = blocks(await readRgbFrame(a, Math.round((t + 0.5) * fps), size), region);
      const diffs = f0.map((v, i) => Math.abs(v - f1[i]!));
      const meanDiff = diffs.reduce((s, d) => s + d, 0) / diffs.length;
      expect(meanDiff, `mean block change at ${t} s`).toBeGreaterThan(1);
      expect(Math.max(...diffs), `largest block change at ${t} s`).toBeGreaterThan(4);
    }

    // Determinism: the second render decodes to the same frames, bit for bit.
    const md5 = async (p: string) => {
      const out = await runFfmpeg(["-hide_banner", "-nostdin", "-loglevel", "error", "-i", p, "-map", "0:v", "-f", "framemd5", "pipe:1"], { raw: true, binaryStdout: true });
      return out.stdoutBytes!.toString("utf8").split("\n").filter((l) => l && !l.startsWith("#"));
    };
    const [ma, mb] = await Promise.all([md5(a), md5(b)]);
    expect(ma.length).toBeGreaterThan(100);
    expect(mb).toEqual(ma);
    // Another seed is another layout.
    const c = join(dir, "c.mp4");
    await renderVideo(plan(12), { workDir: work, outPath: c });
    expect((await md5(c))[5]).not.toEqual(ma[5]);

    // Contrast, measured on pixels: text vs plate >= 4.5:1, plate vs the background around it >= 3:1.
    for (const head of r.overlays.filter((o) => o.kind === "headline" || o.kind === "cta")) {
      const f = await readRgbFrame(a, Math.round(((head.startSec + head.endSec) / 2) * fps), size);
      const { x, y, w, h } = head.box;
      // The plate: the most common colour inside the box (quantised); the text: the pixels farthest from it.
      const counts = new Map<string, { n: number; rgb: number[] }>();
      const px: number[][] = [];
      for (let j = y + 2; j < y + h - 2; j++)
        for (let i = x + 2; i < x + w - 2; i++) {
          const p = f.at(i, j);
          px.push(p);
          const k = p.map((v) => v >> 4).join(",");
          const e = counts.get(k) ?? { n: 0, rgb: [0, 0, 0] };
          e.n++;
          p.forEach((v, c2) => (e.rgb[c2]! += v));
          counts.set(k, e);
        }
      const top = [...counts.values()].sort((p, q) => q.n - p.n)[0]!;
      const plate = toHex(top.rgb.map((v) => v / top.n));
      const dist = (p: number[]) => Math.hypot(...p.map((v, c2) => v - parseInt(plate.slice(1 + 2 * c2, 3 + 2 * c2), 16)));
      const far = px.sort((p, q) => dist(q) - dist(p)).slice(0, Math.max(20, Math.round(px.length * 0.04)));
      const text = toHex([0, 1, 2].map((c2) => far.reduce((s, p) => s + p[c2]!, 0) / far.length));
      expect(contrastRatio(text, plate), `${head.kind} "${head.text}": text ${text} on plate ${plate}`).toBeGreaterThanOrEqual(TEXT_CONTRAST);
      const around = [
        f.meanRgb(Math.max(0, x - 16), y + Math.round(h / 2) - 4, 8, 8),
        f.meanRgb(Math.min(size.width - 8, x + w + 8), y + Math.round(h / 2) - 4, 8, 8),
        f.meanRgb(x + Math.round(w / 2) - 4, y + h + 8, 8, 8),
      ];
      for (const bg of around) expect(contrastRatio(toHex(bg), plate), `${head.kind}: plate ${plate} on background ${toHex(bg)}`).toBeGreaterThanOrEqual(PLATE_CONTRAST);
    }
  });
});
