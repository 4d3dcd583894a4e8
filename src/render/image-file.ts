/**
 * Image files of every kind, read the same way at upload and in the render: the format by content (magic bytes),
 * completeness by structure (a file cut short after its header is refused), then one full decode by sharp (libvips),
 * which also reads what ffmpeg 5.1 here cannot or reads wrongly: animated WebP, EXIF orientation, CMYK (through
 * its ICC profile), 16-bit samples.
 *
 * Decisions (issue 10, item 5):
 * - Animated GIF, WebP and APNG: the first frame is used, as a still (never a clip).
 * - HEIC/HEIF, AVIF, JPEG XL, TIFF, BMP, SVG, PSD and ICO are refused, naming the format: ffmpeg 5.1 here cannot
 *   decode HEIC or AVIF stills (its mov demuxer reports "partial file"), and the others are not photos a phone or a
 *   design tool exports for the web.
 * - Transparency (8/16-bit, palette + tRNS, grey + alpha, RGBA, GIF, WebP) is flattened onto a backdrop colour
 *   chosen to contrast with the image's opaque pixels (`pickBackdrop`), never onto black.
 */
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp, { type Metadata, type Sharp } from "sharp";

/** Formats accepted everywhere (upload and render). */
export type ImageFormat = "png" | "jpeg" | "webp" | "gif";

export interface SniffedFormat {
  format: ImageFormat;
  mime: string;
  ext: string;
}

/** A format recognised by its signature but refused, with the name users know it by. */
export interface RefusedFormat {
  refused: string;
}

const ascii = (b: Buffer, from: number, to: number) => b.subarray(from, to).toString("latin1");

/**
 * The image format from the first bytes. Returns null for bytes that are no image we know.
 * ISO-BMFF images (HEIC/HEIF/AVIF) are told apart by the `ftyp` box's major and compatible brands.
 */
export function sniffFormat(b: Buffer): SniffedFormat | RefusedFormat | null {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { format: "png", mime: "image/png", ext: "png" };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { format: "jpeg", mime: "image/jpeg", ext: "jpg" };
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return { format: "webp", mime: "image/webp", ext: "webp" };
  if (/^GIF8[79]a/.test(ascii(b, 0, 6))) return { format: "gif", mime: "image/gif", ext: "gif" };
  if (b.length >= 12 && ascii(b, 4, 8) === "ftyp") {
    const size = Math.min(b.readUInt32BE(0), b.length, 256);
    const brands = [ascii(b, 8, 12)];
    for (let o = 16; o + 4 <= size; o += 4) brands.push(ascii(b, o, o + 4));
    if (brands.some((x) => x === "avif" || x === "avis")) return { refused: "AVIF" };
    if (brands.some((x) => /^(heic|heix|heim|heis|hevc|hevx|hevm|hevs|mif1|msf1)$/.test(x))) return { refused: "HEIC/HEIF" };
    return null;
  }
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0x0a) return { refused: "JPEG XL" };
  if (b.length >= 12 && ascii(b, 4, 8) === "JXL ") return { refused: "JPEG XL" };
  if (ascii(b, 0, 4) === "II*\0" || ascii(b, 0, 4) === "MM\0*") return { refused: "TIFF" };
  if (ascii(b, 0, 2) === "BM" && b.length >= 14 && b.readUInt32LE(2) === b.length) return { refused: "BMP" };
  if (ascii(b, 0, 4) === "8BPS") return { refused: "Photoshop (PSD)" };
  if (b.length >= 4 && b.readUInt32BE(0) === 0x00000100) return { refused: "ICO" };
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(ascii(b, 0, 1024))) return { refused: "SVG" };
  return null;
}

/**
 * Whether the file holds its whole structure, for the formats whose decoders accept a cut file silently (libvips
 * and ffmpeg both draw a truncated PNG or GIF with the missing rows blank). PNG: every chunk is whole and IEND is
 * reached. GIF: every block is whole and the trailer (0x3B) is reached. WebP: the RIFF size fits in the file.
 * JPEG is left to the decoder (libjpeg reports "premature end"; bytes after EOI, as phones append, are allowed).
 * Returns null when complete, else why not.
 */
