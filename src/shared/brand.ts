/**
 * The brand kit and image framing as users set them: zod schemas shared by the dashboard, tRPC
 * and the render settings.
 *
 * Glossary
 * - brand kit: a team's brand name, logo, colours (primary, secondary, text) and font.
 * - brand override: a campaign's changes to its team's kit (each field optional; absent = the kit's).
 * - brand asset: an uploaded logo (PNG/WebP with an alpha channel) or font (TTF/OTF).
 * - focal point: the point of an image (0..1 of its width and height) that crops and Ken Burns keep in frame.
 */
import "./zod-setup";
import { z } from "zod";
import { FONTS } from "./campaign";

/** Installed font families a kit may name without uploading a font (Debian's fonts-dejavu-core). */
export const INSTALLED_FONTS = FONTS;

/** Upload limits. A logo is drawn at most ~600 px wide, so 4096 px and 5 MB are plenty. */
export const MAX_LOGO_BYTES = 5 * 1024 * 1024;
export const MAX_LOGO_SIDE = 4096;
export const MIN_LOGO_SIDE = 64;
/** Full families with many scripts run to ~10 MB (Noto Sans CJK is ~16 MB: subset it first). */
export const MAX_FONT_BYTES = 15 * 1024 * 1024;

const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #1a2b3c");
const brandName = z
  .string()
  .trim()
  .max(60, "must be at most 60 characters")
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters");
const assetId = z.string().min(1).max(40);
const family = z.enum(INSTALLED_FONTS, { error: `must be one of ${INSTALLED_FONTS.join(", ")} (or upload a font)` });

/** The team kit as saved. `fontAssetId` (an uploaded font) wins over `fontFamily`. */
export const brandKitInputSchema = z.object({
  brandName: brandName.default(""),
  primaryColor: hex.default("#4f46e5"),
  secondaryColor: hex.default("#111827"),
  textColor: hex.default("#ffffff"),
  fontFamily: family.default("DejaVu Sans"),
  logoAssetId: assetId.nullable().default(null),
  fontAssetId: assetId.nullable().default(null),
});
export type BrandKitInput = z.infer<typeof brandKitInputSchema>;

/**
 * A campaign's override: every field optional. `null` for the logo or font asset means "none
 * for this campaign" (e.g. no logo), `undefined` means "the team's".
 */
export const brandOverrideSchema = z
  .object({
    brandName: brandName.optional(),
    primaryColor: hex.optional(),
    secondaryColor: hex.optional(),
    textColor: hex.optional(),
    fontFamily: family.optional(),
    logoAssetId: assetId.nullable().optional(),
    fontAssetId: assetId.nullable().optional(),
  })
  .strict();
export type BrandOverride = z.infer<typeof brandOverrideSchema>;

/** The brand a render uses, with storage keys (not paths): frozen into the render's settings. */
export const resolvedBrandSchema = z.object({
  brandName: z.string(),
  primaryColor: z.string(),
  secondaryColor: z.string(),
  textColor: z.string(),
  /** The family libass and drawtext look up; `file` is the uploaded font's key, null for an installed family. */
  font: z.object({ family: z.string(), file: z.string().nullable() }),
  logo: z.object({ file: z.string(), width: z.number().int(), height: z.number().int() }).nullable(),
});
export type ResolvedBrand = z.infer<typeof resolvedBrandSchema>;

/** 0..1 of the image; anything outside is refused (not clamped). */
const unit = z.number({ error: "must be a number" }).finite().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");
export const focalPointSchema = z.object({ focusX: unit, focusY: unit });
export type FocalPoint = z.infer<typeof focalPointSchema>;

/** The output frame photos must fill (9:16). */
export const FRAME = { width: 1080, height: 1920 } as const;
/** Upscaling beyond this looks soft (the threshold; QA uses the same figure). */
export const MAX_UPSCALE = 1.5;
/** A shorter side under this is low resolution for a 1080 px wide frame. */
export const MIN_SHORT_SIDE = 1080;

/**
 * Why a photo of this size will look soft in a 1080x1920 frame, or null when it will not:
 * covering the frame would upscale it more than MAX_UPSCALE, or its shorter side is under
 * MIN_SHORT_SIDE. Shown on upload and beside each thumbnail.
 */
export function lowResolutionWarning(width: number, height: number): string | null {
  const cover = Math.max(FRAME.width / width, FRAME.height / height);
  if (cover > MAX_UPSCALE) return `Low resolution: ${width}x${height} would be upscaled ${cover.toFixed(1)}x to fill the 1080x1920 frame (it will be shown whole over a blurred backdrop instead)`;
  if (Math.min(width, height) < MIN_SHORT_SIDE) return `Low resolution: the shorter side is ${Math.min(width, height)} px (at least ${MIN_SHORT_SIDE} px looks sharp)`;
  return null;
}
