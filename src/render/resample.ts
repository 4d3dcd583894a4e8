/**
 * Sub-pixel image resampling for Ken Burns frames: separable bilinear with 1/128 px weights, in WebAssembly SIMD.
 *
 * Why WebAssembly: ffmpeg 5.1 has no cheap sub-pixel scaler with per-frame parameters (zoompan and crop step by
 * whole pixels and jitter; `perspective` is smooth but rebuilds a per-pixel table every frame, ~15 ms a 1080x1920
 * frame). This kernel does a frame in ~1-2 ms of one core. Its source is WebAssembly text,
 * src/render/kernels/resample.wat (the two loops, commented), compiled by wabt's wat2wasm (`npm run build:kernels`)
 * to the committed resample.wasm beside it, which this module loads; resample.test.ts checks that the .wasm is
 * what the .wat compiles to. `resampleReference` is the plain-JS definition the kernel is tested against bit for
 * bit. This file plans the work (column tables, row cache, memory layout); the kernel only does the arithmetic.
 *
 * Model: output pixel u (centre u + 0.5) samples the source at x = x0 + (u + 0.5) * sx - 0.5 (pixel-index space),
 * likewise for rows; two 8-bit passes (horizontal into a row cache, then vertical), each rounding to nearest.
 */
import fs from "node:fs";

/** The compiled kernel (see the header): built from kernels/resample.wat, committed. */
const KERNEL_WASM = new URL("./kernels/resample.wasm", import.meta.url);

/** The kernel's exports; their contracts (table record layout, rounding, what they write) are in resample.wat. */
interface Kernel {
  hpass: (src: number, tab: number, blocks: number, dst: number) => void;
  vpass: (r0: number, r1: number, wy: number, blocks16: number, dst: number) => void;
  mem: WebAssembly.Memory;
}

let compiled: WebAssembly.Module | null = null;

/**
 * The kernel's module, read and compiled once per process. Throws when the file is missing (a checkout without
 * src/render/kernels/resample.wasm) or this runtime has no WebAssembly SIMD (Node < 16.4).
 */
function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(fs.readFileSync(KERNEL_WASM));
  return compiled;
}

/** True when this runtime can run the SIMD kernel (Node >= 16.4) and its compiled module is present. */
export function simdAvailable(): boolean {
  try {
    kernelModule();
    return true;
  } catch {
    return false;
  }
}

// ---- planes and geometry ------------------------------------------------------------------------------------------

export interface PlaneGeometry {
  /** Source plane size. */
  sw: number;
  sh: number;
  /** Output plane size. */
  dw: number;
  dh: number;
  /** Source sample position of output pixel u: x0 + (u + 0.5) * sx - 0.5 (and likewise for rows). */
  x0: number;
  sx: number;
  y0: number;
  sy: number;
}

/** Integer index and 7-bit weight of a sample position, clamped so index + 1 stays inside [0, size). */
function tap(pos: number, size: number): [number, number] {
  let i = Math.floor(pos);
  let w = Math.round((pos - i) * 128);
  if (w === 128) {
    i += 1;
    w = 0;
  }
  if (i < 0) return [0, 0];
  if (i >= size - 1) return [Math.max(0, size - 2), size > 1 ? 127 : 0];
  return [i, w];
}

/** The definition the SIMD kernel implements, in plain JS (for tests and as a fallback). */
export function resampleReference(src: Uint8Array, g: PlaneGeometry, dst: Uint8Array, dstOffset = 0): void {
  const row = new Uint8Array(g.dw);
  const hrow = (r: number, out: Uint8Array) => {
    for (let u = 0; u < g.dw; u++) {
      const [i, w] = tap(g.x0 + (u + 0.5) * g.sx - 0.5, g.sw);
      out[u] = (src[r * g.sw + i]! * (128 - w) + src[r * g.sw + i + 1]! * w + 64) >> 7;
    }
  };
  const a = new Uint8Array(g.dw);
  for (let v = 0; v < g.dh; v++) {
    const [r, wy] = tap(g.y0 + (v + 0.5) * g.sy - 0.5, g.sh);
    hrow(r, a);
    hrow(Math.min(r + 1, g.sh - 1), row);
    for (let u = 0; u < g.dw; u++) dst[dstOffset + v * g.dw + u] = (a[u]! * (128 - wy) + row[u]! * wy + 64) >> 7;
  }
}