export function incompleteReason(b: Buffer, format: ImageFormat): string | null {
  if (format === "png") {
    let o = 8;
    while (o + 12 <= b.length) {
      const len = b.readUInt32BE(o);
      const type = ascii(b, o + 4, o + 8);
      if (o + 12 + len > b.length) return `the ${type} chunk at byte ${o} is cut short`;
      if (type === "IEND") return null;
      o += 12 + len;
    }
    return "it ends before the PNG's IEND chunk";
  }
  if (format === "gif") {
    let o = 13;
    if (b.length < 13) return "it ends inside the GIF header";
    const flags = b[10]!;
    if (flags & 0x80) o += 3 * (1 << ((flags & 7) + 1));
    const subBlocks = (p: number): number => {
      while (p < b.length) {
        const n = b[p]!;
        if (n === 0) return p + 1;
        p += 1 + n;
      }
      return -1;
    };
    while (o < b.length) {
      const tag = b[o]!;
      if (tag === 0x3b) return null;
      if (tag === 0x21) {
        o = subBlocks(o + 2);
      } else if (tag === 0x2c) {
        if (o + 10 > b.length) break;
        const f = b[o + 9]!;
        o += 10;
        if (f & 0x80) o += 3 * (1 << ((f & 7) + 1));
        o = subBlocks(o + 1); // LZW minimum code size, then the image data
      } else {
        return `unexpected byte 0x${tag.toString(16)} at ${o} (a damaged GIF)`;
      }
      if (o < 0) break;
    }
    return "it ends before the GIF's trailer";
  }
  if (format === "webp") {
    const size = b.readUInt32LE(4);
    return 8 + size > b.length ? `the file has ${b.length} bytes of the ${8 + size} its header declares` : null;
  }
  return null;
}

/** What one full decode tells about an image (sizes as displayed: EXIF orientation applied). */
export interface DecodedImage extends SniffedFormat {
  width: number;
  height: number;
  /** Frames in the file (1 for a still; the first is used). */
  frames: number;
  hasAlpha: boolean;
  /** EXIF orientation 1..8 (1 = as stored). */
  orientation: number;
  /** libvips' interpretation: "srgb", "b-w", "cmyk", "rgb16", "grey16", ... */
  space: string;
  /** Bits per sample: 8 or 16. */
  bitDepth: number;
  /** Stored with a palette (PNG colour type 3, GIF): ffmpeg decodes it as pal8, a format with alpha. */
  palette: boolean;
}

/** A refusal worth showing the user as it is (format, truncation, size, decode failure). */
export class ImageFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageFileError";
  }
}

export interface DecodeLimits {
  /** Largest accepted width x height (pixels, as stored). */
  maxPixels: number;
  /** Cap on the full decode, seconds (sharp's `timeout`: the decode is stopped and refused beyond it). */
  timeoutSec: number;
}

/** Upload limits: 40 megapixels (issue 10: "images over 40 megapixels are refused"), 15 s to decode. */
export const UPLOAD_LIMITS: DecodeLimits = { maxPixels: 40_000_000, timeoutSec: 15 };

const depthBits: Record<string, number> = { uchar: 8, char: 8, ushort: 16, short: 16, uint: 32, int: 32, float: 32, double: 64 };

/**
 * Identifies `bytes` from its header only (no pixel decoded): format by content, structure complete, size within
 * `limits.maxPixels`. Throws ImageFileError (without a file name: callers prefix their own label).
 */
export async function inspectImage(bytes: Buffer, limits: DecodeLimits): Promise<DecodedImage> {
  if (bytes.length === 0) throw new ImageFileError("the file is empty");
  const kind = sniffFormat(bytes);
  if (!kind) throw new ImageFileError("not a PNG, JPEG, WebP or GIF image (checked by content)");
  if ("refused" in kind) throw new ImageFileError(`${kind.refused} images are not supported here: export it as JPEG or PNG`);
  const cut = incompleteReason(bytes, kind.format);
  if (cut) throw new ImageFileError(`the image is truncated (${cut})`);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new ImageFileError(`the image could not be decoded (corrupt or truncated?): ${(e as Error).message}`);
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w * h > limits.maxPixels) {
    throw new ImageFileError(`${w}x${h} is too large (${((w * h) / 1e6).toFixed(1)} megapixels; at most ${limits.maxPixels / 1e6})`);
  }
  const orientation = meta.orientation ?? 1;
  const swap = orientation >= 5;
  return {
    ...kind,
    width: swap ? h : w,
    height: swap ? w : h,
    frames: meta.pages ?? 1,
    hasAlpha: meta.hasAlpha ?? false,
    orientation,
    space: meta.space ?? "srgb",
    bitDepth: depthBits[meta.depth ?? "uchar"] ?? 8,
    palette: meta.isPalette ?? false,
  };
}

/** A sharp pipeline over the first frame of `bytes`, EXIF orientation applied, failing on truncation and past the limits. */
function openFirstFrame(bytes: Buffer, limits: DecodeLimits): Sharp {
  return sharp(bytes, { failOn: "truncated", limitInputPixels: limits.maxPixels, page: 0, pages: 1, autoOrient: true }).timeout({ seconds: limits.timeoutSec });
}

function decodeFailure(e: unknown, limits: DecodeLimits): ImageFileError {
  const m = (e as Error).message;
  if (/timeout/i.test(m)) return new ImageFileError(`decoding took longer than ${limits.timeoutSec} s`);
  return new ImageFileError(`the image could not be decoded (corrupt or truncated?): ${m}`);
}

