/**
 * Captions as an Advanced SubStation Alpha (.ass) script, burned by ffmpeg's `subtitles` filter (libass).
 *
 * Invariants:
 * - User text never reaches the script unescaped: every `{`, `}` and `\` it contains is neutralised, so the only
 *   override tags in the file are the colour tags generated here.
 * - Karaoke: one Dialogue line per time span; during a word's span that word carries the highlight colour.
 *   Spans are computed in whole centiseconds (ASS's resolution) so consecutive lines neither overlap nor gap.
 */
import { writeFile } from "node:fs/promises";
import { type CaptionStyle, type Captions, type Cue } from "./plan";

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

/** Where captions sit in a 9:16 frame: clear of the bottom UI zone (~15% + room) and the top bar. */
export function safeArea(width: number, height: number, position: CaptionStyle["position"]) {
  const marginLR = Math.round(width * 0.08);
  // Alignment uses the numpad layout: 2 = bottom centre, 5 = middle centre, 8 = top centre.
  switch (position) {
    case "bottom":
      return { alignment: 2, marginL: marginLR, marginR: marginLR, marginV: Math.round(height * 0.2) };
    case "center":
      return { alignment: 5, marginL: marginLR, marginR: marginLR, marginV: 0 };
    case "top":
      return { alignment: 8, marginL: marginLR, marginR: marginLR, marginV: Math.round(height * 0.12) };
  }
}

interface TimedWord {
  text: string;
  /** Centiseconds on the output timeline. */
  start: number;
  end: number;
  /** A user line break precedes this word. */
  breakBefore: boolean;
}

/** Words of a cue with times in centiseconds, clamped into the cue and ordered. */
export function timedWords(cue: Cue, uppercase: boolean): TimedWord[] {
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
    return words.map((w) => {
      const start = Math.min(cueEnd, Math.max(prevEnd, cs(w.start)));
      const end = Math.min(cueEnd, Math.max(start, cs(w.end)));
      prevEnd = end;
      return { text: up(w.text), start, end, breakBefore: false };
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
  return tokens.map((t, i) => {
    const start = cueStart + Math.round(((cueEnd - cueStart) * acc) / total);
    acc += weights[i]!;
    const end = cueStart + Math.round(((cueEnd - cueStart) * acc) / total);
    return { ...t, start, end };
  });
}

function lineText(words: TimedWord[], highlighted: number, primary: string, highlight: string): string {
  return words
    .map((w, i) => {
      const sep = i === 0 ? "" : w.breakBefore ? "\\N" : " ";
      const t = escapeAssText(w.text);
      return i === highlighted ? `${sep}{\\1c${highlight}&}${t}{\\1c${primary}&}` : `${sep}${t}`;
    })
    .join("");
}

/** Dialogue lines for one cue: plain before/after/between words, highlighted during each word. */
function cueEvents(cue: Cue, style: CaptionStyle): string[] {
  const words = timedWords(cue, style.uppercase);
  const cueStart = Math.round(cue.start * 100);
  const cueEnd = Math.round(cue.end * 100);
  if (words.length === 0 || cueEnd <= cueStart) return [];
  const primary = assColor(style.primaryColor);
  const highlight = assColor(style.highlightColor);
  const spans: { start: number; end: number; word: number }[] = [];
  let t = cueStart;
  words.forEach((w, i) => {
    if (w.start > t) spans.push({ start: t, end: w.start, word: -1 });
    if (w.end > w.start) spans.push({ start: w.start, end: w.end, word: i });
    t = Math.max(t, w.end);
  });
  if (cueEnd > t) spans.push({ start: t, end: cueEnd, word: -1 });
  return spans.map(
    (s) => `Dialogue: 0,${assTime(s.start)},${assTime(s.end)},Caption,,0,0,0,,${lineText(words, s.word, primary, highlight)}`,
  );
}

/** The whole .ass script for a video of `width` x `height`. */
export function buildAss(captions: Captions, size: { width: number; height: number }): string {
  const { style } = captions;
  const { width, height } = size;
  const area = safeArea(width, height, style.position);
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
    area.alignment,
    area.marginL,
    area.marginR,
    area.marginV,
    1,
  ].join(",");
  const events = captions.cues.flatMap((c) => cueEvents(c, style));
  return [
    "[Script Info]",
    "ScriptType: v4.00+",
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    "WrapStyle: 0",
    "ScaledBorderAndShadow: yes",
    "YCbCr Matrix: TV.709",
    "",
    "[V4+ Styles]",
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
    `Style: ${styleLine}`,
    "",
    "[Events]",
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ...events,
    "",
  ].join("\n");
}

export async function writeAssFile(path: string, captions: Captions, size: { width: number; height: number }): Promise<void> {
  await writeFile(path, buildAss(captions, size), "utf8");
}