/**
 * A resampler bound to one source frame (yuv420p planes) and one output size. Not thread-safe; one per clip.
 * Memory layout inside the module: source planes, output frame, two cached rows, tables; each padded by 32 bytes
 * because the SIMD loads and stores run past the ends.
 */
export class FrameResampler {
  private readonly k: Kernel;
  private readonly srcOff: number[] = [];
  private readonly outOff: number;
  private readonly rowOff: [number, number];
  private readonly tabOff: number;
  readonly outBytes: number;

  constructor(
    source: Uint8Array,
    readonly src: { width: number; height: number },
    readonly out: { width: number; height: number },
  ) {
    const inst = new WebAssembly.Instance(kernelModule(), {});
    this.k = inst.exports as unknown as Kernel;
    const pad = 32;
    const ys = src.width * src.height;
    const cs = (src.width / 2) * (src.height / 2);
    this.outBytes = out.width * out.height * 1.5;
    let at = 0;
    for (const size of [ys, cs, cs]) {
      this.srcOff.push(at);
      at += size + pad;
    }
    this.outOff = at;
    at += this.outBytes + pad;
    const rowBytes = Math.ceil(out.width / 16) * 16 + pad;
    this.rowOff = [at, at + rowBytes];
    at += 2 * rowBytes;
    this.tabOff = at;
    at += (Math.ceil(out.width / 8) + 1) * 64 + pad;
    const pages = Math.ceil(at / 65536);
    const mem = this.k.mem;
    if (mem.buffer.byteLength < pages * 65536) mem.grow(pages - mem.buffer.byteLength / 65536);
    const view = new Uint8Array(mem.buffer);
    view.set(source.subarray(0, ys), this.srcOff[0]);
    view.set(source.subarray(ys, ys + cs), this.srcOff[1]);
    view.set(source.subarray(ys + cs, ys + 2 * cs), this.srcOff[2]);
  }

  /**
   * Render one output frame for the luma window (left, top, width, height) in source pixels; returns a view of
   * the module's memory holding the yuv420p frame, valid until the next call.
   */
  frame(win: { x: number; y: number; w: number; h: number }): Uint8Array {
    const W = this.out.width;
    const H = this.out.height;
    const [lg, cg] = this.geometries(win);
    this.plane(0, lg, this.outOff);
    this.plane(1, cg, this.outOff + W * H);
    this.plane(2, cg, this.outOff + W * H * 1.25);
    return new Uint8Array(this.k.mem.buffer, this.outOff, this.outBytes);
  }

  /** Luma and chroma plane geometry of a window. */
  geometries(win: { x: number; y: number; w: number; h: number }): [PlaneGeometry, PlaneGeometry] {
    const W = this.out.width;
    const H = this.out.height;
    const sx = win.w / W;
    const sy = win.h / H;
    // Luma: centres map straight through.
    const lg = { sw: this.src.width, sh: this.src.height, dw: W, dh: H, x0: win.x, sx, y0: win.y, sy };
    // Chroma (MPEG "left" siting): chroma column j sits on luma column 2j, chroma row i midway between luma rows
    // 2i and 2i+1. Expressed in chroma sample indices, with the same scale factors.
    const cg = {
      sw: this.src.width / 2,
      sh: this.src.height / 2,
      dw: W / 2,
      dh: H / 2,
      x0: win.x / 2 + 0.25 * (1 - sx),
      sx,
      y0: win.y / 2,
      sy,
    };
    return [lg, cg];
  }

