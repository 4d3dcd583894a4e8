/**
 * Caption layout: one cue's words broken into lines that fit the caption band, in the visual order libass must
 * receive them. Pure given the fonts (`CaptionFonts`): no files, no processes.
 *
 * Invariants (the .ass writer and the tests rely on them):
 * - Every line, as measured with HarfBuzz on the fonts written into the script, is at most `maxWidth` wide at its
 *   `scale`; and a page has at most `maxLines` lines. A cue that does not fit in the band even at 80% size is split
 *   into pages shown one after the other (each while its words are spoken).
 * - Lines break only where Unicode's line breaking (UAX #14) allows: at spaces, between CJK words with the
 *   kinsoku rules UAX #14 carries (no break before 。、」ー or small kana, none after 「), and between the
 *   dictionary words of Thai, Lao, Khmer and Burmese (split by ICU in the captions' language). A word wider than a line
 *   is shrunk (down to `MIN_LINE_SCALE`) or, beyond that, broken between graphemes (after / . - _ ? & = # when it
 *   can, with a hyphen between two letters).
 * - Units come in visual order (left to right), each of one font, one bidi level and one karaoke word, so a
 *   right-to-left line needs no bidi resolution across units: libass, which resolves each style run on its own,
 *   gets runs that are already in place, and the layout is the same whichever word is highlighted.
 */
import bidiFactory from "bidi-js";
import LineBreaker from "linebreak";
import { type CaptionFonts, cjkVariant, fontRuns, graphemes, isCjkScript, isSpacelessScript, scriptOf } from "./caption-script";

const bidi = bidiFactory();

/** A word may be drawn down to this fraction of the caption size before it is broken instead. */
export const MIN_LINE_SCALE = 0.72;
/** Whole cues shrink down to this fraction before they are split into pages. */
const MIN_CUE_SCALE = 0.8;
/** HarfBuzz's advances match libass's; this slack covers synthetic bold and hinting. */
const WIDTH_SLACK = 1.03;

export interface LayoutWord {
  text: string;
  /** A user line break precedes this word. */
  breakBefore: boolean;
  /** Continues the previous word with no space (a CJK/Thai word split off a longer token). */
  joined?: boolean;
}

export interface LayoutUnit {
  text: string;
  family: string;
  /** Font size relative to the cue's (see `FontRun.sizeFactor`). */
  sizeFactor: number;
  /** Karaoke word this unit belongs to; -1 for the space between words. */
  word: number;
}

export interface LayoutLine {
  /** Left to right. */
  units: LayoutUnit[];
  /** Font scale of this line (1 = the cue's size). */
  scale: number;
  /** Measured width in pixels at that scale. */
  width: number;
  /** Height in pixels at that scale (libass: the largest font size on the line). */
  height: number;
}

export interface LayoutPage {
  lines: LayoutLine[];
  /** Index of the first word on this page. */
  firstWord: number;
}

export interface CueLayout {
  /** Font size in pixels for the whole cue (the style's, or less when the cue had to shrink). */
  sizePx: number;
  /** Right-to-left paragraph (its first strong character is right-to-left). */
  rtl: boolean;
  pages: LayoutPage[];
}

interface Piece {
  word: number;
  runs: { text: string; family: string; advance: number; sizeFactor: number }[];
  /** Width in px per px of size. */
  advance: number;
  /** Space (of the style font) before this piece on the same line. */
  spaced: boolean;
  /** A line may end before this piece. */
  breakable: boolean;
  breakBefore: boolean;
}

const piece = (word: number, text: string, fonts: CaptionFonts, variant: string, rest: Omit<Piece, "word" | "runs" | "advance">): Piece => {
  const runs = fontRuns(text, fonts, variant);
  return { word, runs, advance: runs.reduce((a, r) => a + r.advance, 0), ...rest };
};

/**
 * Lay out one cue's words in a box `maxWidth` wide with room for `maxHeight` pixels of lines. The paragraph is
 * right-to-left when the captions' direction is (an Arabic campaign's cue that starts with a brand name stays
 * right-to-left), else as its first strong character says.
 */
export function layoutCue(
  words: readonly LayoutWord[],
  box: { maxWidth: number; maxHeight: number; sizePx: number },
  fonts: CaptionFonts,
  text: { language?: string; direction?: "ltr" | "rtl" } = {},
): CueLayout {
  const all = words.map((w) => w.text).join(" ");
  const variant = cjkVariant(all, text.language);
  const rtl = text.direction === "rtl" || (bidi.getEmbeddingLevels(all, "auto").paragraphs[0]?.level ?? 0) % 2 === 1;
  const spaceAdvance = fontRuns(" ", fonts, variant)[0]?.advance ?? 0.3;
  const pieces = toPieces(words, fonts, variant);
  let lines: Piece[][] = [];
  let placed: LayoutLine[] = [];
  let size = box.sizePx;
  for (const f of [1, 0.9, MIN_CUE_SCALE]) {
    size = Math.max(1, Math.round(box.sizePx * f));
    lines = breakLines(pieces, box.maxWidth / (size * WIDTH_SLACK), spaceAdvance, fonts, variant);
    placed = lines.map((l) => placeLine(l, spaceAdvance, size, box.maxWidth, rtl, fonts));
    if (placed.reduce((h, l) => h + l.height, 0) <= box.maxHeight) break;
  }
  // Pages: as many whole lines as the band holds (at least one).
  const pages: LayoutPage[] = [];
  let height = Infinity;
  placed.forEach((line, i) => {
    if (height + line.height > box.maxHeight) {
      pages.push({ lines: [], firstWord: lines[i]![0]!.word });
      height = 0;
    }
    pages.at(-1)!.lines.push(line);
    height += line.height;
  });
  return { sizePx: size, rtl, pages };
}

