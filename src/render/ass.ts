/**
 * Captions as an Advanced SubStation Alpha (.ass) script, burned by ffmpeg's `subtitles` filter (libass).
 *
 * Invariants:
 * - User text never reaches the script unescaped: every `{`, `}` and `\` it contains is neutralised, so the only
 *   override tags in the file are the colour tags generated here.
 * - Karaoke: one Dialogue line per time span; during a word's span that word carries the highlight colour.
 *   Spans are computed in whole centiseconds (ASS's resolution) so consecutive lines neither overlap nor gap.
 * - Layout is ours, not libass's (caption-layout.ts): every line break, font (`\fn`), size and the visual order of
 *   right-to-left text are written explicitly, each cue anchored (`\an`, `\pos`) in the caption band of the safe
 *   zone (`textBands(...).captions`). Every span of a cue has the same units and fonts; only colours differ.
 * - Colour emoji (emoji-art.ts): a page with emoji is written as one event per colour layer of its emoji (ASS layer
 *   0, 1, ...) with the same text and times; layer 0 draws the text and the emoji's first colour, the others only
 *   their colour, the text transparent, so every layer lies exactly over the first.
 */
import { writeFile } from "node:fs/promises";
import { type LayoutLine, type LayoutWord, layoutCue } from "./caption-layout";
import { type CaptionFonts, graphemes } from "./caption-script";
import { COLOR_EMOJI_FAMILY, type EmojiArt, type EmojiBook, emojiLayerText, layerCount, loadEmojiArt } from "./emoji-art";
import { installedFaces } from "./fonts";
import { loadHyphenator } from "./hyphenate";
import { type CaptionStyle, type Captions, type Cue } from "./plan";
import { textBands } from "./safe-zone";
import { TextShaper } from "./text-shape";

/** Invisible, zero-width; put after a user backslash so libass never reads it as the start of `\N`, `\h`, `\{`. */
const WORD_JOINER = "\u2060";

/**
 * Escape user text for the Text field of an ASS Dialogue line.
 * `{`/`}` become libass's literal-brace escapes `\{`/`\}`; a user `\` is followed by a word joiner (so `\N` or
 * `\b1` show as typed); line breaks become `\N`; other control characters are dropped; ends are trimmed.
 * RTL scripts and emoji pass through unchanged (libass shapes them with fribidi/harfbuzz).
 */
export function escapeAssText(text: string): string {
  const normalised = text.replace(/\r\n?/g, "\n").trim();
  let out = "";
  for (const ch of normalised) {
    switch (ch) {
      case "\\":
        out += "\\" + WORD_JOINER;
        break;
      case "{":
        out += "\\{";
        break;
      case "}":
        out += "\\}";
        break;
      case "\n":
        out += "\\N";
        break;
      case "\t":
        out += " ";
        break;
      default: {
        const code = ch.codePointAt(0)!;
        if (code < 0x20 || code === 0x7f) continue;
        out += ch;
      }
    }
  }
  return out;
}

/** `#rrggbb` -> `&H00BBGGRR` (ASS is BGR with alpha first, 00 = opaque). */
export function assColor(hex: string, alpha = 0): string {
  const h = hex.replace("#", "");
  const rr = h.slice(0, 2);
  const gg = h.slice(2, 4);
  const bb = h.slice(4, 6);
  const aa = alpha.toString(16).padStart(2, "0");
  return `&H${aa}${bb}${gg}${rr}`.toUpperCase();
}