/**
 * `inspectImage`, then one full decode of the first frame (every byte of its pixel data read: libjpeg, libpng,
 * libwebp and libnsgif errors surface here; the pixels are reduced to at most 2048 px a side on the way, so memory
 * stays small). Throws ImageFileError, also for a decode slower than `limits.timeoutSec`.
 */
export async function decodeImage(bytes: Buffer, limits: DecodeLimits = UPLOAD_LIMITS): Promise<DecodedImage> {
  const d = await inspectImage(bytes, limits);
  try {
    await openFirstFrame(bytes, limits).resize(2048, 2048, { fit: "inside", withoutEnlargement: true }).raw().toBuffer();
  } catch (e) {
    throw decodeFailure(e, limits);
  }
  return d;
}

// --- Backdrops for transparency ---------------------------------------------------------------------------------

const channel = (v: number) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
/** WCAG 2 relative luminance (0..1) of 8-bit sRGB. */
export function relativeLuminance(r: number, g: number, b: number): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}
/** WCAG 2 contrast ratio (1..21) of two relative luminances. */
export function contrastRatio(l1: number, l2: number): number {
  return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
}
const rgbOf = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

/** Contrast a flattened image's content needs against its backdrop to read as a shape: 3:1 (WCAG 2 for graphics). */
export const MIN_BACKDROP_CONTRAST = 3;

/**
 * The backdrop colour for a transparent image: the first of `candidates` (`#rrggbb`, in order of preference, e.g.
 * the brand colour first) against which at least half of the image's visible pixels (alpha >= 50%) reach 3:1
 * contrast; when none does, the candidate where most do. `rgba` is RGBA8 pixels (any size; a 64 px thumbnail is
 * plenty). An image with no visible pixel gets the first candidate.
 */
export function pickBackdrop(rgba: Uint8Array, candidates: readonly string[]): { color: string; share: number } {
  if (candidates.length === 0) throw new Error("pickBackdrop: no candidate colour");
  const lums: number[] = [];
  for (let i = 0; i + 3 < rgba.length; i += 4) if (rgba[i + 3]! >= 128) lums.push(relativeLuminance(rgba[i]!, rgba[i + 1]!, rgba[i + 2]!));
  if (lums.length === 0) return { color: candidates[0]!, share: 1 };
  let best = { color: candidates[0]!, share: -1 };
  for (const c of candidates) {
    const lc = relativeLuminance(...rgbOf(c));
    const share = lums.filter((l) => contrastRatio(l, lc) >= MIN_BACKDROP_CONTRAST).length / lums.length;
    if (share >= 0.5) return { color: c, share };
    if (share > best.share) best = { color: c, share };
  }
  return best;
}

