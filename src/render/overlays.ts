/**
 * Headline overlays and the end card, as their own .ass script (burned by libass after the captions' script) plus
 * the logo's placement (composited by ffmpeg's `overlay`).
 *
 * - Headline: each scene's on-screen text, bold, in the brand font on a brand-primary plate, in the brand's text
 *   colour when it reaches WCAG 4.5:1 on the plate, else white or black (design.ts `plateColors`)
 *   (BorderStyle 3: libass draws an opaque box around each line), outlined by a keyline in the text colour (a
 *   larger box under it, `KEYLINE_EM`) so the plate stands out from any photo, top-centred in
 *   `textBands(...).headline`; it slides up 4% of the band and fades in ~0.25 s into the scene, each word following
 *   the previous by 60 ms, and fades out with the scene. A headline whose last " · " part is a URL or handle (the CTA
 *   scene's) draws it as a smaller last line on the same plate (`splitTrailingUrl`, box kind "url"), so the CTA keeps
 *   the size it has alone.
 * - End card: logo, brand name (two balanced lines before it shrinks), the CTA large and the URL, each on a
 *   primary-colour plate with its keyline, stacked and centred in the part of the safe zone the captions do not use,
 *   over a designed background that contrasts with the plates.
 * Lines are broken (a headline into at most 2; a word longer than a line at a syllable of the campaign's language, with the
 * captions' hyphenation patterns) and the size shrunk until the text fits its box, never cut: widths are estimated per character
 * (`textWidthEm`, conservative for bold sans fonts), and libass wrapping is off (WrapStyle 2) so the breaks made
 * here are the ones drawn. User text is escaped by `escapeAssText` (no override tags, braces or `\N` from users).
 */
import { writeFile } from "node:fs/promises";
import { assColor, assDocument, escapeAssText } from "./ass";
import { type EmojiArt, type EmojiBook, emojiLayerText, layerCount } from "./emoji-art";
import { type Brand, type RenderPlan, outputSize } from "./plan";
import { type Rect, safeRect, textBands } from "./safe-zone";
import { plateColors } from "./design";
import { type Hyphenator, hyphenatorSync } from "./hyphenate";
import { midFrameBefore } from "./timeline";

/** One text box drawn on screen: for QA (inside the safe zone, clear of the captions) and tests (pixel checks). */
export interface OverlayBox {
  /** "url": the end card's URL line, or a headline's URL line (`sceneIndex` that scene's). */
  kind: "headline" | "cta" | "url" | "brand" | "logo";
  /** Index of the scene it belongs to; the end card has index `plan.scenes.length`. */
  sceneIndex: number;
  /** Fully visible from `startSec` to `endSec` (fades happen just outside). */
  startSec: number;
  endSec: number;
  /** Estimated box in output pixels (text and plate; the logo's exact box). */
  box: Rect;
  text: string;
  lines: string[];
  fontPx: number;
}

export interface OverlayLayout {
  boxes: OverlayBox[];
  /** The .ass script, or null when there is nothing to draw in it. */
  ass: string | null;
  /** The logo, scaled into `box`, shown over the end card from `startSec` to the end. */
  logo: { path: string; box: Rect; startSec: number } | null;
}

