/**
 * The installed fonts as libass sees them: fontconfig's list of faces with the characters each covers.
 *
 * Glossary
 * - face: one font in one file (a .ttc holds several), with its family names, weight and coverage.
 * - coverage: the Unicode code points a face maps to a glyph (fontconfig's charset, i.e. its cmap).
 * - outline face: a face whose glyphs are vectors. libass 0.17 draws only those; a bitmap-only face such as
 *   Noto Color Emoji (CBDT) is listed by fontconfig but draws nothing through libass, so it covers nothing here.
 *
 * The list comes from `fc-list` (package `fontconfig`), read once per process; `resetInstalledFaces()` forgets it
 * (tests, or after installing fonts).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface InstalledFace {
  /** Family names, the first being fontconfig's primary one (e.g. `Noto Sans CJK JP`). */
  families: string[];
  file: string;
  /** Face index inside the file (a .ttc collection holds several). */
  index: number;
  /** fontconfig weight: 80 regular, 200 bold. */
  weight: number;
  /** fontconfig width: 100 normal, 87 condensed. */
  width: number;
  /** Italic or oblique. */
  italic: boolean;
  /** Glyphs are outlines (false: bitmap-only, e.g. colour emoji in CBDT). */
  outline: boolean;
  /** Colour glyphs (CBDT, COLR, sbix). */
  color: boolean;
  /** Covered code points as sorted, disjoint inclusive ranges: [from0, to0, from1, to1, ...]. */
  ranges: Uint32Array;
}

/** A set of code points as sorted, disjoint inclusive ranges. */
export function rangesCover(ranges: Uint32Array, cp: number): boolean {
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[mid * 2]!) hi = mid - 1;
    else if (cp > ranges[mid * 2 + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Parse fontconfig's charset text (`20-7e a0 100-17f`, hex) into ranges. */
export function parseCharset(text: string): Uint32Array {
  const out: number[] = [];
  for (const part of text.trim().split(/\s+/)) {
    if (part === "") continue;
    const [a, b] = part.split("-");
    const from = parseInt(a!, 16);
    const to = b === undefined ? from : parseInt(b, 16);
    if (Number.isNaN(from) || Number.isNaN(to)) continue;
    const last = out.length - 1;
    if (last > 0 && from <= out[last]! + 1) out[last] = Math.max(out[last]!, to);
    else out.push(from, to);
  }
  return Uint32Array.from(out);
}

/** Union of several range sets. */
export function mergeRanges(sets: readonly Uint32Array[]): Uint32Array {
  const pairs: [number, number][] = [];
  for (const s of sets) for (let i = 0; i < s.length; i += 2) pairs.push([s[i]!, s[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [from, to] of pairs) {
    const last = out.length - 1;
    if (last > 0 && from <= out[last]! + 1) out[last] = Math.max(out[last]!, to);
    else out.push(from, to);
  }
  return Uint32Array.from(out);
}

const FORMAT = "%{family}\\t%{file}\\t%{index}\\t%{weight}\\t%{width}\\t%{slant}\\t%{outline}\\t%{color}\\t%{charset}\\n";

let cached: Promise<InstalledFace[]> | null = null;

/**
 * Every face fontconfig knows, outline or not (filter on `outline` for what libass can draw).
 * Throws when `fc-list` is missing, naming the package to install.
 */
export function installedFaces(): Promise<InstalledFace[]> {
  cached ??= (async () => {
    let stdout: string;
    try {
      ({ stdout } = await run("fc-list", ["--format", FORMAT], { maxBuffer: 256 * 1024 * 1024 }));
    } catch (e) {
      cached = null;
      throw new Error("cannot list the installed fonts: fc-list failed (install it with: apt-get install fontconfig)", { cause: e });
    }
    const faces: InstalledFace[] = [];
    for (const line of stdout.split("\n")) {
      const [family, file, index, weight, width, slant, outline, color, charset] = line.split("\t");
      if (!family || !file || charset === undefined) continue;
      faces.push({
        families: family.split(",").map((f) => f.replace(/\\-/g, "-")),
        file,
        index: Number(index) || 0,
        weight: Number(weight) || 80,
        width: Number(width) || 100,
        italic: Number(slant) > 0,
        outline: outline !== "False",
        color: color === "True",
        ranges: parseCharset(charset),
      });
    }
    // Stable order: fontconfig's listing order varies between cache rebuilds.
    faces.sort((a, b) => (a.file === b.file ? a.index - b.index : a.file < b.file ? -1 : 1));
    return faces;
  })();
  return cached;
}

/** Forget the cached list (after fonts were installed or removed). */
export function resetInstalledFaces(): void {
  cached = null;
}

/**
 * The face libass would open for `family` (any of a face's names, case-insensitive) in bold or regular:
 * upright, normal width, weight nearest 200 (bold) or 80 (regular). Null when no outline face has that name.
 */
export function pickFace(faces: readonly InstalledFace[], family: string, bold: boolean): InstalledFace | null {
  const name = family.toLowerCase();
  const target = bold ? 200 : 80;
  let best: InstalledFace | null = null;
  let bestScore = Infinity;
  for (const f of faces) {
    if (!f.outline || !f.families.some((n) => n.toLowerCase() === name)) continue;
    const score = Math.abs(f.weight - target) + (f.italic ? 1000 : 0) + Math.abs(f.width - 100) * 10 + (f.families[0]!.toLowerCase() === name ? 0 : 1);
    if (score < bestScore) {
      best = f;
      bestScore = score;
    }
  }
  return best;
}