  private plane(p: number, g: PlaneGeometry, dst: number): void {
    const mem = new DataView(this.k.mem.buffer);
    const bytes = new Uint8Array(this.k.mem.buffer);
    const blocks = Math.ceil(g.dw / 8);
    // Column table: shared by every row of this plane.
    for (let b = 0; b < blocks; b++) {
      const rec = this.tabOff + b * 64;
      const taps: [number, number][] = [];
      for (let l = 0; l < 8; l++) {
        const u = Math.min(b * 8 + l, g.dw - 1);
        taps.push(tap(g.x0 + (u + 0.5) * g.sx - 0.5, g.sw));
      }
      const base = taps[0]![0];
      if (taps[7]![0] + 1 - base > 15) throw new Error("resample step too large for the SIMD kernel (max ~1.8)");
      mem.setInt32(rec, base, true);
      for (let l = 0; l < 8; l++) {
        const [i, w] = taps[l]!;
        bytes[rec + 16 + l] = i - base;
        bytes[rec + 24 + l] = i + 1 - base;
        mem.setInt16(rec + 32 + 2 * l, 128 - w, true);
        mem.setInt16(rec + 48 + 2 * l, w, true);
      }
    }
    const src = this.srcOff[p]!;
    const [ra, rb] = this.rowOff;
    let tagA = -1;
    let tagB = -1;
    let slotA = ra;
    let slotB = rb;
    const blocks16 = Math.ceil(g.dw / 16);
    for (let v = 0; v < g.dh; v++) {
      const [r, wy] = tap(g.y0 + (v + 0.5) * g.sy - 0.5, g.sh);
      const r1 = Math.min(r + 1, g.sh - 1);
      if (tagA !== r) {
        if (tagB === r) {
          [slotA, slotB] = [slotB, slotA];
          tagA = r;
          tagB = -1;
        } else {
          this.k.hpass(src + r * g.sw, this.tabOff, blocks, slotA);
          tagA = r;
        }
      }
      if (tagB !== r1) {
        this.k.hpass(src + r1 * g.sw, this.tabOff, blocks, slotB);
        tagB = r1;
      }
      this.k.vpass(slotA, slotB, wy, blocks16, dst + v * g.dw);
    }
  }
}

/**
 * Per-byte blends of whole frames with the same SIMD kernel (its vertical pass is exactly
 * (a * (128 - w) + b * w + 64) >> 7): crossfades and flashes of yuv420p frames. The three frame slots live in the
 * module's memory; `a`, `b` and `out` are views of them.
 */
export class FrameBlender {
  private readonly k: Kernel;
  private readonly off: [number, number, number];
  readonly a: Uint8Array;
  readonly b: Uint8Array;
  readonly out: Uint8Array;

  constructor(readonly frameBytes: number) {
    if (frameBytes % 16 !== 0) throw new Error(`frame size ${frameBytes} is not a multiple of 16 bytes`);
    this.k = new WebAssembly.Instance(kernelModule(), {}).exports as unknown as Kernel;
    const slot = frameBytes + 32;
    this.off = [0, slot, 2 * slot];
    const pages = Math.ceil((3 * slot) / 65536);
    const mem = this.k.mem;
    if (mem.buffer.byteLength < pages * 65536) mem.grow(pages - mem.buffer.byteLength / 65536);
    [this.a, this.b, this.out] = this.off.map((o) => new Uint8Array(mem.buffer, o, frameBytes)) as [Uint8Array, Uint8Array, Uint8Array];
  }

  /** out = a + (b - a) * w / 128, rounded; w in 0..128. */
  mix(w: number): Uint8Array {
    this.k.vpass(this.off[0], this.off[1], clamp128(w), this.frameBytes / 16, this.off[2]);
    return this.out;
  }

  /** out = out + (b - out) * w / 128 (blend the last result towards slot b). */
  mixOut(w: number): Uint8Array {
    this.k.vpass(this.off[2], this.off[1], clamp128(w), this.frameBytes / 16, this.off[2]);
    return this.out;
  }
}

const clamp128 = (w: number) => Math.max(0, Math.min(128, Math.round(w)));