/** Centiseconds -> `H:MM:SS.cc`. */
function assTime(cs: number): string {
  const c = Math.max(0, Math.round(cs));
  const h = Math.floor(c / 360000);
  const m = Math.floor((c % 360000) / 6000);
  const s = Math.floor((c % 6000) / 100);
  const cc = c % 100;
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}.${String(cc).padStart(2, "0")}`;
}

/** One karaoke word with its time span in centiseconds on the output timeline. */
export interface TimedWord extends LayoutWord {
  start: number;
  end: number;
}

const SPACELESS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const segmenters = new Map<string, Intl.Segmenter>();
/** ICU's word segmenter for a BCP-47 tag (the default locale's for none or one ICU does not take). */
function wordSegmenter(language: string | undefined): Intl.Segmenter {
  const key = language ?? "";
  let s = segmenters.get(key);
  if (!s) {
    try {
      s = new Intl.Segmenter(language || undefined, { granularity: "word" });
    } catch {
      s = new Intl.Segmenter(undefined, { granularity: "word" });
    }
    segmenters.set(key, s);
  }
  return s;
}

/**
 * A token of a script written without spaces (Japanese, Chinese, Thai, Lao, Khmer, Burmese) split into its words
 * by ICU's dictionary segmentation in `language`, punctuation kept with the word before it; the token's time is
 * shared by length.
 */
function splitSpaceless(w: TimedWord, language?: string): TimedWord[] {
  if (!SPACELESS.test(w.text)) return [w];
  const parts: string[] = [];
  for (const seg of wordSegmenter(language).segment(w.text)) {
    if (parts.length && !seg.isWordLike) parts[parts.length - 1] += seg.segment;
    else parts.push(seg.segment);
  }
  if (parts.length < 2) return [w];
  const total = parts.reduce((a, p) => a + [...p].length, 0);
  let acc = 0;
  return parts.map((text, i) => {
    const start = w.start + Math.round(((w.end - w.start) * acc) / total);
    acc += [...text].length;
    const end = w.start + Math.round(((w.end - w.start) * acc) / total);
    return { text, start, end, breakBefore: i === 0 && w.breakBefore, joined: i > 0 };
  });
}

/**
 * Words of a cue with times in centiseconds, clamped into the cue and ordered. Tokens of scripts written without
 * spaces are split into their words (in `language`, the captions' BCP-47 tag), so lines break and the highlight
 * moves word by word there too.
 */
export function timedWords(cue: Cue, uppercase: boolean, language?: string): TimedWord[] {
  const cs = (t: number) => Math.round(t * 100);
  const cueStart = cs(cue.start);
  const cueEnd = cs(cue.end);
  const up = (s: string) => (uppercase ? s.toLocaleUpperCase() : s);
  if (cue.words && cue.words.length > 0) {
    const words = cue.words
      .map((w) => ({ ...w, text: w.text.replace(/\s+/g, " ").trim() }))
      .filter((w) => w.text !== "")
      .sort((a, b) => a.start - b.start);
    let prevEnd = cueStart;
    return words.flatMap((w) => {
      const start = Math.min(cueEnd, Math.max(prevEnd, cs(w.start)));
      const end = Math.min(cueEnd, Math.max(start, cs(w.end)));
      prevEnd = end;
      // A timed "word" may hold spaces (a phrase): its parts share its span.
      return w.text.split(" ").flatMap((text, i, all) => {
        const a = start + Math.round(((end - start) * i) / all.length);
        const b = start + Math.round(((end - start) * (i + 1)) / all.length);
        return splitSpaceless({ text: up(text), start: a, end: b, breakBefore: false }, language);
      });
    });
  }
  // No timings: share the cue between the words by character count (a fair proxy for speaking time).
  const tokens: { text: string; breakBefore: boolean }[] = [];
  cue.text
    .replace(/\r\n?/g, "\n")
    .trim()
    .split("\n")
    .forEach((line, li) => {
      line
        .split(/\s+/)
        .filter((t) => t !== "")
        .forEach((t, wi) => tokens.push({ text: up(t), breakBefore: li > 0 && wi === 0 }));
    });
  const weights = tokens.map((t) => [...t.text].length + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return tokens.flatMap((t, i) => {
    const start = cueStart + Math.round(((cueEnd - cueStart) * acc) / total);
    acc += weights[i]!;
    const end = cueStart + Math.round(((cueEnd - cueStart) * acc) / total);
    return splitSpaceless({ ...t, start, end }, language);
  });
}

/** Where a cue is anchored and how much room it has: the caption band less the outline and a small margin. */
export function captionBox(size: { width: number; height: number }, style: CaptionStyle) {
  const band = textBands(size.width, size.height, style.position).captions;
  const outline = (style.outlinePx * size.height) / 1920;
  const inset = Math.ceil(outline + (4 * size.height) / 1920);
  const x = Math.round(band.x + band.w / 2);
  const anchor =
    style.position === "bottom"
      ? { an: 2, x, y: band.y + band.h - inset }
      : style.position === "top"
        ? { an: 8, x, y: band.y + inset }
        : { an: 5, x, y: Math.round(band.y + band.h / 2) };
  return { band, anchor, maxWidth: band.w - 2 * inset, maxHeight: band.h - 2 * inset };
}

/**
 * Colours of adjacent units always differ (by one step of blue in the lowest bits, invisible), so libass splits
 * the line at every unit boundary in every frame: the same runs, the same layout, whichever word is highlighted.
 */
function unitColours(primaryHex: string, highlightHex: string) {
  const rgb = (hex: string) => parseInt(hex.slice(1), 16);
  const p = rgb(primaryHex);
  let h = rgb(highlightHex);
  if ((h & ~1) === (p & ~1)) h ^= 2;
  const ass = (v: number) => assColor(`#${v.toString(16).padStart(6, "0")}`);
  return (highlighted: boolean, parity: number) => ass((highlighted ? h : p) ^ parity);
}

