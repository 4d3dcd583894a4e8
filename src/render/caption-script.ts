/**
 * Which font draws which part of a caption: text split into runs by script, each run given the first font of its
 * fallback chain that covers all of it, and measured with that font.
 *
 * The chain, per script (the fonts the setup installs; see the README's font list):
 * - Latin, Greek, Cyrillic, digits and punctuation: the caption style's font first;
 * - Han, kana, Bopomofo: Noto Sans CJK in the variant of the cue (JP when it has kana, KR with Hangul, else SC),
 *   then the other variants; Hangul: Noto Sans CJK KR;
 * - emoji (a grapheme with emoji presentation, a ZWJ sequence, a skin tone, a flag or a keycap): in colour, as
 *   drawings from Noto Color Emoji (emoji-art.ts) when `CaptionFonts.emoji` has the grapheme; else Symbola's outlines
 *   (libass draws no colour bitmaps);
 * - any other script: `Noto Sans <Script>` (Arabic, Hebrew, Devanagari, Thai ...);
 * then the style's font, then every other installed outline face (Noto Sans first, then DejaVu).
 * Characters of no script of their own (spaces, punctuation, combining marks) join the run before them.
 * Fonts are chosen here and written into the .ass explicitly (`\fn`), so what libass draws is what was measured.
 */
import { COLOR_EMOJI_FAMILY, type EmojiBook, emojiAdvance } from "./emoji-art";
import { type InstalledFace, pickFace, rangesCover } from "./fonts";
import { type Hyphenator } from "./hyphenate";
import { type TextShaper } from "./text-shape";

const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u20E3|\u200D\p{Extended_Pictographic}/u;
/** Skin-tone modifiers: a monochrome emoji font draws them as a swatch beside the emoji, so they are dropped there. */
const SKIN_TONE = /\p{Emoji_Modifier}/gu;
const NEEDS_NO_GLYPH = /[\p{White_Space}\p{Cc}\p{Default_Ignorable_Code_Point}]/u;
const SCRIPTS = [
  "Latin", "Greek", "Cyrillic", "Armenian", "Hebrew", "Arabic", "Syriac", "Thaana", "Devanagari", "Bengali", "Gurmukhi",
  "Gujarati", "Oriya", "Tamil", "Telugu", "Kannada", "Malayalam", "Sinhala", "Thai", "Lao", "Tibetan", "Myanmar",
  "Georgian", "Hangul", "Ethiopic", "Khmer", "Mongolian", "Hiragana", "Katakana", "Bopomofo", "Han",
].map((name) => [name, new RegExp(`^\\p{Script=${name}}`, "u")] as const);
const CJK = new Set(["Han", "Hiragana", "Katakana", "Bopomofo"]);
const LATINISH = new Set(["Latin", "Greek", "Cyrillic"]);

export const graphemes = (text: string): string[] => [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text)].map((s) => s.segment);

/** The script class of a grapheme: a Unicode script name, `Emoji`, or null (common: joins its neighbour). */
export function scriptOf(grapheme: string): string | null {
  if (EMOJI.test(grapheme)) return "Emoji";
  for (const [name, re] of SCRIPTS) if (re.test(grapheme)) return name;
  return null;
}

/** Scripts written without spaces between words (a break may fall between any two of their words). */
export function isSpacelessScript(script: string | null): boolean {
  return script !== null && (CJK.has(script) || ["Thai", "Lao", "Khmer", "Myanmar"].includes(script));
}

/** Han and kana: a space between two of their words is never wanted (Thai keeps its phrase spaces). */
export function isCjkScript(script: string | null): boolean {
  return script !== null && CJK.has(script);
}

/** One run of a caption: text drawn by one font. */
export interface FontRun {
  text: string;
  /** Family written as `\fn` (a name libass finds through fontconfig). */
  family: string;
  /** Width in pixels per pixel of the caption's font size (multiply by the size), at `sizeFactor`. */
  advance: number;
  /**
   * Font size of this run relative to the caption's, so every font's em is about as large as the style font's
   * (libass sizes a font by its Windows ascent + descent, which is tall in e.g. Noto Sans Arabic: drawn at the
   * same size its letters would look half as big). Capped at `MAX_SIZE_FACTOR`.
   */
  sizeFactor: number;
}

/** The most a fallback font is enlarged to match the style font's em (keeps tall-metric fonts' lines in bounds). */
export const MAX_SIZE_FACTOR = 1.5;

export interface CaptionFonts {
  faces: readonly InstalledFace[];
  shaper: TextShaper;
  /** The caption style's font family. */
  family: string;
  bold: boolean;
  /** Hyphenation points for words wider than a line (the captions' language). */
  hyphenate: Hyphenator;
  /** Colour drawings of the emoji in the text (emoji-art.ts); an emoji not in it is drawn with the outline font. */
  emoji?: EmojiBook;
}

/**
 * CJK variant (the glyph forms of Han characters differ by region): from the captions' language when it is
 * Chinese, Japanese or Korean (zh-TW/zh-Hant -> TC, zh-HK -> HK), else JP when the cue has kana, KR when it has
 * Hangul, else SC.
 */
