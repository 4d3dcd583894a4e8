/**
 * The glyph check: which characters of a text no installed font can draw.
 *
 * Coverage is fontconfig's (the same charsets libass consults for its font fallback), restricted to outline
 * faces because libass draws nothing else (a bitmap-only colour emoji font does not count). The check is
 * grapheme-aware: a ZWJ family, a flag or a letter with combining marks is one user-perceived character and is
 * reported once, as the user typed it. Inside a grapheme, format characters that are drawn as nothing when a font
 * lacks them (ZWJ, variation selectors, bidi marks, tags: Unicode's Default_Ignorable_Code_Point) are not
 * required; every other code point must be covered by some installed face.
 *
 * Used before money is spent (the campaign form and page warn, naming the characters) and by the render's QA.
 */
import { type InstalledFace, installedFaces, mergeRanges, rangesCover } from "./fonts";

/** One user-perceived character that no installed font can draw. */
export interface MissingGlyph {
  /** The grapheme as written, e.g. `🦉` or `👨‍👩‍👧`. */
  grapheme: string;
  /** Its code points no face covers, as `U+1F989`. */
  codePoints: string[];
  /** How often it occurs in the texts checked. */
  count: number;
}

/** Code points that need no glyph: whitespace, controls and default-ignorable format characters. */
const NEEDS_NO_GLYPH = /[\p{White_Space}\p{Cc}\p{Default_Ignorable_Code_Point}]/u;

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** The union of what a list of faces covers; only outline faces count (libass draws nothing else). */
export function drawableCoverage(faces: readonly InstalledFace[]): Uint32Array {
  return mergeRanges(faces.filter((f) => f.outline).map((f) => f.ranges));
}

export function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The graphemes of `texts` that `coverage` cannot draw, each once, in order of first appearance. */
export function missingGlyphsIn(texts: string | readonly string[], coverage: Uint32Array): MissingGlyph[] {
  const found = new Map<string, MissingGlyph>();
  for (const text of typeof texts === "string" ? [texts] : texts) {
    for (const { segment } of segmenter.segment(text)) {
      const seen = found.get(segment);
      if (seen) {
        seen.count++;
        continue;
      }
      const missing: string[] = [];
      for (const ch of segment) {
        if (NEEDS_NO_GLYPH.test(ch)) continue;
        const cp = ch.codePointAt(0)!;
        if (!rangesCover(coverage, cp)) missing.push(codePointLabel(cp));
      }
      if (missing.length > 0) found.set(segment, { grapheme: segment, codePoints: missing, count: 1 });
    }
  }
  return [...found.values()];
}

let coverageP: Promise<Uint32Array> | null = null;

/**
 * The characters of `texts` (strings or a list of them) that no installed font can draw, or `[]`.
 * Reads the installed fonts once per process (`fc-list`); throws when fontconfig is missing.
 */
export async function findMissingGlyphs(texts: string | readonly string[]): Promise<MissingGlyph[]> {
  coverageP ??= installedFaces().then(drawableCoverage);
  try {
    return missingGlyphsIn(texts, await coverageP);
  } catch (e) {
    coverageP = null;
    throw e;
  }
}

/** Forget the cached coverage (after fonts were installed or removed). */
export function resetGlyphCoverage(): void {
  coverageP = null;
}

/** A short human sentence naming the characters, e.g. `no installed font can draw 🦉 (U+1F989), ☃ (U+2603)`. */
export function describeMissingGlyphs(missing: readonly MissingGlyph[], max = 12): string {
  if (missing.length === 0) return "";
  const named = missing.slice(0, max).map((m) => `${m.grapheme} (${m.codePoints.join(" ")})`);
  const more = missing.length > max ? ` and ${missing.length - max} more` : "";
  return `no installed font can draw ${named.join(", ")}${more}`;
}
