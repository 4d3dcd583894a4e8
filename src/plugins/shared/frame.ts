/** Output frame sizes and colour helpers shared by image/video plugins. */
import { type AspectRatio } from "../spec";

export const FRAME_SIZES: { readonly [A in AspectRatio]: { width: number; height: number } } = {
  "9:16": { width: 1080, height: 1920 },
  "16:9": { width: 1920, height: 1080 },
  "1:1": { width: 1080, height: 1080 },
};

/** "#1f6feb" -> [31, 111, 235]. Input is already validated by HexColorSchema. */
export function parseHex(hex: string): [number, number, number] {
  const h = hex.replace(/^#/, "");
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

/** Mixes towards white (amount > 0) or black (amount < 0); returns ffmpeg's 0xRRGGBB. */
export function shade(hex: string, amount: number): string {
  const target = amount > 0 ? 255 : 0;
  const a = Math.abs(amount);
  return `0x${parseHex(hex)
    .map((c) => Math.round(c + (target - c) * a))
    .map((c) => c.toString(16).padStart(2, "0"))
    .join("")}`;
}

/** Scale to cover the frame, then crop the centre (no letterboxing). */
export function coverFilter(width: number, height: number): string {
  return `scale=${width}:${height}:force_original_aspect_ratio=increase:flags=lanczos,crop=${width}:${height}`;
}