/**
 * One line's text for event layer `layer` (emoji-art.ts): layer 0 is the event itself (text and each emoji's first
 * colour layer); layer k > 0 draws only the emoji's k-th colour layer, the text transparent but laid out the same.
 */
function lineText(line: LayoutLine, sizePx: number, highlighted: number, colour: ReturnType<typeof unitColours>, fonts: CaptionFonts, layer: number, outlinePx: number): string {
  const scale = Math.round(line.scale * 1000) / 10;
  const hidden = layer > 0 ? "\\alpha&HFF&" : "";
  return line.units
    .map((u, k) => {
      const fs = Math.round(sizePx * u.sizeFactor * 10) / 10;
      const c = colour(u.word >= 0 && u.word === highlighted, k % 2);
      if (u.family === COLOR_EMOJI_FAMILY && fonts.emoji) {
        // Back to the outline after each drawing; the next unit sets its own font and colour.
        const after = `\\bord${outlinePx}`;
        return graphemes(u.text)
          .map((g) => {
            const art = fonts.emoji!.get(g);
            if (!art) return "";
            const lead = k === 0 ? `{\\fscx${scale}\\fscy${scale}}` : "";
            return lead + emojiLayerText(art, layer, fs, { tags: layer > 0 ? "\\1a&H00&" : "", after });
          })
          .join("");
      }
      const tags = `${k === 0 ? `\\fscx${scale}\\fscy${scale}` : ""}\\fn${u.family}\\fs${fs}\\1c${c}&${hidden}`;
      return `{${tags}}${u.text === " " ? " " : escapeAssText(u.text)}`;
    })
    .join("");
}

/** How many event layers a page needs: the most colour layers of its emoji (1 without emoji). */
function pageLayers(lines: readonly LayoutLine[], fonts: CaptionFonts): number {
  const arts: EmojiArt[] = [];
  for (const l of lines) for (const u of l.units) if (u.family === COLOR_EMOJI_FAMILY) for (const g of graphemes(u.text)) if (fonts.emoji?.has(g)) arts.push(fonts.emoji.get(g)!);
  return layerCount(arts);
}

/** Dialogue lines for one cue: per page, plain before/after/between words, highlighted during each word. */
function cueEvents(cue: Cue, captions: Captions, size: { width: number; height: number }, fonts: CaptionFonts): string[] {
  const { style } = captions;
  const words = timedWords(cue, style.uppercase, captions.language);
  const cueStart = Math.round(cue.start * 100);
  const cueEnd = Math.round(cue.end * 100);
  if (words.length === 0 || cueEnd <= cueStart) return [];
  const box = captionBox(size, style);
  const layout = layoutCue(words, { maxWidth: box.maxWidth, maxHeight: box.maxHeight, sizePx: Math.round((style.sizePx * size.height) / 1920) }, fonts, captions);
  const colour = unitColours(style.primaryColor, style.highlightColor);
  const pos = `{\\an${box.anchor.an}\\pos(${box.anchor.x},${box.anchor.y})}`;
  return layout.pages.flatMap((page, p) => {
    const next = layout.pages[p + 1];
    const from = p === 0 ? cueStart : words[page.firstWord]!.start;
    const to = next ? words[next.firstWord]!.start : cueEnd;
    if (to <= from) return [];
    const last = next ? next.firstWord : words.length;
    const spans: { start: number; end: number; word: number }[] = [];
    let t = from;
    for (let i = page.firstWord; i < last; i++) {
      const w = words[i]!;
      const a = Math.max(t, Math.min(w.start, to));
      const b = Math.min(to, w.end);
      if (a > t) spans.push({ start: t, end: a, word: -1 });
      if (b > a) spans.push({ start: a, end: b, word: i });
      t = Math.max(t, b);
    }
    if (to > t) spans.push({ start: t, end: to, word: -1 });
    const outlinePx = Math.round(((style.outlinePx * size.height) / 1920) * 10) / 10;
    const layers = pageLayers(page.lines, fonts);
    return spans.flatMap((s) =>
      Array.from({ length: layers }, (_, layer) => {
        const text = page.lines.map((l) => lineText(l, layout.sizePx, s.word, colour, fonts, layer, outlinePx)).join("\\N");
        return `Dialogue: ${layer},${assTime(s.start)},${assTime(s.end)},Caption,,0,0,0,,${pos}${text}`;
      }),
    );
  });
}

