/**
 * Brand assets: logos and fonts uploaded to a team, checked by content, never by name or the
 * browser's MIME type, and stored under generated keys.
 *
 * - Logo: PNG or WebP (signature), decoded by ffmpeg, MIN_LOGO_SIDE..MAX_LOGO_SIDE px, at most
 *   MAX_LOGO_BYTES, and with transparent pixels (its alpha plane decoded and measured: an opaque
 *   rectangle would cover the video behind it).
 * - Font: TrueType or OpenType (sfnt signature), parsed by fontkit, with a family name and the
 *   glyphs of basic Latin letters and digits; at most MAX_FONT_BYTES.
 *
 * Every refusal is an UploadError whose `field` is "logo" or "font" (the form shows it there).
 */
import { createHash, randomUUID } from "node:crypto";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import * as fontkit from "fontkit";
import { runFfmpeg } from "~/render/ffmpeg";
import { type INSTALLED_FONTS, MAX_FONT_BYTES, MAX_LOGO_BYTES, MAX_LOGO_SIDE, MIN_LOGO_SIDE } from "~/shared/brand";
import { type Db } from "~/server/db";
import { storage } from "~/server/storage";
import { checkImage, sniffImage, UploadError } from "./uploads";

export type BrandAssetKind = "logo" | "font";

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

export interface CheckedLogo {
  mimeType: "image/png" | "image/webp";
  ext: "png" | "webp";
  width: number;
  height: number;
  /** Share of the logo's pixels that are at least partly transparent, 0..1. */
  transparentShare: number;
}

/**
 * The alpha plane at 64x64 (area-averaged), via ffmpeg: format=rgba gives every input an alpha
 * plane (opaque when the file has none), so one measure covers RGBA, grey+alpha, palette+tRNS
 * and WebP alike.
 */
async function alphaPlane(file: string): Promise<Buffer> {
  const r = await runFfmpeg(["-v", "error", "-i", file, "-frames:v", "1", "-vf", "scale=64:64:flags=area,format=rgba,alphaextract", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"], {
    raw: true,
    binaryStdout: true,
  });
  return r.stdoutBytes ?? Buffer.alloc(0);
}

