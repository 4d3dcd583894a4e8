/**
 * Text measurement the way libass measures it: HarfBuzz (the same shaper libass uses, here compiled to wasm by
 * the `harfbuzzjs` package) over the same font files, scaled as libass scales them.
 *
 * libass (like VSFilter) sizes a font so that its Windows ascent + descent (OS/2 usWinAscent + usWinDescent, else
 * hhea ascender - descender) equals the ASS font size in pixels. So a width in pixels is
 * `sum(HarfBuzz advances in font units) * sizePx / (winAscent + winDescent)`, which is what `advance()` returns
 * per pixel of font size. The caption layout multiplies by its font size and adds its safety margins.
 */
import { readFileSync } from "node:fs";
import type * as HarfBuzzModule from "harfbuzzjs";
import { type InstalledFace } from "./fonts";

type HarfBuzz = typeof HarfBuzzModule;
type HbFont = InstanceType<HarfBuzz["Font"]>;

interface LoadedFont {
  font: HbFont;
  /** usWinAscent + usWinDescent (or hhea ascender - descender), in font units. */
  emHeight: number;
  upem: number;
}

export class TextShaper {
  private readonly fonts = new Map<string, LoadedFont>();
  private readonly widths = new Map<string, number>();

  private readonly files = new Map<string, Uint8Array | null>();

  private constructor(private readonly hb: HarfBuzz) {}

  /** A shaper; each font file is read on its first use (and kept). */
  static async create(): Promise<TextShaper> {
    return new TextShaper(await import("harfbuzzjs"));
  }

  private file(path: string): Uint8Array | null {
    if (!this.files.has(path)) {
      try {
        this.files.set(path, new Uint8Array(readFileSync(path)));
      } catch {
        this.files.set(path, null);
      }
    }
    return this.files.get(path)!;
  }

  private load(face: InstalledFace): LoadedFont | null {
    const key = `${face.file}#${face.index}`;
    const hit = this.fonts.get(key);
    if (hit) return hit;
    const data = this.file(face.file);
    if (!data) return null;
    const hbFace = new this.hb.Face(new this.hb.Blob(data), face.index);
    const font = new this.hb.Font(hbFace);
    const os2 = hbFace.referenceTable("OS/2");
    const hhea = hbFace.referenceTable("hhea");
    let emHeight = 0;
    if (os2 && os2.length >= 78) {
      const v = new DataView(os2.buffer, os2.byteOffset, os2.byteLength);
      emHeight = v.getInt16(74) + v.getInt16(76);
    }
    if (emHeight <= 0 && hhea && hhea.length >= 8) {
      const v = new DataView(hhea.buffer, hhea.byteOffset, hhea.byteLength);
      emHeight = v.getInt16(4) - v.getInt16(6);
    }
    if (emHeight <= 0) emHeight = hbFace.upem;
    const loaded = { font, emHeight, upem: hbFace.upem };
    this.fonts.set(key, loaded);
    return loaded;
  }

  /** Windows ascent + descent over units per em: how much smaller than its size libass draws this face's em. */
  emRatio(face: InstalledFace): number {
    const loaded = this.load(face);
    return loaded ? loaded.emHeight / loaded.upem : 1;
  }

  /**
   * Width of `text` shaped as one run in `face`, in pixels per pixel of ASS font size (multiply by the size).
   * Falls back to 0.6 per grapheme when the face's file cannot be read.
   */
  advance(face: InstalledFace, text: string): number {
    const key = `${face.file}#${face.index}\u0000${text}`;
    const hit = this.widths.get(key);
    if (hit !== undefined) return hit;
    const loaded = this.load(face);
    let width: number;
    if (!loaded) {
      width = 0.6 * [...new Intl.Segmenter().segment(text)].length;
    } else {
      const buffer = new this.hb.Buffer();
      buffer.addText(text);
      buffer.guessSegmentProperties();
      this.hb.shape(loaded.font, buffer);
      let sum = 0;
      for (const p of buffer.getGlyphPositions()) sum += p.xAdvance;
      width = sum / loaded.emHeight;
    }
    this.widths.set(key, width);
    return width;
  }
}
