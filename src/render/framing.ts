/**
 * How a photo fills the vertical frame: a cover crop placed by the focal point, or the whole photo ("contain") over
 * a blurred, darkened copy of itself or the brand colour. Pure geometry; kenburns-clip.ts draws it.
 *
 * Units: sizes in pixels; `upscale` is output pixels per source pixel at the move's largest zoom (1 = the photo's
 * own resolution, 2 = every source pixel stretched over two). Thresholds (from the acceptance criteria):
 * - a photo is upscaled at most `MAX_UPSCALE` = 1.5x in `contain` mode (softness beyond that shows on a phone);
 * - `auto` picks `contain` when the photo's aspect differs from the frame's by more than `MAX_ASPECT_RATIO` (1.4,
 *   e.g. 4:5 portraits and anything wider are shown whole; 3:4 portraits are cropped, losing at most ~25%) or when a
 *   cover crop would upscale more than 1.5x.
 */
import { maxZoom } from "./kenburns";
import { type Framing, type KenBurns } from "./plan";

export const MAX_UPSCALE = 1.5;
export const MAX_ASPECT_RATIO = 1.4;
/** The sharp photo of a `contain` frame fits in this share of the frame's width and height. */
const CONTAIN_MAX_W = 0.92;
const CONTAIN_MAX_H = 0.8;
/** The photo's centre in `contain` mode, as a share of the frame's height (a little above the middle). */
const CONTAIN_CENTRE_Y = 0.47;

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
/** Down to even, so a size never exceeds its bound (the 1.5x cap). */
const floorEven = (n: number) => Math.max(2, 2 * Math.floor(n / 2 + 1e-9));

export interface CoverFrame {
  mode: "cover";
  /** Source rectangle (pixels) scaled to `cover`: the whole frame at the move's largest zoom. */
  crop: { x: number; y: number; w: number; h: number };
  cover: { width: number; height: number };
  /** The motion with its zoom centre moved to the focal point (in 0..1 of the cover). */
  motion: KenBurns;
  upscale: number;
}

export interface ContainFrame {
  mode: "contain";
  /** The sharp photo at its largest (the move's end for a zoom-in): the whole source scaled to this size. */
  sharp: { width: number; height: number };
  /** Box of the sharp photo at scale 1 of the move (its largest size is `sharp`), centred on `centre`. */
  centre: { x: number; y: number };
  /** Growth of the box over the move: from `grow[0]` to `grow[1]` of `sharp` (<= 1), and a horizontal drift in px. */
  grow: [number, number];
  driftPx: [number, number];
  backdrop: "blur" | "color";
  upscale: number;
  motion: KenBurns;
}

export type FrameDecision = CoverFrame | ContainFrame;

/** What `auto` decides, and the geometry of either mode, for a `src` photo in a `size` frame with `motion`. */
export function decideFraming(
  src: { width: number; height: number },
  framing: Framing,
  motion: KenBurns,
  size: { width: number; height: number },
): FrameDecision {
  const { width: W, height: H } = size;
  const z = motion.type === "none" ? 1 : maxZoom(motion);
  const cover = { width: 2 * Math.ceil((W * z) / 2 - 1e-9), height: 2 * Math.ceil((H * z) / 2 - 1e-9) };
  const coverScale = Math.max(cover.width / src.width, cover.height / src.height);
  const aspect = src.width / src.height / (W / H);
  const aspectOff = Math.max(aspect, 1 / aspect);
  const mode = framing.mode === "auto" ? (aspectOff > MAX_ASPECT_RATIO || coverScale > MAX_UPSCALE ? "contain" : "cover") : framing.mode;
  if (mode === "cover") {
    const cw = cover.width / coverScale;
    const ch = cover.height / coverScale;
    const fx = framing.focusX;
    const fy = framing.focusY;
    // The crop keeps the focal point as central as the photo allows; without one it is centred.
    const place = (focus: number | undefined, full: number, part: number) =>
      focus === undefined ? (full - part) / 2 : Math.min(full - part, Math.max(0, focus * full - part / 2));
    const crop = { x: place(fx, src.width, cw), y: place(fy, src.height, ch), w: cw, h: ch };
    // Zoom centre: where the focal point landed inside the crop.
    const focusX = fx === undefined ? motion.focusX : clamp01((fx * src.width - crop.x) / cw);
    const focusY = fy === undefined ? motion.focusY : clamp01((fy * src.height - crop.y) / ch);
    return { mode, crop, cover, motion: { ...motion, focusX, focusY }, upscale: round3(coverScale) };
  }
  // contain: the whole photo, at most 1.5x at its largest, inside 92% x 80% of the frame.
  const growBy = motion.type === "none" ? 0 : motion.amount / 2;
  const scale = Math.min((CONTAIN_MAX_W * W) / src.width, (CONTAIN_MAX_H * H) / src.height, MAX_UPSCALE);
  const sharp = { width: floorEven(src.width * scale), height: floorEven(src.height * scale) };
  const small = 1 / (1 + growBy);
  let grow: [number, number] = [1, 1];
  let driftPx: [number, number] = [0, 0];
  const drift = Math.round(((1 - (sharp.width * small) / W) / 2) * W * 0.5);
  switch (motion.type) {
    case "zoom-in":
      grow = [small, 1];
      break;
    case "zoom-out":
      grow = [1, small];
      break;
    case "pan-left":
      grow = [small, small];
      driftPx = [drift, -drift];
      break;
    case "pan-right":
      grow = [small, small];
      driftPx = [-drift, drift];
      break;
    case "pan-up":
    case "pan-down":
      grow = motion.type === "pan-up" ? [1, small] : [small, 1];
      break;
    case "none":
      break;
  }
  const upscale = round3(Math.max(sharp.width / src.width, sharp.height / src.height) * Math.max(...grow));
  return {
    mode,
    sharp,
    centre: { x: W / 2, y: H * CONTAIN_CENTRE_Y },
    grow,
    driftPx,
    backdrop: framing.backdrop,
    upscale,
    motion,
  };
}

/** The sharp photo's box at progress e (0..1, eased) of a contain move: even-aligned, inside the frame. */
export function containBox(d: ContainFrame, e: number, size: { width: number; height: number }): { x: number; y: number; w: number; h: number } {
  const g = d.grow[0] + (d.grow[1] - d.grow[0]) * e;
  const w = Math.min(size.width, even(d.sharp.width * g));
  const h = Math.min(size.height, even(d.sharp.height * g));
  const dx = d.driftPx[0] + (d.driftPx[1] - d.driftPx[0]) * e;
  const x = Math.min(size.width - w, Math.max(0, 2 * Math.round((d.centre.x + dx - w / 2) / 2)));
  const y = Math.min(size.height - h, Math.max(0, 2 * Math.round((d.centre.y - h / 2) / 2)));
  return { x, y, w, h };
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}
function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