/** Validates a logo upload; `label` (the file's name) only appears in messages. */
export async function checkLogo(bytes: Buffer, label: string): Promise<CheckedLogo> {
  const fail = (m: string) => new UploadError(`${label}: ${m}`, "logo");
  if (bytes.length === 0) throw fail("the file is empty");
  if (bytes.length > MAX_LOGO_BYTES) throw fail(`${mb(bytes.length)} is over the ${mb(MAX_LOGO_BYTES)} limit for a logo`);
  const kind = sniffImage(bytes);
  if (kind?.mime !== "image/png" && kind?.mime !== "image/webp") throw fail("not a PNG or WebP image (checked by content); a logo needs a format with transparency");
  let img;
  try {
    img = await checkImage(bytes, label);
  } catch (e) {
    throw e instanceof UploadError ? fail(e.message.replace(`${label}: `, "")) : e;
  }
  if (img.width < MIN_LOGO_SIDE && img.height < MIN_LOGO_SIDE) throw fail(`${img.width}x${img.height} is too small (at least ${MIN_LOGO_SIDE} px on one side)`);
  if (img.width > MAX_LOGO_SIDE || img.height > MAX_LOGO_SIDE) throw fail(`${img.width}x${img.height} is too large (at most ${MAX_LOGO_SIDE} px a side)`);
  const tmp = path.join(os.tmpdir(), `reelfarm-logo-${randomUUID()}.${kind.ext}`);
  await fs.writeFile(tmp, bytes);
  try {
    const alpha = await alphaPlane(tmp).catch(() => Buffer.alloc(0));
    if (alpha.length === 0) throw fail("the image could not be decoded");
    let transparent = 0;
    for (const a of alpha) if (a < 250) transparent++;
    if (transparent === 0) throw fail("has no transparency: export the logo as a PNG or WebP with a transparent background");
    return { mimeType: kind.mime, ext: kind.ext as "png" | "webp", width: img.width, height: img.height, transparentShare: transparent / alpha.length };
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

export interface CheckedFont {
  mimeType: "font/ttf" | "font/otf";
  ext: "ttf" | "otf";
  family: string;
}

type SingleFont = fontkit.Font;

/** An sfnt font file (TrueType 0x00010000 or "true", OpenType "OTTO"); collections and WOFF are refused. */
function sniffFont(b: Buffer): { mimeType: CheckedFont["mimeType"]; ext: CheckedFont["ext"] } | null {
  const tag = b.subarray(0, 4);
  if (tag.equals(Buffer.from([0, 1, 0, 0])) || tag.toString("latin1") === "true") return { mimeType: "font/ttf", ext: "ttf" };
  if (tag.toString("latin1") === "OTTO") return { mimeType: "font/otf", ext: "otf" };
  return null;
}

/**
 * fontkit parses tables lazily: a truncated file can open fine and throw on first use, so the
 * tables we rely on (maxp, name, cmap) are read here, inside the try.
 */
function parseFont(bytes: Buffer): SingleFont | null {
  try {
    const f = fontkit.create(bytes);
    if ("fonts" in f) return null;
    void f.numGlyphs;
    void f.familyName;
    f.hasGlyphForCodePoint(0x41);
    return f;
  } catch {
    return null;
  }
}

/** The characters every brand font must have: the basic Latin letters and digits. */
const REQUIRED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Validates a font upload. Throws UploadError (field "font"). */
export function checkFont(bytes: Buffer, label: string): CheckedFont {
  const fail = (m: string) => new UploadError(`${label}: ${m}`, "font");
  if (bytes.length === 0) throw fail("the file is empty");
  if (bytes.length > MAX_FONT_BYTES) throw fail(`${mb(bytes.length)} is over the ${mb(MAX_FONT_BYTES)} limit for a font`);
  const kind = sniffFont(bytes);
  if (!kind) throw fail("not a TrueType (.ttf) or OpenType (.otf) font (checked by content)");
  const font = parseFont(bytes);
  if (!font || font.numGlyphs < 2) throw fail("the font could not be read (corrupt or truncated?)");
  const family = (font.familyName ?? "").trim();
  if (!family || !/^[\p{L}\p{N} ._-]{1,100}$/u.test(family)) throw fail("the font has no usable family name");
  const missing = missingGlyphsIn(font, REQUIRED);
  if (missing.length) throw fail(`the font lacks basic Latin glyphs (${missing.slice(0, 12).join(" ")})`);
  return { ...kind, family };
}

/** Characters that need no glyph of their own: whitespace, controls, joiners, variation selectors, emoji (drawn by a fallback font). */
const NO_GLYPH_NEEDED = /[\s\p{Cc}\p{Cf}\u{FE00}-\u{FE0F}\p{Extended_Pictographic}]/u;

function missingGlyphsIn(font: SingleFont, text: string): string[] {
  const missing = new Set<string>();
  for (const ch of new Set(text)) {
    if (NO_GLYPH_NEEDED.test(ch)) continue;
    if (!font.hasGlyphForCodePoint(ch.codePointAt(0)!)) missing.add(ch);
  }
  return [...missing];
}

/** The distinct characters of `text` the font file has no glyph for (emoji and whitespace excepted). */
export async function missingGlyphs(fontFile: string, text: string): Promise<string[]> {
  const font = parseFont(await fs.readFile(fontFile));
  if (!font) throw new Error(`${fontFile}: not a readable font`);
  return missingGlyphsIn(font, text);
}

const exec = promisify(execFile);

/** The file fontconfig uses for an installed family (exact family match only), or null. */
export async function installedFontFile(family: (typeof INSTALLED_FONTS)[number]): Promise<string | null> {
  try {
    const { stdout } = await exec("fc-match", ["-f", "%{family}\n%{file}", family]);
    const [families, file] = stdout.split("\n");
    return families?.split(",").includes(family) && file ? file : null;
  } catch {
    return null;
  }
}

/** Checks, then stores one logo or font for a team. Returns the new BrandAsset row. */
export async function addBrandAsset(db: Db, teamId: string, kind: BrandAssetKind, file: { bytes: Buffer; name: string }) {
  const name = file.name.slice(0, 100) || kind;
  const sha256 = createHash("sha256").update(file.bytes).digest("hex");
  const checked =
    kind === "logo"
      ? await checkLogo(file.bytes, name).then((l) => ({ mimeType: l.mimeType, ext: l.ext, width: l.width, height: l.height, family: null }))
      : ((f) => ({ mimeType: f.mimeType, ext: f.ext, width: null, height: null, family: f.family }))(checkFont(file.bytes, name));
  const key = `brand/${teamId}/${randomUUID()}.${checked.ext}`;
  await (await storage()).putBuffer(key, file.bytes);
  return db.brandAsset.create({
    data: { teamId, kind, name, file: key, mimeType: checked.mimeType, bytes: file.bytes.length, sha256, width: checked.width, height: checked.height, family: checked.family },
  });
}
