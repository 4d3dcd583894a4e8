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

/** Pans are done by an integer crop plus a 3-tap sub-pixel kernel; zooms need a real per-frame resampler. */
export function isPan(m: KenBurns): boolean {
  return m.type.startsWith("pan-");
}

const even = (n: number) => 2 * Math.ceil(n / 2);

export interface PanPlan {
  /** The still is scaled once to cover this size (the pan's travel plus a 2 px margin on each side). */
  coverWidth: number;
  coverHeight: number;
  /** Contents of a `sendcmd` file driving the named crop and convolution frame by frame. */
  commands: string;
  /** Filters after the looped still: sendcmd (reading `commandsPath`), crop, convolution, crop. */
  filters: (commandsPath: string) => string[];
  /** Top-left of the visible window in the cover at frame n, in cover pixels (for tests and debugging). */
  offsetAt: (n: number) => { x: number; y: number };
}

/**
 * A pan as integer crop + sub-pixel shift, cheap and exact (bilinear to 1/256 px).
 *
 * Per frame the window's left (or top) edge sits at a real offset o. The crop takes the even integer c nearest to o
 * (yuv420p crops on even luma columns so chroma stays aligned), widened by 2 px on each side; a 3-tap row (or column)
 * convolution then shifts by the residual r = o - c in [-1, 1] (r/2 for chroma) with weights (1-|r|, |r|) on the
 * neighbour in r's direction; a last crop drops the margins, which absorb the kernel's clamped borders.
 */
export function panPlan(
  m: KenBurns,
  frames: number,
  size: { width: number; height: number },
  fps: number,
  /** Makes the filter instance names unique within one graph. */
  id = "kb",
): PanPlan {
  const { width: W, height: H } = size;
  const z = 1 + m.amount;
  const horizontal = m.type === "pan-left" || m.type === "pan-right";
  const coverWidth = even(W * z) + 4;
  const coverHeight = even(H * z) + 4;
  const freeX = coverWidth - 4 - W;
  const freeY = coverHeight - 4 - H;
  // The still axis: an even offset at the focal point.
  const fixedX = 2 + 2 * Math.round((m.focusX * freeX) / 2);
  const fixedY = 2 + 2 * Math.round((m.focusY * freeY) / 2);
  const kernel = (r: number) => {
    const a = Math.round(Math.abs(r) * 256);
    return r >= 0 ? `0 ${256 - a} ${a}` : `${a} ${256 - a} 0`;
  };
  const forward = m.type === "pan-right" || m.type === "pan-down";
  const moving = (n: number) => {
    const e = ease(frames > 1 ? n / (frames - 1) : 0, m.easing);
    return 2 + (horizontal ? freeX : freeY) * (forward ? e : 1 - e);
  };
  const lines: string[] = [];
  let first = "";
  for (let n = 0; n < frames; n++) {
    const o = moving(n);
    const c = 2 * Math.round(o / 2);
    const r = o - c;
    const pos = horizontal ? `x ${c - 2}` : `y ${c - 2}`;
    const cmd = [
      `crop@${id} ${pos}`,
      `convolution@${id} 0m '${kernel(r)}'`,
      `convolution@${id} 1m '${kernel(r / 2)}'`,
      `convolution@${id} 2m '${kernel(r / 2)}'`,
    ].join(", ");
    // Floor to the microsecond so the interval never starts after the frame's own timestamp.
    lines.push(`${(Math.floor((n / fps) * 1e6) / 1e6).toFixed(6)} ${cmd};`);
    if (n === 0) first = `${c - 2}`;
  }
  const mode = horizontal ? "row" : "column";
  const filters = (commandsPath: string) => [
    `sendcmd=f=${commandsPath}`,
    horizontal
      ? `crop@${id}=w=${W + 4}:h=${H}:x=${first}:y=${fixedY}`
      : `crop@${id}=w=${W}:h=${H + 4}:x=${fixedX}:y=${first}`,
    `convolution@${id}=0m=0 256 0:1m=0 256 0:2m=0 256 0:0rdiv=1/256:1rdiv=1/256:2rdiv=1/256:0mode=${mode}:1mode=${mode}:2mode=${mode}`,
    horizontal ? `crop=${W}:${H}:2:0` : `crop=${W}:${H}:0:2`,
  ];
  const offsetAt = (n: number) => (horizontal ? { x: moving(n), y: fixedY } : { x: fixedX, y: moving(n) });
  return { coverWidth, coverHeight, commands: lines.join("\n") + "\n", filters, offsetAt };
}