/** The whole .ass script for a video of `width` x `height`, laid out with `fonts` (see `loadCaptionFonts`). */
export function buildAss(captions: Captions, size: { width: number; height: number }, fonts: CaptionFonts): string {
  const { style } = captions;
  const { width, height } = size;
  const box = captionBox(size, style);
  const fontSize = Math.round((style.sizePx * height) / 1920);
  const outline = Math.round(((style.outlinePx * height) / 1920) * 10) / 10;
  const styleLine = [
    "Caption",
    style.font,
    fontSize,
    assColor(style.primaryColor),
    assColor(style.highlightColor),
    assColor(style.outlineColor),
    assColor("#000000", 0x80),
    style.bold ? -1 : 0,
    0,
    0,
    0,
    100,
    100,
    0,
    0,
    1,
    outline,
    0,
    box.anchor.an,
    box.band.x,
    width - box.band.x - box.band.w,
    0,
    1,
  ].join(",");
  const events = captions.cues.flatMap((c) => cueEvents(c, captions, size, fonts));
  return assDocument({ width, height }, [`Style: ${styleLine}`], events);
}

/**
 * A whole ASS subtitle file: script info for a `size` canvas (no automatic wrapping: every line break is the
 * caller's), then `styles` ("Style: ..." lines) and `events` ("Dialogue: ..." lines) under their Format lines.
 */
export function assDocument(size: { width: number; height: number }, styles: readonly string[], events: readonly string[]): string {
  return [
    "[Script Info]",
    "ScriptType: v4.00+",
    `PlayResX: ${size.width}`,
    `PlayResY: ${size.height}`,
    "WrapStyle: 2",
    "ScaledBorderAndShadow: yes",
    "YCbCr Matrix: TV.709",
    "",
    "[V4+ Styles]",
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
    ...styles,
    "",
    "[Events]",
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ...events,
    "",
  ].join("\n");
}

/** The installed fonts and a shaper over them, for `buildAss`. Reads fontconfig's list once per process. */
export async function loadCaptionFonts(style: Pick<CaptionStyle, "font" | "bold">, language?: string, emoji?: EmojiBook): Promise<CaptionFonts> {
  const faces = (await installedFaces()).filter((f) => f.outline);
  const [shaper, hyphenate] = await Promise.all([sharedShaper(), loadHyphenator(language)]);
  return { faces, shaper, family: style.font, bold: style.bold, hyphenate, emoji };
}

/** Every text the captions draw (cue texts and timed words), for `loadEmojiArt`. */
export function captionTexts(captions: Captions): string[] {
  return captions.cues.flatMap((c) => [c.text, ...(c.words ?? []).map((w) => w.text)]);
}

let shaperP: Promise<TextShaper> | null = null;
function sharedShaper(): Promise<TextShaper> {
  shaperP ??= TextShaper.create();
  return shaperP;
}

export async function writeAssFile(path: string, captions: Captions, size: { width: number; height: number }): Promise<void> {
  const emoji = await loadEmojiArt(captionTexts(captions));
  await writeFile(path, buildAss(captions, size, await loadCaptionFonts(captions.style, captions.language, emoji)), "utf8");
}
