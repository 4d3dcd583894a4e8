/**
 * Ken Burns motion: the visible window over a still that has been scaled once to cover the frame.
 *
 * Window convention: at each frame the output shows the rectangle (x, y, w, h) of the covered still, all in 0..1
 * of that still. Pans name the direction the camera moves (`pan-left`: the window travels right -> left, so the
 * picture drifts to the right on screen).
 */
import { type KenBurns } from "./plan";

export interface Window {
  x: number;
  y: number;
  /** Window width/height as a fraction of the still (1/zoom). */
  w: number;
  h: number;
}

export function ease(p: number, easing: KenBurns["easing"]): number {
  const c = Math.min(1, Math.max(0, p));
  return easing === "linear" ? c : 0.5 - 0.5 * Math.cos(Math.PI * c);
}

/** Zoom at the start and end of the move (>= 1). */
export function zoomRange(m: KenBurns): [number, number] {
  const z = 1 + m.amount;
  switch (m.type) {
    case "zoom-in":
      return [1, z];
    case "zoom-out":
      return [z, 1];
    case "none":
      return [1, 1];
    default:
      return [z, z];
  }
}

/** The largest zoom the move reaches; a still should be scaled to cover `zoom * output` to avoid upscaling. */
export function maxZoom(m: KenBurns): number {
  return Math.max(...zoomRange(m));
}

/** Window at progress p (0..1, before easing). */
export function windowAt(m: KenBurns, p: number): Window {
  const e = ease(p, m.easing);
  const [z0, z1] = zoomRange(m);
  const z = z0 + (z1 - z0) * e;
  const w = 1 / z;
  const free = 1 - w;
  const fx = m.focusX * free;
  const fy = m.focusY * free;
  switch (m.type) {
    case "pan-left":
      return { x: free * (1 - e), y: fy, w, h: w };
    case "pan-right":
      return { x: free * e, y: fy, w, h: w };
    case "pan-up":
      return { x: fx, y: free * (1 - e), w, h: w };
    case "pan-down":
      return { x: fx, y: free * e, w, h: w };
    default:
      return { x: fx, y: fy, w, h: w };
  }
}

/** Window of frame i of n (the first frame is p=0, the last p=1). */
export function windowAtFrame(m: KenBurns, i: number, n: number): Window {
  return windowAt(m, n > 1 ? i / (n - 1) : 0);
}

const num = (v: number) => {
  const s = v.toFixed(6);
  return s.replace(/\.?0+$/, "") || "0";
};

/**
 * The same motion as an ffmpeg expression of the frame index (`idx`, an expression string), for filters with
 * per-frame expressions. Returns the window's x, y, w, h expressions in 0..1 units.
 */
export function windowExpr(m: KenBurns, n: number, idx: string): { x: string; y: string; w: string; h: string } {
  const p = n > 1 ? `(${idx})/${n - 1}` : "0";
  const e = m.easing === "linear" ? `(${p})` : `(0.5-0.5*cos(PI*${p}))`;
  const [z0, z1] = zoomRange(m);
  const w = z0 === z1 ? num(1 / z0) : `(1/(${num(z0)}+${num(z1 - z0)}*${e}))`;
  const free = `(1-${w})`;
  const fx = `${num(m.focusX)}*${free}`;
  const fy = `${num(m.focusY)}*${free}`;
  switch (m.type) {
    case "pan-left":
      return { x: `${free}*(1-${e})`, y: fy, w, h: w };
    case "pan-right":
      return { x: `${free}*${e}`, y: fy, w, h: w };
    case "pan-up":
      return { x: fx, y: `${free}*(1-${e})`, w, h: w };
    case "pan-down":
      return { x: fx, y: `${free}*${e}`, w, h: w };
    default:
      return { x: fx, y: fy, w, h: w };
  }
}

/**
 * `perspective` filter for the motion over a W x H input (already covering the frame), n frames.
 * Sub-pixel smooth (bilinear, 1/256 px), but it recomputes a full-frame lookup table every frame.
 */
export function perspectiveFilter(m: KenBurns, n: number, width: number, height: number): string {
  const { x, y, w, h } = windowExpr(m, n, "in-1");
  const X0 = `${width}*${x}`;
  const Y0 = `${height}*${y}`;
  const X1 = `${width}*(${x}+${w})`;
  const Y2 = `${height}*(${y}+${h})`;
  // Corner order: top-left, top-right, bottom-left, bottom-right.
  const opts = [`x0=${X0}`, `y0=${Y0}`, `x1=${X1}`, `y1=${Y0}`, `x2=${X0}`, `y2=${Y2}`, `x3=${X1}`, `y3=${Y2}`];
  // The expressions contain no `,` `:` `'` `[` `]` `;`, so they need no filtergraph escaping.
  return `perspective=${opts.join(":")}:interpolation=linear:eval=frame`;
}
