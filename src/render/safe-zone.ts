/**
 * The platform safe zone: the part of a vertical frame that no TikTok, Instagram Reels or
 * YouTube Shorts interface element covers (top bar, the right-hand rail of buttons, the caption,
 * username and call-to-action band at the bottom). Every caption, headline overlay, logo and end
 * card text must lie inside it; the render's QA checks that they do.
 *
 * Figures are margins as fractions of the frame, from the platforms' published ad-creative
 * guidance for 1080x1920 (as summarised in their ads help centres, 2024-2025):
 * - TikTok: ~150 px top, ~480 px bottom, ~140 px right (button rail), ~60 px left.
 * - Instagram Reels: ~14% (270 px) top and ~35% (670 px) bottom kept free of text and logos.
 * - YouTube Shorts: ~150 px top, ~480 px bottom (title, channel, buttons), ~140 px right.
 * The default zone is their intersection (the strictest margin on each side), so one video can
 * be posted to all three. The figures are approximate (the platforms move their UI); keep one
 * set here and nowhere else.
 */

export type Platform = "tiktok" | "reels" | "shorts";

/** Margins as fractions (0..1) of the frame's width (left, right) and height (top, bottom). */
export interface SafeMargins {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export const PLATFORM_MARGINS: { [p in Platform]: SafeMargins } = {
  tiktok: { top: 150 / 1920, bottom: 480 / 1920, left: 60 / 1080, right: 140 / 1080 },
  reels: { top: 0.14, bottom: 0.35, left: 60 / 1080, right: 60 / 1080 },
  shorts: { top: 150 / 1920, bottom: 480 / 1920, left: 60 / 1080, right: 140 / 1080 },
};

/** The strictest margin of every platform on each side: the default safe zone. */
export const SAFE_MARGINS: SafeMargins = (Object.values(PLATFORM_MARGINS) as SafeMargins[]).reduce((a, m) => ({
  top: Math.max(a.top, m.top),
  bottom: Math.max(a.bottom, m.bottom),
  left: Math.max(a.left, m.left),
  right: Math.max(a.right, m.right),
}));

/** A rectangle in output pixels: x, y of the top-left corner, width w and height h. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * The safe zone of a `width` x `height` frame in pixels (rounded inward to whole pixels).
 * For 1080x1920 with the default margins: x 60..940, y 269..1248.
 */
export function safeRect(width: number, height: number, margins: SafeMargins = SAFE_MARGINS): Rect {
  const x = Math.ceil(margins.left * width);
  const y = Math.ceil(margins.top * height);
  const right = Math.floor(width - margins.right * width);
  const bottom = Math.floor(height - margins.bottom * height);
  return { x, y, w: right - x, h: bottom - y };
}

/** True when `inner` lies entirely inside `outer` (edges may touch), with `tolerancePx` of slack on each side. */
export function rectInside(inner: Rect, outer: Rect, tolerancePx = 0): boolean {
  return (
    inner.x >= outer.x - tolerancePx &&
    inner.y >= outer.y - tolerancePx &&
    inner.x + inner.w <= outer.x + outer.w + tolerancePx &&
    inner.y + inner.h <= outer.y + outer.h + tolerancePx
  );
}

/** Where captions sit (the caption style's `position`). */
export type CaptionPosition = "bottom" | "center" | "top";

/**
 * The two text bands inside the safe zone, which never overlap: headline overlays (each scene's
 * on-screen text, logo) and captions (the narration). The middle of the frame is left to the
 * picture. With captions at the bottom the headline band is the top 30% of the safe zone and the
 * caption band the bottom 38%; captions at the top swap them; captions in the centre take the
 * middle 38% and the headline keeps the top 26%. Every text box drawn in a band must fit inside
 * it (break, then shrink).
 */
export function textBands(width: number, height: number, captions: CaptionPosition = "bottom"): { headline: Rect; captions: Rect } {
  const z = safeRect(width, height);
  const band = (fromTop: number, frac: number): Rect => ({ x: z.x, y: Math.round(z.y + fromTop * z.h), w: z.w, h: Math.floor(frac * z.h) });
  switch (captions) {
    case "bottom":
      return { headline: band(0, 0.3), captions: band(0.62, 0.38) };
    case "top":
      return { captions: band(0, 0.38), headline: band(0.7, 0.3) };
    case "center":
      return { headline: band(0, 0.26), captions: band(0.31, 0.38) };
  }
}
