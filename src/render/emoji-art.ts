/**
 * Colour emoji for libass: each emoji grapheme (a ZWJ sequence, a skin tone, a flag or a keycap is one) drawn from
 * the colour font `Noto Color Emoji` (Debian `fonts-noto-color-emoji`) and turned into ASS vector drawings.
 *
 * Why: libass 0.17 draws outline glyphs only; the colour font's bitmaps (CBDT) come out as nothing, and the outline
 * fallback (Symbola) is monochrome, draws a ZWJ family as separate faces and a skin tone as a swatch. sharp (libvips,
 * Pango + cairo) does draw the colour font, a ZWJ sequence as its one glyph. libass then draws the result itself, in
 * the text line, so every position, motion (`\move`), fade (`\fad`, `\t`) and karaoke span is the text's own:
 * - the emoji is rasterised once at `RASTER_PX` px per em and its colours reduced to at most `MAX_COLOURS`
 *   (libimagequant through sharp, no dithering); pixels of alpha < 50% are dropped;
 * - layer k (k = 0 .. layers-1) is one colour: the pixels of the k-th most frequent colour and of every less frequent
 *   one (nested, so no background shows through where two colours meet), as rectangles of whole pixels;
 * - ASS gives one colour per drawing, so layer 0 is drawn in the text's own event and layer k in an extra event k on a
 *   higher layer whose text is transparent but laid out identically; every layer carries two empty contours at the
 *   cell's corners (libass advances a drawing by its bounding box), so every layer advances by the whole cell and the
 *   layers line up to the pixel.
 * The cell is the font's advance by its ascent + descent: sized to the text's font size (libass sizes a font by its
 * ascent + descent too) and lowered by the font's descent (`\pbo`), it sits on the baseline like a glyph.
 *
 * When the colour font or sharp's text renderer is missing, `loadEmojiArt` returns an empty book and the callers keep
 * the outline fallback (Symbola): the floor, never boxes.
 */
import { readFile } from "node:fs/promises";
import sharp from "sharp";
import { installedFaces } from "./fonts";

/** The colour emoji font's family name (fontconfig's), as Pango is asked for it. */
export const COLOR_EMOJI_FAMILY = "Noto Color Emoji";
/** Raster size, px per em: about the largest size emoji are drawn at (captions 78 px, headlines up to 84 px). */
export const RASTER_PX = 72;
/** Colours per emoji after quantisation (Noto's flat designs need ~8-16; each is one extra ASS event). */
export const MAX_COLOURS = 12;

export interface EmojiArt {
  grapheme: string;
  /** The cell in raster pixels: advance x (ascent + descent). */
  width: number;
  height: number;
  /** The font's descent in raster pixels (how far the cell reaches below the baseline). */
  descent: number;
  /** Bottom to top: the colour (`#rrggbb`) and the rectangles (raster pixels: x0, y0, x1, y1) of each layer. */
  layers: { color: string; rects: [number, number, number, number][] }[];
}

/** Emoji graphemes by their text; a grapheme missing here is drawn by the outline fallback. */
export type EmojiBook = ReadonlyMap<string, EmojiArt>;