/** Words as pieces; CJK and Thai tokens are split into their words (ICU's dictionary segmentation). */
function toPieces(words: readonly LayoutWord[], fonts: CaptionFonts, variant: string): Piece[] {
  const out: Piece[] = [];
  let prevScript: string | null = null;
  words.forEach((w, i) => {
    const gs = graphemes(w.text);
    const first = gs.map(scriptOf).find((s) => s !== null) ?? null;
    const spaceless = isCjkScript(first) && isCjkScript(prevScript);
    const spaced = i > 0 && !w.breakBefore && !w.joined && !spaceless;
    out.push(piece(i, w.text, fonts, variant, { spaced, breakable: i > 0, breakBefore: w.breakBefore }));
    prevScript = [...gs].reverse().map(scriptOf).find((s) => s !== null) ?? prevScript;
  });
  // A break between two unspaced pieces only where UAX #14 allows it (kinsoku). Thai, Lao, Khmer and Burmese
  // (UAX #14's class SA) break where a dictionary finds a word boundary, which the linebreak package leaves to
  // the caller: a token of those scripts split into its words (`joined`, by ICU's segmenter in the captions'
  // language) may break between them.
  const sa = (s: string | null) => isSpacelessScript(s) && !isCjkScript(s);
  for (let i = 1; i < out.length; i++) {
    const p = out[i]!;
    if (p.spaced || p.breakBefore) continue;
    const before = out[i - 1]!.runs.map((r) => r.text).join("");
    const after = p.runs.map((r) => r.text).join("");
    const edge = (t: string, last: boolean) => (last ? [...graphemes(t)].reverse() : graphemes(t)).map(scriptOf).find((x) => x !== null) ?? null;
    p.breakable = (words[i]!.joined === true && sa(edge(before, true)) && sa(edge(after, false))) || breakPositions(before + after).has(before.length);
  }
  return out;
}

function breakPositions(text: string): Set<number> {
  const lb = new LineBreaker(text);
  const out = new Set<number>();
  for (let b = lb.nextBreak(); b; b = lb.nextBreak()) out.add(b.position);
  return out;
}

/** Greedy line filling (widths in px per px of size); a piece wider than a line is shrunk or broken. */
function breakLines(pieces: readonly Piece[], maxAdvance: number, space: number, fonts: CaptionFonts, variant: string): Piece[][] {
  const lines: Piece[][] = [];
  let line: Piece[] = [];
  let width = 0;
  const flush = () => {
    if (line.length) lines.push(line);
    line = [];
    width = 0;
  };
  for (const p of pieces) {
    const sep = line.length && p.spaced ? space : 0;
    if (line.length && (p.breakBefore || (p.breakable && width + sep + p.advance > maxAdvance))) flush();
    if (line.length === 0 && p.advance > maxAdvance / MIN_LINE_SCALE) {
      // Too wide even shrunk: break it between graphemes into lines of their own.
      const parts = splitWide(p, maxAdvance, fonts, variant);
      parts.slice(0, -1).forEach((part) => lines.push([part]));
      line = [parts.at(-1)!];
      width = parts.at(-1)!.advance;
      continue;
    }
    width += (line.length && p.spaced ? space : 0) + p.advance;
    line.push(p);
  }
  flush();
  return lines;
}

/**
 * Candidate breaks inside a word (UTF-16 offsets) and whether each takes a hyphen: hyphenation points, after URL
 * punctuation, before a capital that follows a small letter (#SummerSale).
 */
