/**
 * Designed backgrounds in the brand colours: a diagonal two-colour gradient with soft translucent shapes (large
 * discs and a band), drawn by ffmpeg as one still. Ken Burns then moves it (the shapes drift and grow), and the
 * headline overlay animates the scene's text over it. Used by the end card and by the offline card provider.
 *
 * Deterministic: the layout comes only from `seed` (e.g. a hash of the scene's text and colours), so the same input
 * gives the same pixels and the same PNG bytes (ffmpeg's `gradients` seed is fixed, nothing reads the clock).
 */
import { createHash } from "node:crypto";

export interface DesignInput {
  /** `#rrggbb`: the gradient's first colour (top-left side). */
  primary: string;
  /** `#rrggbb`: the gradient's second colour. */
  secondary: string;
  /** Any integer; picks the gradient direction and the shapes. */
  seed: number;
  width: number;
  height: number;
  /** Darken the corners. Default true. */
  vignette?: boolean;
  /** The shapes' colour: 255 white (over a light background), 0 black (over a dark one). Default 255. */
  shade?: 0 | 255;
}

/** A 32-bit seed from any strings (sha256, first 4 bytes). */
export function seedFrom(...parts: string[]): number {
  return createHash("sha256").update(parts.join("\u0000")).digest().readUInt32BE(0);
}

/** mulberry32: a small seeded PRNG, numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (c: string) => `0x${c.replace("#", "")}`;

/** Relative luminance (0..1, sRGB weights, no gamma) of `#rrggbb`. */
export function luminance(color: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16) / 255);
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG 2.x relative luminance (0..1, linearised sRGB) of `#rrggbb`. Source: WCAG 2.2, "relative luminance". */
export function relativeLuminance(color: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG contrast ratio (1..21) of two `#rrggbb` colours: (L1 + 0.05) / (L2 + 0.05), L1 the lighter. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `#rrggbb` mixed `amount` (0..1) toward white (`to` = 255) or black (0). */
export function mix(color: string, amount: number, to: 0 | 255): string {
  const parts = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)).map((v) => Math.round(v + (to - v) * amount));
  return `#${parts.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

/** Text on a plate must reach this WCAG contrast (AA for normal text). */
export const TEXT_CONTRAST = 4.5;
/** A plate must reach this contrast with the background it sits on (WCAG 2.2 SC 1.4.11, non-text contrast: 3:1). */
export const PLATE_CONTRAST = 3;

/**
 * The headline/CTA plate and its text colour for a brand: the plate is the brand's primary colour; the text is the
 * brand's text colour when it reaches `TEXT_CONTRAST` on it, else white or black, whichever contrasts more (one of
 * them always reaches >= 4.58:1 on any colour).
 */
export function plateColors(brand: { primary: string; text: string }): { plate: string; text: string } {
  if (contrastRatio(brand.text, brand.primary) >= TEXT_CONTRAST) return { plate: brand.primary, text: brand.text };
  const text = contrastRatio("#ffffff", brand.primary) >= contrastRatio("#000000", brand.primary) ? "#ffffff" : "#000000";
  return { plate: brand.primary, text };
}

/** Which way a designed background leaves the plate's colour: toward white behind a dark plate, else toward black. */
export function backgroundSide(plate: string): 0 | 255 {
  return contrastRatio(plate, "#ffffff") >= contrastRatio(plate, "#000000") ? 255 : 0;
}

/** `#rrggbb` -> HSL (h in 0..360, s and l in 0..1). */
function toHsl(color: string): [number, number, number] {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return [h * 60, s, l];
}