export function cjkVariant(text: string, language = ""): "JP" | "KR" | "SC" | "TC" | "HK" {
  const tag = language.toLowerCase();
  if (tag.startsWith("ja")) return "JP";
  if (tag.startsWith("ko")) return "KR";
  if (tag.startsWith("zh")) return /-hk\b/.test(tag) ? "HK" : /-(tw|mo|hant)\b/.test(tag) ? "TC" : "SC";
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return "JP";
  if (/\p{Script=Hangul}/u.test(text)) return "KR";
  return "SC";
}

function preferred(script: string | null, variant: string): string[] {
  if (script === null || LATINISH.has(script)) return [];
  if (script === "Emoji") return ["Symbola", "Noto Emoji"];
  if (script === "Hangul") return ["Noto Sans CJK KR"];
  if (CJK.has(script)) return [variant, "JP", "SC", "TC", "KR", "HK"].map((v) => `Noto Sans CJK ${v}`);
  return [`Noto Sans ${script}`];
}

function coversAll(face: InstalledFace, text: string): boolean {
  for (const ch of text) {
    if (NEEDS_NO_GLYPH.test(ch)) continue;
    if (!rangesCover(face.ranges, ch.codePointAt(0)!)) return false;
  }
  return true;
}

/** Font runs of `text` with their measured advances. */
export function fontRuns(text: string, fonts: CaptionFonts, variant: string): FontRun[] {
  const faceOf = (family: string) => pickFace(fonts.faces, family, fonts.bold);
  const style = faceOf(fonts.family);
  const generic = [...fonts.faces]
    .filter((f) => f.outline)
    .sort((a, b) => rank(a) - rank(b));
  const choose = (script: string | null, part: string): { family: string; face: InstalledFace | null } => {
    for (const family of [...preferred(script, variant), fonts.family]) {
      const face = family === fonts.family ? style : faceOf(family);
      if (face && coversAll(face, part)) return { family, face };
    }
    const face = generic.find((f) => coversAll(f, part));
    const fallback = face ? pickFace(fonts.faces, face.families[0]!, fonts.bold) ?? face : null;
    return face ? { family: face.families[0]!, face: fallback } : { family: fonts.family, face: style };
  };
  // Group graphemes by script; common ones join the group before them (or after, at the start).
  const groups: { script: string | null; text: string }[] = [];
  for (const g of graphemes(text)) {
    const s = scriptOf(g);
    const last = groups.at(-1);
    if (last && (s === null || s === last.script)) last.text += g;
    else if (last && last.script === null) {
      last.script = s;
      last.text += g;
    } else groups.push({ script: s, text: g });
  }
  const runs: { text: string; family: string; face: InstalledFace | null }[] = [];
  const push = (part: string, family: string, face: InstalledFace | null) => {
    const last = runs.at(-1);
    if (last && last.family === family) last.text += part;
    else runs.push({ text: part, family, face });
  };
  for (const group of groups) {
    if (group.script === "Emoji" && fonts.emoji) {
      // Colour emoji are drawings, one per grapheme (emoji-art.ts); the others fall back to an outline font.
      let rest = "";
      const flush = () => {
        if (rest) push(rest, choose("Emoji", rest).family, choose("Emoji", rest).face);
        rest = "";
      };
      for (const g of graphemes(group.text)) {
        if (fonts.emoji.has(g)) {
          flush();
          push(g, COLOR_EMOJI_FAMILY, null);
        } else rest += g;
      }
      flush();
      continue;
    }
    const whole = choose(group.script, group.text);
    if (whole.face && coversAll(whole.face, group.text)) push(group.text, whole.family, whole.face);
    else for (const g of graphemes(group.text)) {
      const one = choose(group.script, g);
      push(g, one.family, one.face);
    }
  }
  const styleEm = style ? fonts.shaper.emRatio(style) : 1;
  return runs.map(({ text: t, family, face }) => {
    if (family === COLOR_EMOJI_FAMILY && fonts.emoji) {
      const advance = graphemes(t).reduce((a, g) => a + (fonts.emoji!.has(g) ? emojiAdvance(fonts.emoji!.get(g)!) : 0), 0);
      return { text: t, family, sizeFactor: 1, advance };
    }
    const sizeFactor = face && face !== style ? Math.min(MAX_SIZE_FACTOR, Math.max(1, fonts.shaper.emRatio(face) / styleEm)) : 1;
    const drawn = family === "Symbola" || family === "Noto Emoji" ? t.replace(SKIN_TONE, "") : t;
    return { text: drawn, family, sizeFactor, advance: (face ? fonts.shaper.advance(face, drawn) : 0.6 * graphemes(drawn).length) * sizeFactor };
  });
}

/** Generic fallback order: Noto Sans first, then DejaVu Sans, then the rest. */
function rank(f: InstalledFace): number {
  const n = f.families[0]!;
  return n.startsWith("Noto Sans") && !n.includes("Mono") ? 0 : n === "DejaVu Sans" ? 1 : 2;
}