function wordBreaks(text: string, fonts: CaptionFonts): Map<number, boolean> {
  const out = new Map<number, boolean>();
  for (const m of text.matchAll(/\p{L}{5,}/gu)) for (const p of fonts.hyphenate(m[0])) out.set(m.index + p, true);
  for (const m of text.matchAll(/(?<=[/.\-_?&=#:@])(?=[^/.\-_?&=#:@])/g)) out.set(m.index, false);
  for (const m of text.matchAll(/(?<=\p{Ll})(?=\p{Lu})/gu)) out.set(m.index, false);
  return out;
}

/** A piece too wide for a line, broken into parts that fit: at its best candidate breaks, else between graphemes. */
function splitWide(p: Piece, maxAdvance: number, fonts: CaptionFonts, variant: string): Piece[] {
  const text = p.runs.map((r) => r.text).join("");
  const bounds: number[] = [];
  let acc = 0;
  for (const g of graphemes(text)) bounds.push((acc += g.length));
  const breaks = wordBreaks(text, fonts);
  const parts: Piece[] = [];
  let start = 0;
  while (start < text.length) {
    const make = (to: number, hyphen: boolean) =>
      piece(p.word, text.slice(start, to) + (hyphen ? "-" : ""), fonts, variant, {
        spaced: start === 0 && p.spaced,
        breakable: true,
        breakBefore: start === 0 && p.breakBefore,
      });
    const rest = make(text.length, false);
    // What is left fits shrunk (placeLine scales its line): one line fewer beats a short last piece.
    if (rest.advance <= maxAdvance / MIN_LINE_SCALE) {
      parts.push(rest);
      break;
    }
    // The longest part ending at a candidate break that fits (with its hyphen), if it fills at least 40% of the line.
    let best: Piece | null = null;
    let bestEnd = 0;
    for (const [at, hyphen] of [...breaks].filter(([at]) => at > start && at < text.length).sort((a, b) => b[0] - a[0])) {
      const candidate = make(at, hyphen);
      if (candidate.advance <= maxAdvance) {
        if (candidate.advance >= 0.4 * maxAdvance) [best, bestEnd] = [candidate, at];
        break;
      }
    }
    if (!best) {
      // Between graphemes: the longest prefix that fits, a hyphen between two letters.
      const letterJoin = (at: number) => /\p{L}/u.test(text[at - 1] ?? "") && /\p{L}/u.test(text[at] ?? "") && !isSpacelessScript(scriptOf(text.slice(at, at + 2)));
      for (const at of bounds.filter((b) => b > start && b < text.length)) {
        const candidate = make(at, letterJoin(at));
        if (best && candidate.advance > maxAdvance) break;
        [best, bestEnd] = [candidate, at];
      }
    }
    if (!best) {
      parts.push(rest);
      break;
    }
    parts.push(best);
    start = bestEnd;
  }
  return parts;
}

const STRONG_RTL = new Set(["R", "AL"]);

/** A line's pieces as units in visual order, with the scale that makes it fit. */
function placeLine(pieces: readonly Piece[], space: number, size: number, maxWidth: number, rtl: boolean, fonts: CaptionFonts): LayoutLine {
  // Logical units: each font run of each piece, with the spaces between pieces (in the style's font).
  const logical: LayoutUnit[] = [];
  pieces.forEach((p, i) => {
    if (i > 0 && p.spaced) logical.push({ text: " ", family: fonts.family, sizeFactor: 1, word: -1 });
    for (const r of p.runs) logical.push({ text: r.text, family: r.family, sizeFactor: r.sizeFactor, word: p.word });
  });
  const tallest = Math.max(1, ...logical.map((u) => u.sizeFactor));
  const advance = pieces.reduce((a, p, i) => a + p.advance + (i > 0 && p.spaced ? space : 0), 0);
  const width = advance * size * WIDTH_SLACK;
  const scale = width > maxWidth ? Math.max(0.01, Math.floor((maxWidth / width) * 1000) / 1000) : 1;
  return { units: visualOrder(logical, rtl), scale, width: width * scale, height: size * tallest * scale };
}

/**
 * Split units at bidi level changes (and, inside right-to-left text, between strong letters and neutrals), then
 * reorder them by rule L2 of UAX #9. A right-to-left unit of neutrals only is reversed and mirrored here, because
 * libass (left-to-right base direction) would keep it as is.
 */
export function visualOrder(units: readonly LayoutUnit[], rtl: boolean): LayoutUnit[] {
  const text = units.map((u) => u.text).join("");
  const { levels } = bidi.getEmbeddingLevels(text, rtl ? "rtl" : "ltr");
  const split: (LayoutUnit & { level: number; neutral: boolean })[] = [];
  let offset = 0;
  for (const u of units) {
    let cur: (LayoutUnit & { level: number; neutral: boolean }) | null = null;
    for (const g of graphemes(u.text)) {
      const level = levels[offset] ?? 0;
      const type = bidi.getBidiCharTypeName(g);
      const neutral = level % 2 === 1 && !STRONG_RTL.has(type);
      if (cur && cur.level === level && cur.neutral === neutral) cur.text += g;
      else {
        cur = { ...u, text: g, level, neutral };
        split.push(cur);
      }
      offset += g.length;
    }
  }
  for (const s of split) {
    if (s.level % 2 === 1 && s.neutral) s.text = graphemes(s.text).reverse().map((g) => bidi.getMirroredCharacter(g) ?? g).join("");
  }
  const maxLevel = Math.max(0, ...split.map((s) => s.level));
  const lowestOdd = Math.min(...split.map((s) => s.level).filter((l) => l % 2 === 1), maxLevel + 1);
  for (let k = maxLevel; k >= lowestOdd; k--) {
    for (let i = 0; i < split.length; ) {
      if (split[i]!.level < k) {
        i++;
        continue;
      }
      let j = i;
      while (j < split.length && split[j]!.level >= k) j++;
      const run = split.slice(i, j).reverse();
      split.splice(i, j - i, ...run);
      i = j;
    }
  }
  return split.map(({ text: t, family, sizeFactor, word }) => ({ text: t, family, sizeFactor, word }));
}