function fromHsl(h: number, s: number, l: number): string {
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return `#${[f(0), f(8), f(4)].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * The two gradient colours of a designed background for a brand, chosen so the headline and CTA plates (drawn in
 * the primary colour) stand out on it: each keeps its brand colour's hue (`primary`, then `secondary`), with at
 * least 45% saturation so it stays colourful, and moves in lightness away from the plate (lighter behind a dark
 * plate, darker behind a light one) just far enough to reach `PLATE_CONTRAST` + 0.5 with the plate; the second
 * goes 12% further, so the gradient shows. The shapes drawn over it move the same way (lighter or darker), so they
 * only add contrast.
 */
export function backgroundColors(primary: string, secondary: string): { primary: string; secondary: string } {
  const side = backgroundSide(primary);
  const away = (color: string, extra: number) => {
    const [h, s0, l0] = toHsl(color);
    const s = Math.max(s0, 0.45);
    for (let k = 0; k <= 40; k++) {
      const l = side === 255 ? l0 + ((1 - l0) * k) / 40 : l0 - (l0 * k) / 40;
      const c = fromHsl(h, s, l);
      // On the background's side of the plate (a dark secondary is not a background for a mid-tone plate).
      const onSide = side === 255 ? relativeLuminance(c) > relativeLuminance(primary) : relativeLuminance(c) < relativeLuminance(primary);
      if (onSide && contrastRatio(c, primary) >= PLATE_CONTRAST + 0.5) {
        const further = side === 255 ? Math.min(0.97, l + extra) : Math.max(0.03, l - extra);
        return fromHsl(h, s, further);
      }
    }
    return side === 255 ? "#ffffff" : "#000000";
  };
  return { primary: away(primary, 0), secondary: away(secondary, 0.12) };
}

/** A design's layout at a given size: the gradient axis and the shapes' alpha expression (for `geq`). */
function layout(seed: number, W: number, H: number, w: number, h: number) {
  const r = prng(seed);
  // Gradient axis: from a point on the top/left edges to the opposite corner region (full-size coordinates).
  const x0 = Math.round(r() * W * 0.5);
  const y0 = Math.round(r() * H * 0.2);
  const x1 = Math.round(W - r() * W * 0.5);
  const y1 = Math.round(H - r() * H * 0.2);
  // Three discs of 20-55% of the width and one diagonal band, in a w x h layer; alpha adds up where they overlap.
  const terms: string[] = [];
  for (let k = 0; k < 3; k++) {
    const cx = Math.round(r() * w);
    const cy = Math.round((0.1 + r() * 0.8) * h);
    const rad = Math.round((0.2 + r() * 0.35) * w);
    const a = Math.round(28 + r() * 30);
    terms.push(`${a}*clip((${rad}-hypot(X-${cx},Y-${cy}))/3,0,1)`);
  }
  const slope = (0.4 + r() * 0.8).toFixed(3);
  const off = Math.round((0.3 + r() * 0.4) * h);
  const bandW = Math.round((0.06 + r() * 0.08) * h);
  terms.push(`22*clip((${bandW}-abs(Y-${slope}*X-${off}))/3,0,1)`);
  return { axis: { x0, y0, x1, y1 }, alpha: `min(150,${terms.join("+")})`, r };
}

/** The shapes' colour: lighter over a light background (behind a dark plate), darker over a dark one. */
const shapeRgb = (shade: 0 | 255) => `r=${shade}:g=${shade}:b=${shade}`;

/**
 * ffmpeg arguments writing the design as one PNG to `outPath`. The shapes are drawn at a quarter of the size by
 * `geq` (cheap) and scaled up, which also softens their edges.
 */
export function designArgs(d: DesignInput, outPath: string): string[] {
  const { width: W, height: H } = d;
  const w = Math.max(8, Math.round(W / 4));
  const h = Math.max(8, Math.round(H / 4));
  const { axis, alpha } = layout(d.seed, W, H, w, h);
  const gradient = `gradients=s=${W}x${H}:c0=${hex(d.primary)}:c1=${hex(d.secondary)}:x0=${axis.x0}:y0=${axis.y0}:x1=${axis.x1}:y1=${axis.y1}:nb_colors=2:seed=1:speed=0.00001:d=1`;
  const shapes = `color=c=white:s=${w}x${h}:d=1,format=rgba,geq=${shapeRgb(d.shade ?? 255)}:a='${alpha}',scale=${W}:${H}:flags=bicubic`;
  return [
    "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
    "-filter_complex",
    `${gradient},format=rgb24[bg];${shapes}[fg];[bg][fg]overlay=format=auto${d.vignette === false ? "" : ",vignette=PI/5"},format=rgb24[out]`,
    "-map", "[out]", "-frames:v", "1", "-update", "1",
    // PNG without timestamps or other metadata that could vary between runs; light compression (a temp file: CPU
    // matters more than bytes, ~0.35 s instead of ~0.6 s).
    "-map_metadata", "-1", "-bitexact", "-f", "image2", "-c:v", "png", "-compression_level", "1",
    outPath,
  ];
}

/** Bump when `motionDesignChain` draws differently, so cached segments of motion backgrounds stop matching. */
export const DESIGN_VERSION = 1;

/** Shapes' drift: each axis a sine of this many seconds' period, this far (fraction of the layer's margin). */
const DRIFT_PERIOD_SEC: [number, number] = [7, 9];
const DRIFT_AMOUNT = 0.85;
/** Gradient rotation of ffmpeg's `gradients` source (radians per second). */
const GRADIENT_SPEED = 0.02;
/** Temporal luma/chroma grain strength of the `noise` filter (0..100). */
const GRAIN = 5;

/**
 * A motion background as one filter chain with no inputs (for the assembly graph), ending in `frames` frames of
 * yuv420p at `fps`, `width` x `height`, timestamps 0..frames-1. Everything is drawn at a quarter of the size and
 * scaled up once (the layers are soft), then grain is added at full size:
 * - gradient drift: ffmpeg's `gradients` source between the two colours, its axis slowly rotating;
 * - shapes moving: the design's discs and band drawn once (`geq` on one frame, looped) on a layer larger than the
 *   frame, slid over the gradient on two slow sines (periods `DRIFT_PERIOD_SEC`), each design its own phase;
 * - subtle grain: `noise` with a fixed seed, changing every frame.
 * Deterministic: the same design, size, fps and frame count give the same frames (no clock, fixed seeds).
 * `id` makes the internal labels unique in a graph. Cost: ~5-15 ms of CPU a frame at 1080x1920.
 */
export function motionDesignChain(d: DesignInput, opts: { fps: number; frames: number; id: string }): string {
  const { width: W, height: H } = d;
  const w = 2 * Math.max(4, Math.round(W / 8));
  const h = 2 * Math.max(4, Math.round(H / 8));
  // The shapes' layer overhangs the frame by `m` on every side, so sliding never shows its edge.
  const m = 2 * Math.round(w * 0.15);
  const { axis, alpha, r } = layout(d.seed, W, H, w + 2 * m, h + 2 * m);
  const q = (v: number, full: number, low: number) => Math.round((v * low) / full);
  const phase = [r() * 2 * Math.PI, r() * 2 * Math.PI].map((p) => p.toFixed(3));
  const amp = Math.round(m * DRIFT_AMOUNT);
  const id = opts.id;
  const gradient = [
    `gradients=s=${w}x${h}:c0=${hex(d.primary)}:c1=${hex(d.secondary)}`,
    `x0=${q(axis.x0, W, w)}:y0=${q(axis.y0, H, h)}:x1=${q(axis.x1, W, w)}:y1=${q(axis.y1, H, h)}`,
    `nb_colors=2:seed=1:speed=${GRADIENT_SPEED}:r=${opts.fps}`,
  ].join(":");
  const shapes = `color=c=black:s=${w + 2 * m}x${h + 2 * m}:r=${opts.fps},trim=end_frame=1,format=rgba,geq=${shapeRgb(d.shade ?? 255)}:a='${alpha}',loop=loop=-1:size=1`;
  const x = `-${m}+${amp}*sin(2*PI*t/${DRIFT_PERIOD_SEC[0]}+${phase[0]})`;
  const y = `-${m}+${amp}*sin(2*PI*t/${DRIFT_PERIOD_SEC[1]}+${phase[1]})`;
  return [
    `${gradient},trim=end_frame=${opts.frames},format=rgb24[${id}g]`,
    `${shapes}[${id}f]`,
    `[${id}g][${id}f]overlay=x='${x}':y='${y}':format=auto:shortest=1${d.vignette === false ? "" : ",vignette=PI/5"},` +
      `scale=${W}:${H}:flags=bicubic,setsar=1,format=yuv420p,noise=alls=${GRAIN}:allf=t,settb=1/${opts.fps},setpts=N`,
  ].join(";");
}
