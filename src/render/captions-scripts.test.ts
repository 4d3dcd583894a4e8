/**
 * Captions in every script, drawn by the real libass (ffmpeg's subtitles filter) and read back as pixels.
 *
 * Frames are blended in RGB (no chroma subsampling), so the same layout gives the same pixels whatever the colour.
 * Missing-glyph detection: libass itself says when no font has a character ("fontselect: failed to find any
 * fallback with glyph 0x..."); its log is read at info level for every render here. The glyph check
 * (fontconfig's coverage) must also find nothing. A box is then impossible: every drawn glyph came from a font
 * that has it.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeAssFile } from "./ass";
import { findFfmpeg } from "./ffmpeg";
import { findMissingGlyphs } from "./glyphs";
import { type Captions, CaptionsSchema } from "./plan";
import { type Rect, rectInside, textBands } from "./safe-zone";

const W = 1080;
const H = 1920;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "captions-scripts-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Frames (RGB) of `captions` burned over black at `times` (seconds), and libass's log. */
async function render(captions: Captions, times: number[], name: string): Promise<{ frames: Uint8Array[]; log: string }> {
  const ass = join(dir, `${name}.ass`);
  await writeAssFile(ass, captions, { width: W, height: H });
  const select = times.map((t) => `eq(n\\,${Math.round(t * 100)})`).join("+");
  const child = spawn(findFfmpeg().ffmpeg, [
    "-hide_banner", "-nostdin", "-loglevel", "info",
    "-f", "lavfi", "-i", `color=c=black:s=${W}x${H}:r=100:d=${Math.max(...times) + 0.05}`,
    "-vf", `format=rgb24,subtitles=filename=${ass},select=${select}`, "-vsync", "0", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
  ]);
  const chunks: Buffer[] = [];
  let log = "";
  child.stdout.on("data", (c: Buffer) => chunks.push(c));
  child.stderr.on("data", (c: Buffer) => (log += c.toString()));
  const code = await new Promise<number | null>((res) => child.on("close", res));
  if (code !== 0) throw new Error(`ffmpeg failed: ${log.slice(-2000)}`);
  const all = Buffer.concat(chunks);
  const size = W * H * 3;
  const frames: Uint8Array[] = [];
  for (let o = 0; o + size <= all.length; o += size) frames.push(new Uint8Array(all.subarray(o, o + size)));
  expect(frames.length).toBe(times.length);
  return { frames, log };
}

/** Bounding box of every pixel that is not the black background (fill, outline edge, antialiasing). */
function drawnBox(rgb: Uint8Array): Rect | null {
  let x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      if (Math.max(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!) > 24) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

const FAMILY = "👨\u200d👩\u200d👧";
const SAMPLES: [string, string][] = [
  ["Japanese", "桜の保湿クリームで一日中しっとりした肌を。「夜」にもおすすめです"],
  ["Chinese", "樱花保湿霜让您的肌肤全天保持水润，轻盈易吸收，无添加香精"],
  ["Korean", "벚꽃 보습 크림으로 하루 종일 촉촉한 피부를 느껴보세요"],
  ["Arabic", "بشرة ناعمة طوال اليوم مع كريم الترطيب الجديد"],
  ["Hebrew", "עור רך כל היום עם קרם הלחות החדש שלנו"],
  ["Hindi", "पूरे दिन मुलायम त्वचा के लिए नई क्रीम"],
  ["Thai", "ผิวนุ่มตลอดวันด้วยครีมบำรุงผิวสูตรใหม่ของเรา"],
  ["emoji", `Glow Serum ✨ for night owls 🦉 the whole ${FAMILY} loves it 👍🏽 🔥`],
  ["compound", "Wasserstoffperoxidzahnaufhellungsgel"],
  ["mixed", "新品 Glow Serum ✨ الجديد 👍🏽 https://example.com/glow-serum?ref=reels"],
];

describe("captions in every script (real libass)", () => {
  // Every position, at the campaign's default size and at the largest the form allows (160 px).
  const cases = [["bottom", 78], ["top", 78], ["center", 160], ["bottom", 160]] as const;
  for (const [position, sizePx] of cases) {
    it(`keeps every line inside the caption band and draws every glyph (${position}, ${sizePx} px)`, async () => {
      const captions = CaptionsSchema.parse({
        style: { position, sizePx },
        cues: SAMPLES.map(([, text], i) => ({ start: i, end: i + 1, text })),
      });
      expect(await findMissingGlyphs(SAMPLES.map(([, t]) => t))).toEqual([]);
      const { frames, log } = await render(captions, SAMPLES.map((_, i) => i + 0.5), `all-${position}-${sizePx}`);
      expect(log).not.toMatch(/failed to find any fallback/);
      const band = textBands(W, H, position).captions;
      frames.forEach((f, i) => {
        const box = drawnBox(f);
        const name = SAMPLES[i]![0];
        expect(box, name).not.toBeNull();
        expect(rectInside(box!, band), `${name}: ${JSON.stringify(box)} in ${JSON.stringify(band)}`).toBe(true);
        // Something real was drawn: at least a third of the band's width or two lines.
        expect(box!.w > band.w / 3 || box!.h > 100, name).toBe(true);
      });
    }, 120_000);
  }

  it("keeps right-to-left words in place while only the highlight moves", async () => {
    for (const text of ["بشرة ناعمة طوال اليوم", "עור רך כל היום"]) {
      const words = text.split(" ").map((w, i) => ({ text: w, start: 0.5 * i, end: 0.5 * i + 0.45 }));
      const captions = CaptionsSchema.parse({
        style: { primaryColor: "#ffffff", highlightColor: "#ffd21f", outlinePx: 0 },
        cues: [{ start: 0, end: 2, text, words }],
      });
      const { frames } = await render(captions, [0.2, 1.2], "rtl");
      const [a, b] = frames as [Uint8Array, Uint8Array];
      let ink = 0, moved = 0, recoloured = 0;
      const yellowX: [number[], number[]] = [[], []];
      for (let p = 0; p < W * H; p++) {
        const i = p * 3;
        const inkA = a[i]! > 128, inkB = b[i]! > 128;
        if (inkA || inkB) ink++;
        if (inkA !== inkB) moved++;
        if (Math.abs(a[i + 2]! - b[i + 2]!) > 100) recoloured++;
        if (a[i]! > 200 && a[i + 2]! < 90) yellowX[0].push(p % W);
        if (b[i]! > 200 && b[i + 2]! < 90) yellowX[1].push(p % W);
      }
      expect(ink).toBeGreaterThan(5000);
      // The same pixels carry ink at both times; only colours differ.
      expect(moved, text).toBe(0);
      expect(recoloured).toBeGreaterThan(500);
      // The first word is highlighted at 0.2 s, the third at 1.2 s: right to left, the first word is further right.
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      expect(mean(yellowX[0]), text).toBeGreaterThan(mean(yellowX[1]));
    }
  }, 60_000);
});