/** `#rrggbb` mixed `amount` (0..1) toward white or black. */
function tint(hex: string, amount: number, to: 0 | 255): string {
  return `#${rgbOf(hex).map((v) => Math.round(v + (to - v) * amount).toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Backdrop candidates for a scene in a brand's colours: the primary (what colour backdrops and cards use), the
 * secondary, then a light and a dark tint of the primary (so a logo of any lightness finds a brand-toned backdrop).
 */
export function brandBackdrops(primary: string, secondary: string): string[] {
  return [primary, secondary, tint(primary, 0.85, 255), tint(primary, 0.8, 0)];
}

// --- Render: stills ffmpeg can take as they are ------------------------------------------------------------------

/** Bumped when `prepareStill`'s output changes for the same input (it is part of the clip cache key). */
export const STILL_PREP_VERSION = 1;

export interface PreparedStill {
  /** The file to give ffmpeg: the source itself, or a normalised 8-bit sRGB PNG without alpha. */
  path: string;
  width: number;
  height: number;
  /** Why the source was normalised (empty: used as it is). */
  reasons: string[];
  /** The colour transparency was flattened onto, or null (no alpha). */
  flattenedOnto: string | null;
  /**
   * Whether ffmpeg decodes `path` to a pixel format with alpha (what `checkImage` reports as `hasAlpha`): only a
   * source used as it is can, an opaque palette PNG (pal8); a normalised PNG is RGB.
   */
  decodesWithAlpha: boolean;
}

/** What about a decoded image needs normalising before ffmpeg reads it (empty: nothing). */
export function normaliseReasons(d: Pick<DecodedImage, "format" | "frames" | "hasAlpha" | "orientation" | "space" | "bitDepth">): string[] {
  const r: string[] = [];
  if (d.format === "webp" || d.format === "gif") r.push(d.format);
  if (d.frames > 1) r.push("animated: first frame");
  if (d.hasAlpha) r.push("transparency");
  if (d.orientation > 1) r.push(`EXIF orientation ${d.orientation}`);
  if (d.space !== "srgb" && d.space !== "b-w") r.push(d.space === "cmyk" ? "CMYK" : `colour space ${d.space}`);
  if (d.bitDepth !== 8) r.push(`${d.bitDepth}-bit`);
  return r;
}

/**
 * A still for the render: inspected (`inspectImage` with `limits`) and, when ffmpeg would read it wrongly or not at
 * all (see `normaliseReasons`), decoded once by sharp and written into `workDir` as an 8-bit sRGB PNG of its first
 * frame, EXIF rotation applied, transparency flattened onto `pickBackdrop(image, backdrops)`. A still that needs
 * nothing is returned as it is (ffmpeg decodes it). Throws ImageFileError.
 */
export async function prepareStill(path: string, opts: { workDir: string; backdrops: readonly string[]; limits: DecodeLimits }): Promise<PreparedStill> {
  const bytes = await readFile(path);
  const d = await inspectImage(bytes, opts.limits);
  const reasons = normaliseReasons(d);
  if (reasons.length === 0) return { path, width: d.width, height: d.height, reasons, flattenedOnto: null, decodesWithAlpha: d.palette };
  try {
    let flattenedOnto: string | null = null;
    if (d.hasAlpha) {
      const thumb = await openFirstFrame(bytes, opts.limits).resize(64, 64, { fit: "inside" }).toColourspace("srgb").ensureAlpha().raw().toBuffer();
      flattenedOnto = pickBackdrop(thumb, opts.backdrops).color;
    }
    let out: Buffer;
    if (flattenedOnto) {
      // Two passes: libvips flattens before converting, so a grey+alpha image would take only the backdrop's red.
      const rgba = await openFirstFrame(bytes, opts.limits).toColourspace("srgb").ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      out = await sharp(rgba.data, { raw: { width: rgba.info.width, height: rgba.info.height, channels: 4 }, limitInputPixels: false })
        .flatten({ background: flattenedOnto })
        .removeAlpha()
        .png({ compressionLevel: 1 })
        .toBuffer();
    } else {
      out = await openFirstFrame(bytes, opts.limits).toColourspace("srgb").removeAlpha().png({ compressionLevel: 1 }).toBuffer();
    }
    const name = createHash("sha256").update(bytes).update(flattenedOnto ?? "").digest("hex").slice(0, 16);
    const outPath = join(opts.workDir, `still-${name}.png`);
    await writeFile(outPath, out);
    return { path: outPath, width: d.width, height: d.height, reasons, flattenedOnto, decodesWithAlpha: false };
  } catch (e) {
    throw decodeFailure(e, opts.limits);
  }
}

/**
 * A logo for the end card, which ffmpeg overlays with its alpha: the file itself when ffmpeg reads it as it is (a
 * still 8-bit sRGB PNG, upright), else an 8-bit sRGB PNG with alpha of its first frame, EXIF rotation applied,
 * written into `workDir` (an animated WebP, which ffmpeg 5.1 cannot decode at all, an animated GIF or APNG, a
 * still WebP or GIF, 16-bit, CMYK or grey). Transparency is kept, never flattened. Throws ImageFileError.
 */
export async function prepareLogo(path: string, opts: { workDir: string; limits: DecodeLimits }): Promise<PreparedStill> {
  const bytes = await readFile(path);
  const d = await inspectImage(bytes, opts.limits);
  const reasons = normaliseReasons(d).filter((r) => r !== "transparency");
  if (d.format !== "png" && !reasons.includes(d.format)) reasons.unshift(d.format);
  if (reasons.length === 0) return { path, width: d.width, height: d.height, reasons, flattenedOnto: null, decodesWithAlpha: d.hasAlpha || d.palette };
  try {
    const out = await openFirstFrame(bytes, opts.limits).toColourspace("srgb").ensureAlpha().png({ compressionLevel: 1 }).toBuffer();
    const name = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
    const outPath = join(opts.workDir, `logo-${name}.png`);
    await writeFile(outPath, out);
    return { path: outPath, width: d.width, height: d.height, reasons, flattenedOnto: null, decodesWithAlpha: true };
  } catch (e) {
    throw decodeFailure(e, opts.limits);
  }
}

/**
 * The header facts of a still file (no pixel decoded), or null when sharp cannot read it: enough to key the clip
 * cache (does the flattening colour matter?) and to report framing on a cache hit.
 */
export async function stillHeader(path: string): Promise<{ width: number; height: number; hasAlpha: boolean } | null> {
  try {
    const m = await sharp(path, { limitInputPixels: false }).metadata();
    const swap = (m.orientation ?? 1) >= 5;
    return { width: (swap ? m.height : m.width) ?? 0, height: (swap ? m.width : m.height) ?? 0, hasAlpha: m.hasAlpha ?? false };
  } catch {
    return null;
  }
}