const EMOJI_GRAPHEME = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u20E3|\u200D\p{Extended_Pictographic}/u;
const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** The emoji graphemes of `texts`, each once, in order of first appearance (same rule as caption-script's `Emoji`). */
export function emojiGraphemes(texts: readonly string[]): string[] {
  const out = new Set<string>();
  for (const t of texts) for (const { segment } of segmenter.segment(t)) if (EMOJI_GRAPHEME.test(segment)) out.add(segment);
  return [...out];
}

/** hhea ascender and descender (font units, descender positive) and unitsPerEm of an OpenType file. */
function verticalMetrics(font: Uint8Array): { ascent: number; descent: number; upem: number } | null {
  const v = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tables = v.getUint16(4);
  const find = (tag: string) => {
    for (let i = 0; i < tables; i++) {
      const at = 12 + 16 * i;
      if (String.fromCharCode(font[at]!, font[at + 1]!, font[at + 2]!, font[at + 3]!) === tag) return v.getUint32(at + 8);
    }
    return null;
  };
  const hhea = find("hhea");
  const head = find("head");
  if (hhea === null || head === null) return null;
  return { ascent: v.getInt16(hhea + 4), descent: -v.getInt16(hhea + 6), upem: v.getUint16(head + 18) };
}

const escapeMarkup = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Whole-pixel rectangles covering `mask` (w x h, row-major): runs per row, merged downwards while identical. */
export function maskRects(mask: Uint8Array, w: number, h: number): [number, number, number, number][] {
  const done: [number, number, number, number][] = [];
  let open = new Map<string, [number, number, number, number]>();
  for (let y = 0; y <= h; y++) {
    const next = new Map<string, [number, number, number, number]>();
    if (y < h) {
      for (let x = 0; x < w; ) {
        if (!mask[y * w + x]) {
          x++;
          continue;
        }
        let e = x;
        while (e < w && mask[y * w + e]) e++;
        const key = `${x},${e}`;
        const prev = open.get(key);
        if (prev) {
          prev[3] = y + 1;
          next.set(key, prev);
          open.delete(key);
        } else next.set(key, [x, y, e, y + 1]);
        x = e;
      }
    }
    done.push(...open.values());
    open = next;
  }
  return done;
}

async function rasterise(grapheme: string, metrics: { ascent: number; descent: number; upem: number }): Promise<EmojiArt | null> {
  const markup = `<span font="${COLOR_EMOJI_FAMILY} ${RASTER_PX}px">${escapeMarkup(grapheme)}</span>`;
  const rendered = await sharp({ text: { text: markup, rgba: true, dpi: 72 } }).png().toBuffer();
  const quantised = await sharp(rendered).png({ palette: true, colours: MAX_COLOURS, dither: 0 }).toBuffer();
  const { data, info } = await sharp(quantised).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  const index = new Int32Array(w * h).fill(-1);
  const colours = new Map<number, { id: number; count: number }>();
  for (let p = 0; p < w * h; p++) {
    if (data[p * 4 + 3]! < 128) continue;
    const rgb = (data[p * 4]! << 16) | (data[p * 4 + 1]! << 8) | data[p * 4 + 2]!;
    let c = colours.get(rgb);
    if (!c) colours.set(rgb, (c = { id: colours.size, count: 0 }));
    c.count++;
    index[p] = c.id;
  }
  if (colours.size === 0) return null;
  // A colour Pango could not draw in colour (no colour font) comes out black only: not a colour emoji.
  const order = [...colours.entries()].sort((a, b) => b[1].count - a[1].count);
  const rank = new Int32Array(colours.size);
  order.forEach(([, c], r) => (rank[c.id] = r));
  const layers = order.map(([rgb], k) => {
    const mask = new Uint8Array(w * h);
    for (let p = 0; p < w * h; p++) if (index[p]! >= 0 && rank[index[p]!]! >= k) mask[p] = 1;
    return { color: `#${rgb.toString(16).padStart(6, "0")}`, rects: maskRects(mask, w, h) };
  });
  const descent = Math.round((h * metrics.descent) / (metrics.ascent + metrics.descent));
  return { grapheme, width: w, height: h, descent, layers };
}

const cache = new Map<string, Promise<EmojiArt | null>>();
let metricsP: Promise<{ ascent: number; descent: number; upem: number } | null> | null = null;

/**
 * Colour drawings for the emoji graphemes of `texts` (see the module comment). Each grapheme is rasterised once
 * per process (~5 ms; the first call ~0.1 s while Pango starts). Never throws: with no colour emoji font installed, or
 * a grapheme the renderer fails on, that grapheme is left out (the caller draws it with the outline fallback).
 */
export async function loadEmojiArt(texts: readonly string[]): Promise<EmojiBook> {
  const graphemes = emojiGraphemes(texts);
  const book = new Map<string, EmojiArt>();
  if (graphemes.length === 0) return book;
  metricsP ??= installedFaces()
    .then((faces) => faces.find((f) => f.color && f.families.includes(COLOR_EMOJI_FAMILY)))
    .then(async (face) => (face ? verticalMetrics(new Uint8Array(await readFile(face.file))) : null))
    .catch(() => null);
  const metrics = await metricsP;
  if (!metrics) return book;
  await Promise.all(
    graphemes.map(async (g) => {
      let p = cache.get(g);
      if (!p) cache.set(g, (p = rasterise(g, metrics).catch(() => null)));
      const art = await p;
      if (art) book.set(g, art);
    }),
  );
  return book;
}

/** `#rrggbb` -> ASS `&HBBGGRR&`. */
const bgr = (hex: string) => `&H${hex.slice(5, 7)}${hex.slice(3, 5)}${hex.slice(1, 3)}&`.toUpperCase();

/** Width of the emoji's cell per px of font size (the font size being the cell's height). */
export function emojiAdvance(art: EmojiArt): number {
  return art.width / art.height;
}

/** Drawing coordinates are in 1/4 px (`\p3`): an emoji scaled to any font size keeps its edges within 0.25 px. */
const DRAW_SCALE = 4;

/**
 * One layer of `art` as ASS text, its cell `fontPx` tall: override tags, the drawing, `\p0`. The drawing is scaled
 * in its coordinates, not by `\fscx`/`\fscy` (libass scales a BorderStyle 3 box around a scaled glyph twice, so a
 * plate would not reach round it); a line's own `\fscx`/`\fscy` still applies. `tags` are added to the drawing's
 * block (e.g. an alpha fade); `layer` -1 (or past the last) draws the cell empty (an event whose other emoji have
 * more layers). `borderPx` is the run's `\bord` (0: no outline, as the platforms draw emoji; a plate's padding for
 * BorderStyle 3). `after` goes in the block that ends the drawing: tags restoring what follows (`\bord`, `\1c` ...),
 * which the drawing's block changed.
 */
export function emojiLayerText(art: EmojiArt, layer: number, fontPx: number, opts: { tags?: string; borderPx?: number; after?: string } = {}): string {
  const f = (fontPx / art.height) * DRAW_SCALE;
  const q = (v: number) => Math.round(v * f);
  const l = art.layers[layer];
  const colour = l ? `\\1c${bgr(l.color)}` : "";
  const cell = `m 0 0 m ${q(art.width)} ${q(art.height)}`;
  const rects = l ? l.rects.map(([x0, y0, x1, y1]) => ` m ${q(x0)} ${q(y0)} l ${q(x1)} ${q(y0)} ${q(x1)} ${q(y1)} ${q(x0)} ${q(y1)}`).join("") : "";
  const tags = `\\bord${opts.borderPx ?? 0}\\shad0${colour}${opts.tags ?? ""}\\pbo${q(art.descent)}\\p3`;
  return `{${tags}}${cell}${rects}{\\p0${opts.after ?? ""}}`;
}

/** How many events an emoji line needs: the most layers of any of its emoji. */
export function layerCount(arts: readonly EmojiArt[]): number {
  return Math.max(1, ...arts.map((a) => a.layers.length));
}
