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

/** `#rrggbb` mixed `amount` (0..1) toward white (`to` = 255) or black (0). */
export function mix(color: string, amount: number, to: 0 | 255): string {
  const parts = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)).map((v) => Math.round(v + (to - v) * amount));
  return `#${parts.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * The two gradient colours of a designed background for a brand, chosen so the headline and CTA plates (drawn in
 * the primary colour) stand out on it: the primary lifted 40% toward white (a dark brand colour) or toward black (a
 * light one), then the secondary colour.
 */
export function backgroundColors(primary: string, secondary: string): { primary: string; secondary: string } {
  return { primary: mix(primary, 0.4, luminance(primary) < 0.5 ? 255 : 0), secondary };
}

/**
 * ffmpeg arguments writing the design as one PNG to `outPath`. The shapes are drawn at a quarter of the size by
 * `geq` (cheap) and scaled up, which also softens their edges.
 */
export function designArgs(d: DesignInput, outPath: string): string[] {
  const r = prng(d.seed);
  const { width: W, height: H } = d;
  // Gradient axis: from a point on the top/left edges to the opposite corner region.
  const x0 = Math.round(r() * W * 0.5);
  const y0 = Math.round(r() * H * 0.2);
  const x1 = Math.round(W - r() * W * 0.5);
  const y1 = Math.round(H - r() * H * 0.2);
  const gradient = `gradients=s=${W}x${H}:c0=${hex(d.primary)}:c1=${hex(d.secondary)}:x0=${x0}:y0=${y0}:x1=${x1}:y1=${y1}:nb_colors=2:seed=1:speed=0.00001:d=1`;
  const w = Math.max(8, Math.round(W / 4));
  const h = Math.max(8, Math.round(H / 4));
  // Three discs of 20-55% of the width and one diagonal band; alpha adds up where they overlap.
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
  const alpha = `min(150,${terms.join("+")})`;
  const shapes = `color=c=white:s=${w}x${h}:d=1,format=rgba,geq=r=255:g=255:b=255:a='${alpha}',scale=${W}:${H}:flags=bicubic`;
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
