/**
 * Colour emoji (emoji-art.ts) in captions, headlines and the end card, drawn by the real libass (ffmpeg's subtitles
 * filter) and read back as pixels: colour where the emoji are, one glyph for a ZWJ family, the skin tone kept.
 *
 * Text is white with a black outline on grey, so every saturated pixel is an emoji's.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAss, captionTexts, loadCaptionFonts } from "./ass";
import { loadEmojiArt, maskRects } from "./emoji-art";
import { findFfmpeg } from "./ffmpeg";
import { layoutOverlays, overlayTexts, textWidthEm } from "./overlays";
import { type Captions, CaptionsSchema, parseRenderPlan } from "./plan";
import { type Rect, rectInside, safeRect, textBands } from "./safe-zone";

const W = 1080;
const H = 1920;
const GREY = 96;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "emoji-colour-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One RGB frame of `ass` burned over grey at `t` seconds (rounded to 0.1 s). */
async function frameOf(ass: string, t: number, name: string): Promise<Uint8Array> {
  const path = join(dir, `${name}.ass`);
  await writeFile(path, ass, "utf8");
  const child = spawn(findFfmpeg().ffmpeg, [
    "-hide_banner", "-nostdin", "-loglevel", "error",
    "-f", "lavfi", "-i", `color=c=0x606060:s=${W}x${H}:r=10:d=${Math.round(t * 10) / 10 + 0.2}`,
    "-vf", `format=rgb24,subtitles=filename=${path},select=eq(n\\,${Math.round(t * 10)})`, "-vsync", "0",
    "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
  ]);
  const chunks: Buffer[] = [];
  let log = "";
  child.stdout.on("data", (c: Buffer) => chunks.push(c));
  child.stderr.on("data", (c: Buffer) => (log += c.toString()));
  const code = await new Promise<number | null>((res) => child.on("close", res));
  if (code !== 0) throw new Error(`ffmpeg failed: ${log.slice(-2000)}`);
  const all = Buffer.concat(chunks);
  expect(all.length).toBe(W * H * 3);
  return new Uint8Array(all);
}

interface Ink {
  /** Bounding box of every pixel differing from the grey background. */
  box: Rect | null;
  /** Pixels whose channels differ by more than 60 (colour, not white/black/grey). */
  saturated: number;
  /** Mean colour of the saturated pixels. */
  mean: [number, number, number];
}

function ink(rgb: Uint8Array, region: Rect = { x: 0, y: 0, w: W, h: H }): Ink {
  let x0 = W, y0 = H, x1 = -1, y1 = -1;
  let saturated = 0;
  const sum = [0, 0, 0];
  for (let y = region.y; y < region.y + region.h; y++) {
    for (let x = region.x; x < region.x + region.w; x++) {
      const i = (y * W + x) * 3;
      const [r, g, b] = [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
      if (Math.max(Math.abs(r - GREY), Math.abs(g - GREY), Math.abs(b - GREY)) > 12) {
        [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      }
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) {
        saturated++;
        sum[0]! += r;
        sum[1]! += g;
        sum[2]! += b;
      }
    }
  }
  return {
    box: x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 },
    saturated,
    mean: sum.map((v) => v / Math.max(1, saturated)) as [number, number, number],
  };
}

const FAMILY = "👨\u200d👩\u200d👧";
const THUMB_TONE = "👍🏽";
const THUMB = "👍";

function captions(text: string): Captions {
  // White text, white highlight: only emoji are coloured.
  return CaptionsSchema.parse({ cues: [{ start: 0, end: 2, text }], style: { highlightColor: "#ffffff", sizePx: 78 } });
}

async function captionFrame(text: string, name: string): Promise<Uint8Array> {
  const c = captions(text);
  const fonts = await loadCaptionFonts(c.style, c.language, await loadEmojiArt(captionTexts(c)));
  return frameOf(buildAss(c, { width: W, height: H }, fonts), 1, name);
}

