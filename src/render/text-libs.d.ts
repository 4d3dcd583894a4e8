/** Types for the two small text libraries the caption layout uses (neither ships its own). */
declare module "bidi-js" {
  interface EmbeddingLevels {
    /** One level per UTF-16 code unit: even = left-to-right, odd = right-to-left. */
    levels: Uint8Array;
    paragraphs: { start: number; end: number; level: number }[];
  }
  interface Bidi {
    getEmbeddingLevels(text: string, direction?: "ltr" | "rtl" | "auto"): EmbeddingLevels;
    getMirroredCharacter(char: string): string | null;
    getBidiCharTypeName(char: string): string;
  }
  export default function bidiFactory(): Bidi;
}

declare module "linebreak" {
  /** UAX #14 line breaking: each break is a position before which a line may (or must) end. */
  export default class LineBreaker {
    constructor(text: string);
    nextBreak(): { position: number; required: boolean } | null;
  }
}

declare module "hyphen/*" {
  /** The text with `hyphenChar` (default U+00AD soft hyphen) at every hyphenation point of its words. */
  export function hyphenateSync(text: string, options?: { hyphenChar?: string; minWordLength?: number }): string;
}