/** Advance width of one character in em, for bold sans fonts (DejaVu Sans Bold measures ~0.55-0.75 em). */
function charEm(ch: string): number {
  const c = ch.codePointAt(0)!;
  if (ch === " ") return 0.35;
  if (/[iIl.,:;'!|]/.test(ch)) return 0.38;
  if (/[mwMW@%]/.test(ch)) return 1.0;
  if (/[A-Z0-9#&$]/.test(ch)) return 0.78;
  if (c < 0x2e80) return 0.68;
  // CJK, emoji and other wide glyphs.
  return 1.1;
}

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const graphemesOf = (s: string) => [...graphemeSegmenter.segment(s)].map((g) => g.segment);
const EMOJI_GRAPHEME = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u20E3|\u200D\p{Extended_Pictographic}/u;

/** Estimated width in em: per grapheme, so a ZWJ family or a flag counts as the one emoji it is drawn as. */
export function textWidthEm(s: string): number {
  let w = 0;
  for (const g of graphemesOf(s)) w += EMOJI_GRAPHEME.test(g) ? 1.1 : charEm(g);
  return w;
}

/** Where `word` may break with a hyphen: the hyphenator's points inside each run of 5+ letters (as the captions do). */
function hyphenPoints(word: string, hyphenate: Hyphenator | undefined): number[] {
  if (!hyphenate) return [];
  const out: number[] = [];
  for (const m of word.matchAll(/\p{L}{5,}/gu)) for (const p of hyphenate(m[0])) out.push(m.index + p);
  return out;
}

export interface BreakOptions {
  /** Split a word longer than a line (default true); false: return null instead. */
  split?: boolean;
  /** Hyphenation points (hyphenate.ts, the text's language): a long word is split at the last one that fits. */
  hyphenate?: Hyphenator;
  /** The text's BCP-47 language: Thai, Lao, Khmer and Burmese words are found by ICU's segmenter in it. */
  language?: string;
}

/**
 * Scripts written without spaces whose lines break between dictionary words (UAX #14's class SA): Thai, Lao,
 * Khmer, Burmese. (A short CJK headline token, a product name, is kept whole while it fits: ICU's dictionary
 * splits e.g. 保湿 into 保|湿.)
 */
const SPACELESS = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/**
 * A space-separated token as the pieces a line may break between: the token itself, or, when it has Thai, Lao,
 * Khmer or Burmese text, its words by ICU's dictionary segmentation (`Intl.Segmenter` in `language`),
 * punctuation kept with the word before it.
 */
function tokenPieces(token: string, language: string | undefined): string[] {
  if (!SPACELESS.test(token)) return [token];
  let seg: Intl.Segmenter;
  try {
    seg = new Intl.Segmenter(language, { granularity: "word" });
  } catch {
    seg = new Intl.Segmenter(undefined, { granularity: "word" });
  }
  const parts: string[] = [];
  for (const s of seg.segment(token)) {
    if (parts.length && !s.isWordLike) parts[parts.length - 1] += s.segment;
    else parts.push(s.segment);
  }
  return parts;
}

/**
 * Greedy line breaking of `text` into lines at most `maxEm` wide, at spaces and, in Thai, Lao, Khmer and Burmese
 * (written without them), between words (`tokenPieces`, in `opts.language`). A word longer
 * than a line is split: at the last
 * hyphenation point (`opts.hyphenate`, the same patterns as the captions) whose piece and hyphen fit, when that
 * piece fills at least 40% of the line ("Wasserstoff-" / "peroxid-"); else, as a last resort, at the width limit,
 * between graphemes, with a hyphen where both sides of the cut are Latin letters. With `split: false` such a word makes the result
 * `null` instead (the caller tries a smaller size first).
 */
export function breakLines(text: string, maxEm: number, opts?: { split?: true; hyphenate?: Hyphenator; language?: string }): string[];
export function breakLines(text: string, maxEm: number, opts: BreakOptions): string[] | null;
export function breakLines(text: string, maxEm: number, opts: BreakOptions = {}): string[] | null {
  const lines: string[] = [];
  for (const para of text.replace(/\r\n?/g, "\n").split("\n")) {
    let cur = "";
    const words = para
      .split(/\s+/)
      .filter(Boolean)
      .flatMap((token) => tokenPieces(token, opts.language).map((word, i) => ({ word, joined: i > 0 })));
    for (const { word, joined: joinedWord } of words) {
      const pieces: string[] = [];
      if (opts.split === false && textWidthEm(word) > maxEm) return null;
      const points = hyphenPoints(word, opts.hyphenate);
      let from = 0;
      while (textWidthEm(word.slice(from)) > maxEm) {
        const syllable = points.filter((p) => p > from && textWidthEm(`${word.slice(from, p)}-`) <= maxEm).at(-1);
        if (syllable !== undefined && textWidthEm(`${word.slice(from, syllable)}-`) >= 0.4 * maxEm) {
          pieces.push(`${word.slice(from, syllable)}-`);
          from = syllable;
          continue;
        }
        const rest = word.slice(from);
        let cut = "";
        for (const g of graphemesOf(rest)) {
          if (textWidthEm(cut + g + "-") > maxEm) break;
          cut += g;
        }
        if (!cut) cut = graphemesOf(rest)[0]!;
        from += cut.length;
        const hyphen = /\p{Script=Latin}$/u.test(cut) && /^\p{Script=Latin}/u.test(word.slice(from));
        pieces.push(hyphen ? `${cut}-` : cut);
      }
      if (from < word.length) pieces.push(word.slice(from));
      for (const [k, p] of pieces.entries()) {
        // The words of one token (Thai ...) join without a space.
        const joined = cur ? (joinedWord && k === 0 ? `${cur}${p}` : `${cur} ${p}`) : p;
        if (cur && textWidthEm(joined) > maxEm) {
          lines.push(cur);
          cur = p;
        } else cur = joined;
      }
    }
    if (cur) lines.push(cur);
  }
  return lines;
}

/**
 * `breakLines`, then the lines evened out (as CSS `text-wrap: balance`): the narrowest width that still gives the same
 * number of lines, so a headline reads "Readable on / any photo", not "Readable on any / photo"; text in parts joined
 * by " · " breaks between the parts when that takes no more lines (with `split: false`, else null: the caller tries a
 * smaller size first). Same `null` as `breakLines` with `split: false`.
 */
export function balanced(text: string, maxEm: number, opts: BreakOptions): string[] | null {
  const lines = breakLines(text, maxEm, opts);
  // One line, or a word split across lines (its pieces are as wide as they can be): nothing to even out.
  if (!lines || lines.length < 2 || breakLines(text, maxEm, { split: false, language: opts.language }) === null) return lines;
  // Parts joined by " · " (a CTA, its offer, its URL) break between parts when that takes no more lines:
  // "Order yours · Under $30" / "st.com/nucleo", not "Order yours · Under" / "$30 · st.com/nucleo".
  const parts = text.split(" · ");
  if (parts.length > 1 && !text.includes("\n") && parts.every((p) => textWidthEm(p) <= maxEm)) {
    const joined: string[] = [];
    for (const p of parts) {
      const last = joined.at(-1);
      if (last !== undefined && textWidthEm(`${last} · ${p}`) <= maxEm) joined[joined.length - 1] = `${last} · ${p}`;
      else joined.push(p);
    }
    if (joined.length <= lines.length) return joined;
  }
  // Whole words only (the caller's first pass): a size that cuts inside a part is refused, a smaller one is tried.
  if (parts.length > 1 && opts.split === false) return null;
  let best = lines;
  let lo = 0;
  let hi = Math.max(...lines.map(textWidthEm));
  // Bisect the width (0.05 em is well under a character): the smallest that keeps the line count with whole words.
  while (hi - lo > 0.05) {
    const mid = (lo + hi) / 2;
    const trial = breakLines(text, mid, { split: false, language: opts.language });
    if (trial && trial.length === lines.length) {
      best = trial;
      hi = mid;
    } else lo = mid;
  }
  return best;
}

/** Line height in em (libass draws DejaVu Sans at ~1.17 em per line). */
const LINE_EM = 1.2;

export interface FittedText {
  lines: string[];
  fontPx: number;
  /** Estimated size of the text block including `padPx` on every side. */
  w: number;
  h: number;
}

/**
 * The largest font size in [minPx, maxPx] (2 px steps) at which `text`, broken into at most `maxLines` lines (in
 * `opts.language`'s word breaks, see `breakLines`), fits
 * `box` with `padPx` around it (the plate). Text is never cut: when it does not fit at `minPx`, the size goes on
 * down to 60% of `minPx` (at least 16 px) with one more line allowed. Sizes down to `minPx` that keep every word
 * whole are tried first; only when none fits is a word split (hyphenated, see `breakLines`). At the floor every
 * line is kept, even if the block is then taller than `box`.
 */
export function fitText(
  text: string,
  box: { w: number; h: number },
  opts: { maxPx: number; minPx: number; maxLines: number; padPx: (px: number) => number; hyphenate?: Hyphenator; language?: string },
): FittedText {
  const measure = (lines: string[], px: number) => {
    const pad = opts.padPx(px);
    const w = Math.max(...lines.map((l) => textWidthEm(l))) * px + 2 * pad;
    const h = lines.length * LINE_EM * px + 2 * pad;
    return { w: Math.ceil(w), h: Math.ceil(h) };
  };
  const { hyphenate, language } = opts;
  const at = (px: number) => balanced(text, (box.w - 2 * opts.padPx(px)) / px, { ...(hyphenate ? { hyphenate } : {}), language }) ?? [];
  const floorPx = Math.max(16, Math.floor(opts.minPx * 0.6));
  // Whole words first, down to `minPx`: a smaller size that keeps every word whole beats a split one, but a
  // headline shrunk below `minPx` to avoid a split is unreadable, so below it words are hyphenated instead.
  for (let px = Math.floor(opts.maxPx); px >= opts.minPx; px -= 2) {
    const lines = balanced(text, (box.w - 2 * opts.padPx(px)) / px, { split: false, language: opts.language });
    if (!lines) continue;
    if (lines.length === 0) return { lines, fontPx: px, w: 0, h: 0 };
    const m = measure(lines, px);
    const maxLines = px >= opts.minPx ? opts.maxLines : opts.maxLines + 1;
    if (lines.length <= maxLines && m.w <= box.w && m.h <= box.h) return { lines, fontPx: px, ...m };
  }
  for (let px = Math.floor(opts.maxPx); px >= floorPx; px -= 2) {
    const lines = at(px);
    if (lines.length === 0) return { lines, fontPx: px, w: 0, h: 0 };
    const m = measure(lines, px);
    const maxLines = px >= opts.minPx ? opts.maxLines : opts.maxLines + 1;
    if (lines.length <= maxLines && m.w <= box.w && m.h <= box.h) return { lines, fontPx: px, ...m };
  }
  const lines = at(floorPx);
  return { lines, fontPx: floorPx, ...(lines.length ? measure(lines, floorPx) : { w: 0, h: 0 }) };
}

/** Centiseconds -> `H:MM:SS.cc`. */
function assTime(sec: number): string {
  const c = Math.max(0, Math.round(sec * 100));
  const h = Math.floor(c / 360000);
  const m = Math.floor((c % 360000) / 6000);
  const s = Math.floor((c % 6000) / 100);
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}.${String(c % 100).padStart(2, "0")}`;
}

/** Headline entry: delay after the scene's start, fade-in and fade-out (ms), word stagger (ms). */
const HEADLINE_DELAY_SEC = 0.25;
const FADE_IN_MS = 300;
const FADE_OUT_MS = 200;
const WORD_STAGGER_MS = 60;

/**
 * Keyline: every plate has a rim in its text's colour, this wide (em of the plate's font size), so its edge is a
 * plate | keyline edge with the same contrast as its text (>= 4.5:1, `plateColors`) over any photo - a yellow plate
 * over a white photo (~1.5:1, its edge gone) is outlined in black, a blue one over a black photo in white. Over a photo
 * close to the keyline's colour, the keyline merges into it and the plate's edge is still that plate | keyline edge.
 */
export const KEYLINE_EM = 0.07;
/** The keyline's width in px for a plate's font size: at least 2 px (yuv420p halves chroma; luma keeps 2 px). */
export const keylineOf = (fontPx: number) => Math.max(2, Math.round(fontPx * KEYLINE_EM));
/** `richText`'s layer for the keyline event: boxes only, text and emoji transparent. */
const KEYLINE_LAYER = -1;

/** A headline's URL or handle line, px of 1920 (max, min), and its size at most this share of the headline's. */
const URL_MAX_PX = 48;
const URL_MIN_PX = 32;
const URL_RATIO = 0.62;
/** The end card's brand name, px of 1920: its size on one or two lines, and the least it shrinks to on two. */
const BRAND_MAX_PX = 56;
const BRAND_MIN_PX = 40;
/** The end card's URL line gets room for at least this size (px of 1920) before the CTA takes the rest. */
const CARD_URL_PX = 44;

/** A URL or handle: "st.com/nucleo", "www.shop.example/x", "@brand" (one token, no spaces). */
const URL_OR_HANDLE = /^(?:@[\p{L}\p{N}_.]{2,}|(?:https?:\/\/)?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(?:[/?#]\S*)?)$/u;

/**
 * A headline in parts joined by " · " whose last part is a URL or handle, as its main text and that URL
 * ("Order yours today · Under $30 · st.com/nucleo" -> "Order yours today · Under $30" and "st.com/nucleo"); any other
 * text as itself with `url` null.
 */
export function splitTrailingUrl(text: string): { main: string; url: string | null } {
  const parts = text.split(" · ");
  const last = parts.at(-1)!.trim();
  if (parts.length < 2 || !URL_OR_HANDLE.test(last)) return { main: text, url: null };
  return { main: parts.slice(0, -1).join(" · ").trim(), url: last };
}

/** How one line's emoji are drawn: their colour drawings, and the tags that put the text back after a drawing. */
interface EmojiDraw {
  book: EmojiBook;
  fontPx: number;
  /** The plate's padding (BorderStyle 3 `\bord`), kept around the emoji. */
  pad: number;
  /** Tags restoring the text after a drawing (its colour, scale and border). */
  after: string;
}

/**
 * `text` escaped for event layer `layer`, emoji as colour drawings (emoji-art.ts). Layer 0 draws the text and each
 * emoji's first colour; layer k > 0 draws only the emoji's k-th colour over it, the text transparent and laid out
 * the same (`hidden`). `fade` is the alpha animation an emoji drawing takes in layers > 0 (in layer 0 it inherits
 * the text's). Without emoji art this is `escapeAssText(text)`.
 */
function richText(text: string, layer: number, emoji: EmojiDraw | null, fade: string): string {
  // Layer KEYLINE_LAYER draws only the boxes (the keyline): the text and emoji transparent, laid out the same.
  const hidden = layer > 0 ? "{\\alpha&HFF&}" : layer === KEYLINE_LAYER ? "{\\1a&HFF&}" : "";
  if (!emoji || !graphemesOf(text).some((g) => emoji.book.has(g))) return hidden + escapeAssText(text);
  let out = "";
  let run = "";
  const flush = () => {
    // escapeAssText trims: the spaces at the ends of a run are kept.
    if (run) out += hidden + (/^\s/.test(run) ? " " : "") + escapeAssText(run) + (/\S\s+$/.test(run) ? " " : "");
    run = "";
  };
  for (const g of graphemesOf(text)) {
    const art = emoji.book.get(g);
    if (!art) {
      run += g;
      continue;
    }
    flush();
    out += emojiLayerText(art, layer, emoji.fontPx, {
      borderPx: emoji.pad,
      tags: layer > 0 ? `${fade}\\3a&HFF&\\4a&HFF&` : "",
      after: layer > 0 ? "" : emoji.after,
    });
  }
  flush();
  return out;
}

/**
 * A line's words fading in one after another (`\alpha` from transparent to opaque, staggered), escaped, for event
 * layer `layer` (see `richText`). The plate (outline colour, `\3a`) fades in with the first word.
 */
function staggeredLine(words: string[], firstIndex: number, layer = 0, emoji: EmojiDraw | null = null): string {
  return words
    .map((w, k) => {
      const t0 = (firstIndex + k) * WORD_STAGGER_MS;
      const sep = k === 0 ? "" : " ";
      const fade = `\\1a&HFF&\\t(${t0},${t0 + FADE_IN_MS},\\1a&H00&)`;
      return layer > 0 ? `${sep}${richText(w, layer, emoji, fade)}` : `${sep}{${fade}}${richText(w, 0, emoji, fade)}`;
    })
    .join("");
}

/** The emoji art used in `texts` (for the number of event layers they need). */
function artsIn(texts: readonly string[], book: EmojiBook | undefined): EmojiArt[] {
  if (!book) return [];
  return texts.flatMap((t) => graphemesOf(t).flatMap((g) => (book.has(g) ? [book.get(g)!] : [])));
}

function style(name: string, font: string, px: number, text: string, outline: string, opts: { bold?: boolean; box?: boolean; pad?: number; shadow?: number }) {
  return [
    `Style: ${name}`, font, px, assColor(text), assColor(text), assColor(outline), assColor("#000000", 0x90),
    opts.bold === false ? 0 : -1, 0, 0, 0, 100, 100, 0, 0,
    opts.box ? 3 : 1, opts.pad ?? 0, opts.shadow ?? 0, 8, 0, 0, 0, 1,
  ].join(",");
}

/** Scene time spans on the output timeline: [start, end) per scene, then the end card's. */
function spans(plan: RenderPlan): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let t = 0;
  for (const s of plan.scenes) {
    out.push({ start: t, end: t + s.durationSec });
    t += s.durationSec;
  }
  if (plan.endCard) out.push({ start: t, end: t + plan.endCard.durationSec });
  return out;
}

/**
 * Lay out every headline and the end card of `plan` at its output size. `plan.scenes` are the plan's own scenes
 * (the end card not yet appended as a scene). Emoji in `emoji` (`loadEmojiArt(overlayTexts(plan))`) are drawn in
 * colour; others by libass's font fallback (Symbola's outlines).
 */
export function layoutOverlays(plan: RenderPlan, logoSize: { width: number; height: number } | null = null, emoji?: EmojiBook): OverlayLayout {
  const language = plan.captions.language;
  const size = outputSize(plan.output);
  const { width: W, height: H } = size;
  const { fps } = plan.output;
  const brand: Brand = plan.brand;
  const bands = textBands(W, H, plan.captions.style.position);
  const band = bands.headline;
  const unit = H / 1920;
  const times = spans(plan);
  const boxes: OverlayBox[] = [];
  const events: string[] = [];
  const styles = new Map<string, string>();
  const font = brand.font;
  const styleFor = (name: string, px: number, line: () => string) => {
    const key = `${name}${px}`;
    if (!styles.has(key)) styles.set(key, line());
    return key;
  };
  const padOf = (px: number) => Math.round(px * 0.28);
  // The plate's padding and its keyline: the box `fitText` fits and `OverlayBox.box` reports is the keyline's.
  const plateOf = (px: number) => padOf(px) + keylineOf(px);
  // Long words break at syllables of the campaign's language, with the captions' patterns (hyphenate.ts).
  const hyphenate = hyphenatorSync(plan.captions.language);
  // Text on the plate reaches WCAG 4.5:1 whatever the brand kit says (design.ts plateColors).
  const colors = plateColors(brand.colors);
  // The keyline is drawn as a larger box in the text's colour under the plate (BorderStyle 3: \\3c is the box's).
  const keylineTags = (ring: number) => `{\\bord${ring}\\3c${assColor(colors.text)}}`;
  const emojiFor = (fontPx: number, pad: number): EmojiDraw => ({ book: emoji!, fontPx, pad, after: `\\bord${pad}\\1c${assColor(colors.text)}` });

  plan.scenes.forEach((scene, i) => {
    const text = scene.headline?.trim();
    if (!text) return;
    const span = times[i]!;
    // Half a frame before their frames (timeline.ts): a scene that only moved on the timeline draws the same frames.
    const start = midFrameBefore(span.start + Math.min(HEADLINE_DELAY_SEC, scene.durationSec / 4), fps);
    const end = midFrameBefore(span.end, fps);
    if (end - start < 0.3) return;
    // The slide-up needs room inside the band: fit into the band less the travel.
    const travel = Math.round(band.h * 0.04);
    // A CTA headline ending in its URL or handle ("Order yours today · Under $30 · st.com/nucleo"): the URL goes on
    // its own smaller plate under the headline, so the CTA keeps a headline's size.
    const { main, url } = splitTrailingUrl(text);
    const room = band.h - travel;
    const fit = fitText(main, { w: band.w, h: room - (url ? LINE_EM * URL_MIN_PX * unit : 0) }, { maxPx: 84 * unit, minPx: 40 * unit, maxLines: 2, padPx: plateOf, hyphenate, language });
    if (fit.lines.length === 0) return;
    const pad = padOf(fit.fontPx);
    const ring = pad + keylineOf(fit.fontPx);
    // The URL's line: as large as the room left allows, at most URL_MAX_PX and URL_RATIO of the headline's size; on
    // the headline's plate, whose padding (`ring`) it shares.
    const urlFit = url
      ? fitText(url, { w: band.w, h: room - fit.h + 2 * ring }, { maxPx: Math.min(URL_MAX_PX * unit, fit.fontPx * URL_RATIO, (room - fit.h) / LINE_EM), minPx: URL_MIN_PX * unit, maxLines: 1, padPx: () => ring })
      : null;
    const name = styleFor("Headline", fit.fontPx, () => style(`Headline${fit.fontPx}`, font, fit.fontPx, colors.text, colors.plate, { box: true, pad }));
    const cx = Math.round(band.x + band.w / 2);
    // \an8 anchors the text's top; the plate grows `pad` around it, the keyline `ring`.
    const y = band.y + ring;
    let wordIndex = 0;
    const body = (layer: number) => {
      wordIndex = 0;
      const line = (words: string[], px: number) => {
        const draw = emoji ? emojiFor(px, layer === KEYLINE_LAYER ? ring : pad) : null;
        const out = layer === KEYLINE_LAYER ? richText(words.join(" "), layer, draw, "") : staggeredLine(words, wordIndex, layer, draw);
        wordIndex += words.length;
        return out;
      };
      const lines = fit.lines.map((l) => line(l.split(" "), fit.fontPx));
      for (const l of urlFit?.lines ?? []) lines.push(`{\\fs${urlFit!.fontPx}}${line(l.split(" "), urlFit!.fontPx)}`);
      return lines.join("\\N");
    };
    const head = `{\\an8\\move(${cx},${y + travel},${cx},${y},0,${FADE_IN_MS + 100})\\fad(${FADE_IN_MS},${FADE_OUT_MS})}`;
    // The keyline (boxes only), then one event per colour layer of the emoji (emoji-art.ts), in order on the same
    // ASS layer: drawn bottom to top.
    events.push(`Dialogue: 1,${assTime(start)},${assTime(end)},${name},,0,0,0,,${head}${keylineTags(ring)}${body(KEYLINE_LAYER)}`);
    const arts = artsIn([...fit.lines, ...(urlFit?.lines ?? [])], emoji);
    for (let layer = 0; layer < layerCount(arts); layer++) {
      events.push(`Dialogue: 1,${assTime(start)},${assTime(end)},${name},,0,0,0,,${head}${body(layer)}`);
    }
    const visible = { startSec: start + (FADE_IN_MS + WORD_STAGGER_MS * wordIndex) / 1000, endSec: end - FADE_OUT_MS / 1000 };
    boxes.push({ kind: "headline", sceneIndex: i, ...visible, box: { x: Math.round(cx - fit.w / 2), y: band.y, w: fit.w, h: fit.h }, text: main, lines: fit.lines, fontPx: fit.fontPx });
    if (url && urlFit) {
      // Its line under the headline's last, within the same plate (the plate's bottom padding moves below it).
      const h = Math.ceil(urlFit.lines.length * LINE_EM * urlFit.fontPx);
      boxes.push({
        kind: "url",
        sceneIndex: i,
        ...visible,
        box: { x: Math.round(cx - urlFit.w / 2), y: band.y + fit.h - 2 * ring, w: urlFit.w, h: h + 2 * ring },
        text: url,
        lines: urlFit.lines,
        fontPx: urlFit.fontPx,
      });
    }
  });
  let logo: OverlayLayout["logo"] = null;
  const card = plan.endCard;
  if (card) {
    const i = plan.scenes.length;
    const span = times[i]!;
    const start = midFrameBefore(span.start + Math.min(card.transitionSec / 2, 0.3), fps);
    const end = midFrameBefore(span.end, fps);
    // The card uses the safe zone minus the caption band (the CTA may still be spoken and captioned over it).
    const zone = safeRect(W, H);
    const cap = bands.captions;
    const above = { x: zone.x, y: zone.y, w: zone.w, h: cap.y - zone.y };
    const below = { x: zone.x, y: cap.y + cap.h, w: zone.w, h: zone.y + zone.h - (cap.y + cap.h) };
    const area = above.h >= below.h ? above : below;
    const gap = Math.round(28 * unit);
    const cx = Math.round(area.x + area.w / 2);
    const inner = area.h - 2 * gap;
    // Fit every part first (logo, name, CTA, URL), then stack them centred in the area.
    let logoBox: { w: number; h: number } | null = null;
    if (brand.logoPath && logoSize && logoSize.width > 0 && logoSize.height > 0) {
      const maxW = Math.min(area.w, Math.round(W * 0.4));
      const maxH = Math.round(Math.min(H * 0.12, inner * 0.25));
      const s = Math.min(maxW / logoSize.width, maxH / logoSize.height);
      logoBox = { w: Math.max(2, 2 * Math.floor((logoSize.width * s) / 2)), h: Math.max(2, 2 * Math.floor((logoSize.height * s) / 2)) };
    }
    let room = inner - (logoBox ? logoBox.h + gap : 0);
    // The brand name wraps onto two balanced lines before it shrinks ("Northwind Precision" / "Microcontrollers"):
    // its box always has room for two lines at full size; it shrinks on two lines down to BRAND_MIN_PX, and a name two
    // lines cannot hold at that size takes a third line (fitText), ~38 px of 1920 for 80 characters (the schema's most).
    const brandMax = BRAND_MAX_PX * unit;
    const nameFit = brand.name
      ? fitText(brand.name, { w: area.w, h: Math.max(1, room * 0.15, Math.ceil(2 * LINE_EM * brandMax + 2 * plateOf(brandMax))) }, { maxPx: brandMax, minPx: BRAND_MIN_PX * unit, maxLines: 2, padPx: plateOf, hyphenate, language })
      : null;
    if (nameFit) room -= nameFit.h + gap;
    // The URL's box holds one line of at least CARD_URL_PX (a two-line brand name must not leave it tiny).
    const cardUrl = CARD_URL_PX * unit;
    const urlFit = card.url
      ? fitText(card.url, { w: area.w, h: Math.max(1, room * 0.2, Math.ceil(LINE_EM * cardUrl + 2 * plateOf(cardUrl))) }, { maxPx: 52 * unit, minPx: 26 * unit, maxLines: 2, padPx: plateOf })
      : null;
    if (urlFit) room -= urlFit.h + gap;
    const ctaFit = fitText(card.cta, { w: area.w, h: Math.max(1, room) }, { maxPx: 104 * unit, minPx: 44 * unit, maxLines: 3, padPx: plateOf, hyphenate, language });
    const parts = [logoBox?.h, nameFit?.h, ctaFit.h, urlFit?.h].filter((h): h is number => h !== undefined);
    const total = parts.reduce((a, h) => a + h, 0) + gap * (parts.length - 1);
    let y = Math.max(area.y + gap, Math.round(area.y + (area.h - total) / 2));
    const push = (kind: OverlayBox["kind"], text: string, box: Rect, lines: string[], fontPx: number, delay: number) =>
      boxes.push({ kind, sceneIndex: i, startSec: start + delay + FADE_IN_MS / 1000, endSec: end, box, text, lines, fontPx });
    if (logoBox && brand.logoPath) {
      const box = { x: Math.round(cx - logoBox.w / 2), y, ...logoBox };
      logo = { path: brand.logoPath, box, startSec: start };
      push("logo", "", box, [], 0, 0);
      y += logoBox.h + gap;
    }
    const textStyle = (name: string, px: number, colour: string, plate: string, box: boolean) =>
      styleFor(name, px, () => style(`${name}${px}`, font, px, colour, plate, { box, pad: box ? padOf(px) : 0, shadow: box ? 0 : Math.max(1, Math.round(2 * unit)) }));
    const fade = (delayMs: number) => `\\alpha&HFF&\\t(${delayMs},${delayMs + FADE_IN_MS},\\alpha&H00&)`;
    const draw = (kind: OverlayBox["kind"], text: string, fit: FittedText, name: string, delayMs: number, pad: number) => {
      const ring = pad + keylineOf(fit.fontPx);
      const emojiFade = `\\1a&HFF&\\t(${delayMs},${delayMs + FADE_IN_MS},\\1a&H00&)`;
      const pos = `\\an8\\pos(${cx},${y + ring})`;
      // The keyline (a box only; its \\3a fades in with the plate), then the plate and text.
      const keyline = fit.lines.map((l) => richText(l, KEYLINE_LAYER, emoji ? emojiFor(fit.fontPx, ring) : null, "")).join("\\N");
      events.push(
        `Dialogue: 2,${assTime(start)},${assTime(end)},${name},,0,0,0,,{${pos}\\3a&HFF&\\t(${delayMs},${delayMs + FADE_IN_MS},\\3a&H00&)}${keylineTags(ring)}${keyline}`,
      );
      for (let layer = 0; layer < layerCount(artsIn(fit.lines, emoji)); layer++) {
        const body = fit.lines.map((l) => richText(l, layer, emoji ? emojiFor(fit.fontPx, pad) : null, emojiFade)).join("\\N");
        const head = `{${pos}${layer > 0 ? "" : fade(delayMs)}}`;
        events.push(`Dialogue: 2,${assTime(start)},${assTime(end)},${name},,0,0,0,,${head}${body}`);
      }
      push(kind, text, { x: Math.round(cx - fit.w / 2), y, w: fit.w, h: fit.h }, fit.lines, fit.fontPx, delayMs / 1000);
      y += fit.h + gap;
    };
    // Every line on a primary-colour plate in the text colour: readable on any background the brand gives.
    if (brand.name && nameFit) draw("brand", brand.name, nameFit, textStyle("Brand", nameFit.fontPx, colors.text, colors.plate, true), 0, padOf(nameFit.fontPx));
    draw("cta", card.cta, ctaFit, textStyle("Cta", ctaFit.fontPx, colors.text, colors.plate, true), 150, padOf(ctaFit.fontPx));
    if (card.url && urlFit) draw("url", card.url, urlFit, textStyle("Url", urlFit.fontPx, colors.text, colors.plate, true), 350, padOf(urlFit.fontPx));
  }

  if (events.length === 0) return { boxes, ass: null, logo };
  const ass = assDocument({ width: W, height: H }, [...styles.values()], events);
  return { boxes, ass, logo };
}

/** Every text the overlays draw (headlines, brand name, CTA, URL), for `loadEmojiArt`. */
export function overlayTexts(plan: RenderPlan): string[] {
  return [...plan.scenes.map((s) => s.headline ?? ""), plan.brand.name ?? "", plan.endCard?.cta ?? "", plan.endCard?.url ?? ""];
}

export async function writeOverlayAss(path: string, layout: OverlayLayout): Promise<void> {
  if (layout.ass) await writeFile(path, layout.ass, "utf8");
}