describe("colour emoji", () => {
  it("rasterises a ZWJ family and a skin tone each as one colour glyph, in nested colour layers of whole pixels", async () => {
    const book = await loadEmojiArt([`${FAMILY} ${THUMB_TONE} ✨ plain text`]);
    expect([...book.keys()].sort()).toEqual([FAMILY, THUMB_TONE, "✨"].sort());
    for (const art of book.values()) {
      // One cell (about 1.06 em wide), not three faces or a face and a swatch.
      expect(art.width / art.height).toBeGreaterThan(0.9);
      expect(art.width / art.height).toBeLessThan(1.3);
      expect(art.layers.length).toBeGreaterThan(2);
      expect(new Set(art.layers.map((l) => l.color)).size).toBe(art.layers.length);
    }
    // Rectangles cover exactly the mask.
    const mask = Uint8Array.from([1, 1, 0, 1, 1, 0, 0, 1, 1]);
    const cover = new Uint8Array(9);
    for (const [x0, y0, x1, y1] of maskRects(mask, 3, 3)) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) cover[y * 3 + x]! += 1;
    expect([...cover]).toEqual([...mask]);
  });

  it("draws caption emoji in colour inside the caption band; a ZWJ family is one glyph; the skin tone is kept", async () => {
    const band = textBands(W, H, "bottom").captions;
    const size = 78;
    // The family alone: one cell wide (three faces side by side would be ~3 em).
    const family = ink(await captionFrame(FAMILY, "family"));
    expect(family.box).not.toBeNull();
    expect(rectInside(family.box!, band)).toBe(true);
    expect(family.box!.w).toBeLessThan(1.2 * size);
    expect(family.box!.w).toBeGreaterThan(0.6 * size);
    // Thumbs up with and without a medium skin tone: both one cell, both coloured, the toned one browner.
    const toned = ink(await captionFrame(THUMB_TONE, "toned"));
    const plain = ink(await captionFrame(THUMB, "plain"));
    for (const t of [toned, plain]) {
      expect(t.box!.w).toBeLessThan(1.2 * size);
      expect(t.saturated).toBeGreaterThan(1500);
    }
    // Noto's default thumb is yellow (measured ~(250, 192, 29): almost no blue), the medium tone brown
    // (~(177, 133, 98)): a swatch beside a yellow thumb, or a lost tone, would not move the mean like that.
    expect(plain.mean[2] / plain.mean[0]).toBeLessThan(0.3);
    expect(toned.mean[2] / toned.mean[0]).toBeGreaterThan(0.4);
    expect(toned.mean[0]).toBeLessThan(plain.mean[0] - 40);
    // In a line with text: the emoji keep their colour, the line stays in the band, and without the art (the floor,
    // Symbola's outlines in the text's colour) nothing is coloured.
    const line = `Glow ✨ for the ${FAMILY} ${THUMB_TONE}`;
    const withText = ink(await captionFrame(line, "line"));
    expect(rectInside(withText.box!, band)).toBe(true);
    expect(withText.saturated).toBeGreaterThan(3000);
    const c = captions(line);
    const floor = ink(await frameOf(buildAss(c, { width: W, height: H }, await loadCaptionFonts(c.style, c.language)), 1, "floor"));
    expect(floor.saturated).toBeLessThan(50);
    expect(rectInside(floor.box!, band)).toBe(true);
  });

  it("draws emoji in colour in headlines and on the end card, on their plates, inside the safe zone", async () => {
    const plan = parseRenderPlan({
      scenes: [{ durationSec: 3, visual: { kind: "color", color: "#606060" }, headline: `Glow ✨ for the ${FAMILY} ${THUMB_TONE}` }],
      endCard: { cta: "Shop now 🛒✨", url: "glow.example.com" },
      brand: { name: "Glow", colors: { primary: "#202020", secondary: "#404040", text: "#ffffff" } },
    });
    const emoji = await loadEmojiArt(overlayTexts(plan));
    const layout = layoutOverlays(plan, null, emoji);
    // Drawings (\p3) in one event per colour layer: many more events than the four texts.
    expect(layout.ass).toContain("\\p3}");
    expect(layout.ass!.match(/^Dialogue:/gm)!.length).toBeGreaterThan(8);
    const head = layout.boxes.find((b) => b.kind === "headline")!;
    const cta = layout.boxes.find((b) => b.kind === "cta")!;
    const zone = safeRect(W, H);
    const headFrame = await frameOf(layout.ass!, head.startSec + 0.2, "headline");
    // The plate is grey-black and the text white: the coloured pixels are the emoji's, within the estimated box.
    const headInk = ink(headFrame, head.box);
    expect(headInk.saturated).toBeGreaterThan(3000);
    expect(ink(headFrame).saturated).toBe(headInk.saturated);
    expect(rectInside(head.box, zone)).toBe(true);
    const cardFrame = await frameOf(layout.ass!, cta.startSec + 0.2, "card");
    const ctaInk = ink(cardFrame, cta.box);
    expect(ctaInk.saturated).toBeGreaterThan(1500);
    expect(ink(cardFrame).saturated).toBe(ctaInk.saturated);
    // Half-way through the fade-in the emoji are fading too (their layers follow the text's alpha).
    const fading = ink(await frameOf(layout.ass!, cta.startSec - 0.15, "card-fading"), cta.box);
    expect(fading.saturated).toBeLessThan(ctaInk.saturated);
    // Widths are counted per grapheme: the family is one emoji wide.
    expect(textWidthEm(FAMILY)).toBeCloseTo(textWidthEm("✨"));
  });
});
