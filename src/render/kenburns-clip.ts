/**
 * A still's Ken Burns clip, rendered frame by frame by the SIMD resampler and encoded by ffmpeg.
 *
 * Pipeline: ffmpeg decodes the still once and scales it once (lanczos) to cover the output at the move's largest
 * zoom, so no frame is ever upscaled; each output frame is a sub-pixel window of that cover (resample.ts, ~1 ms);
 * raw frames go to a second ffmpeg over stdin, which encodes the clip. Both children die with the AbortSignal.
 */
import { RenderInputError } from "./errors";
import { runFfmpeg, writeChunk } from "./ffmpeg";
import { type ContainFrame, type FrameDecision, containBox } from "./framing";
import { ease, windowAtFrame, maxZoom } from "./kenburns";
import { type KenBurns } from "./plan";
import { FrameResampler } from "./resample";
import { type FrameSource } from "./transitions";

const even = (n: number) => 2 * Math.ceil(n / 2 - 1e-9);

export interface KenBurnsClipInput {
  path: string;
  motion: KenBurns;
  hasAlpha: boolean;
  /** How the photo fills the frame (framing.ts); unset: a centred cover crop, as before framing existed. */
  frame?: FrameDecision;
  /** `#rrggbb` behind a `contain` photo whose backdrop is `color`. */
  backdropColor?: string;
}

/** Size of the still's cover for a move: the output size times the largest zoom, rounded up to even. */
export function coverSize(motion: KenBurns, size: { width: number; height: number }) {
  const z = motion.type === "none" ? 1 : maxZoom(motion);
  return { width: even(size.width * z), height: even(size.height * z) };
}

/** Frame 0 of `path` through `chain` as yuv420p bytes of `size`. */
async function decodeRaw(path: string, chain: string[], size: { width: number; height: number }, signal?: AbortSignal, input: string[] = ["-i", path]): Promise<Uint8Array> {
  const r = await runFfmpeg(
    ["-hide_banner", "-nostdin", "-loglevel", "error", ...input, "-filter_complex", `[0:v]${chain.join(",")}[v]`,
      "-map", "[v]", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"],
    { raw: true, binaryStdout: true, signal },
  );
  // A truncated or corrupt file often still gives a frame (the missing part grey): any error ffmpeg logged while
  // decoding fails it, as `checkImage` does.
  if (r.stderr.trim() !== "") throw new RenderInputError("image", path, `corrupt or truncated (${r.stderr.trim().split("\n").slice(-2).join(" ").slice(0, 300)})`);
  const bytes = r.stdoutBytes!;
  const expected = size.width * size.height * 1.5;
  if (bytes.length !== expected) {
    throw new RenderInputError("image", path, `decoding gave ${bytes.length} bytes, expected ${expected}`);
  }
  return bytes;
}

const firstFrame = (still: KenBurnsClipInput) => [
  "trim=end_frame=1",
  // Transparent PNGs: composite onto black rather than exposing the colour under alpha.
  ...(still.hasAlpha ? ["format=gbrap", "premultiply=inplace=1"] : []),
];

/** Decode frame 0 of a still, flatten alpha, crop (cover framing) and scale once to `cover`, as yuv420p bytes. */
export async function decodeCover(
  still: KenBurnsClipInput,
  cover: { width: number; height: number },
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const f = still.frame?.mode === "cover" ? still.frame : null;
  const place = f
    ? [`crop=${Math.round(f.crop.w)}:${Math.round(f.crop.h)}:${Math.round(f.crop.x)}:${Math.round(f.crop.y)}`, `scale=${cover.width}:${cover.height}:flags=lanczos`]
    : [`scale=${cover.width}:${cover.height}:force_original_aspect_ratio=increase:flags=lanczos`, `crop=${cover.width}:${cover.height}`];
  return decodeRaw(still.path, [...firstFrame(still), ...place, "setsar=1", "format=yuv420p"], cover, signal);
}

/**
 * The two layers of a `contain` frame: the sharp photo scaled once to its largest size, and the backdrop at output
 * size (the photo covering the frame, blurred at 1/8 size and darkened, or the brand colour).
 */
export async function decodeContain(
  still: KenBurnsClipInput,
  d: ContainFrame,
  size: { width: number; height: number },
  signal?: AbortSignal,
): Promise<{ sharp: Uint8Array; backdrop: Uint8Array }> {
  const { width: W, height: H } = size;
  const sw = even(W / 8);
  const sh = even(H / 8);
  const [sharp, backdrop] = await Promise.all([
    decodeRaw(still.path, [...firstFrame(still), `scale=${d.sharp.width}:${d.sharp.height}:flags=lanczos`, "setsar=1", "format=yuv420p"], d.sharp, signal),
    d.backdrop === "color"
      ? decodeRaw(still.path, ["trim=end_frame=1", "setsar=1", "format=yuv420p"], size, signal, [
          "-f", "lavfi", "-i", `color=c=0x${(still.backdropColor ?? "#111827").slice(1)}:s=${W}x${H}:d=1`,
        ])
      : decodeRaw(
          still.path,
          [
            ...firstFrame(still),
            `scale=${sw}:${sh}:force_original_aspect_ratio=increase:flags=bilinear`,
            `crop=${sw}:${sh}`,
            "gblur=sigma=4",
            `scale=${W}:${H}:flags=bicubic`,
            // Darker and less saturated, so the sharp photo and the text stand out.
            "eq=brightness=-0.18:saturation=0.7:contrast=0.85",
            "setsar=1",
            "format=yuv420p",
          ],
          size,
          signal,
        ),
  ]);
  return { sharp, backdrop };
}

interface DecodedLayers {
  /** The size `source` is at (the cover, or a contain frame's sharp layer). */
  cover: { width: number; height: number };
  source: Uint8Array;
  /** `contain` framing: the backdrop frame at output size. */
  backdrop: Uint8Array | null;
}

async function decodeLayers(still: KenBurnsClipInput, size: { width: number; height: number }, signal?: AbortSignal): Promise<DecodedLayers> {
  const f = still.frame;
  if (f?.mode === "contain") {
    const { sharp, backdrop } = await decodeContain(still, f, size, signal);
    return { cover: f.sharp, source: sharp, backdrop };
  }
  const cover = f?.mode === "cover" ? f.cover : coverSize(still.motion, size);
  return { cover, source: await decodeCover(still, cover, signal), backdrop: null };
}

/**
 * Bytes of decoded stills kept per process (issue 13: "decoded stills kept"): 192 MB holds ~40 covers of a
 * 1080x1920 frame at a 1.2x zoom (4.5 MB each as yuv420p), a batch of variants' photos several times over.
 */
export const DECODED_BUDGET_BYTES = 192 * 1024 * 1024;
const decoded = new Map<string, DecodedLayers>();
const decoding = new Map<string, Promise<DecodedLayers>>();
let decodedBytes = 0;
let keyedDecodes = 0;
const layerBytes = (l: DecodedLayers) => l.source.byteLength + (l.backdrop?.byteLength ?? 0);

function keepDecoded(key: string, layers: DecodedLayers): void {
  if (layerBytes(layers) > DECODED_BUDGET_BYTES || decoded.has(key)) return;
  decoded.set(key, layers);
  decodedBytes += layerBytes(layers);
  for (const [k, l] of decoded) {
    if (decodedBytes <= DECODED_BUDGET_BYTES) break;
    decoded.delete(k);
    decodedBytes -= layerBytes(l);
  }
}

/** How many decoded stills are kept, their bytes, and how many keyed decodes ran (for tests and measurements). */
export function decodedStillsKept(): { entries: number; bytes: number; decodes: number } {
  return { entries: decoded.size, bytes: decodedBytes, decodes: keyedDecodes };
}

/**
 * The frames of one still's move: the cover is decoded once, each consumer (`writeTo`) gets its own resampler,
 * so the segments and transitions of one scene each read the frames they need.
 */
export class KenBurnsFrames {
  private constructor(
    readonly still: KenBurnsClipInput,
    readonly frames: number,
    readonly size: { width: number; height: number },
    private readonly cover: { width: number; height: number },
    private readonly source: Uint8Array,
    /** Time spent decoding and scaling the still. */
    readonly decodeMs: number,
    /** `contain` framing: the backdrop frame at output size. */
    private readonly backdrop: Uint8Array | null = null,
  ) {}

  /**
   * Decode `still` for a move of `frames` frames at `size`. `contentKey` (the photo's content hash with its
   * preparation's version) lets the decoded layers be kept in a process-wide LRU (`DECODED_BUDGET_BYTES`) under it
   * and everything else that decides them, so a re-render (a variant) or another scene with the same photo and
   * framing skips the decode. Rejects like `runFfmpeg` (RenderInputError when the decode is not the expected size).
   */
  static async open(
    still: KenBurnsClipInput,
    frames: number,
    size: { width: number; height: number },
    signal?: AbortSignal,
    contentKey?: string,
  ): Promise<KenBurnsFrames> {
    const t0 = performance.now();
    const f = still.frame;
    const key = contentKey
      ? JSON.stringify([contentKey, size, f ?? null, f ? null : still.motion, still.hasAlpha, f?.mode === "contain" ? (still.backdropColor ?? null) : null])
      : null;
    let layers: DecodedLayers;
    const kept = key ? decoded.get(key) : undefined;
    if (key && kept) {
      // Most recently used last.
      decoded.delete(key);
      decoded.set(key, kept);
      layers = kept;
    } else if (key) {
      // Two scenes asking for the same photo at once decode it once.
      let p = decoding.get(key);
      if (!p) {
        keyedDecodes++;
        p = decodeLayers(still, size, signal).finally(() => decoding.delete(key));
        decoding.set(key, p);
      }
      // Another caller's abort fails its decode, not ours: then decode here.
      layers = await p.catch((e: unknown) => {
        if (signal?.aborted) throw e;
        return decodeLayers(still, size, signal);
      });
      keepDecoded(key, layers);
    } else {
      layers = await decodeLayers(still, size, signal);
    }
    return new KenBurnsFrames(still, frames, size, layers.cover, layers.source, performance.now() - t0, layers.backdrop);
  }

  /** A renderer of single frames (its own resampler): frame n of the move, valid until the next call. */
  frameSource(): FrameSource & { frameSync(n: number): Uint8Array } {
    const { cover, still, frames } = this;
    const f = still.frame;
    if (f?.mode === "contain" && this.backdrop) return this.containSource(f, this.backdrop);
    const motion = f?.mode === "cover" ? f.motion : still.motion;
    const resampler = new FrameResampler(this.source, cover, this.size);
    const frameSync = (n: number) => {
      const w = windowAtFrame(motion, n, frames);
      return resampler.frame({ x: w.x * cover.width, y: w.y * cover.height, w: w.w * cover.width, h: w.h * cover.height });
    };
    return { frameSync, frame: async (n) => frameSync(n) };
  }

  /**
   * `contain` frames: the backdrop, then the whole sharp photo resampled into its box of the moment. The resampler
   * draws the photo at the top-left of a sharp-sized frame (a window wider than the photo; the clamped samples right
   * and below it are never copied), and its rows are copied into the box.
   */
  private containSource(f: ContainFrame, backdrop: Uint8Array): FrameSource & { frameSync(n: number): Uint8Array } {
    const { frames, size } = this;
    const { width: W, height: H } = size;
    const { width: SW, height: SH } = f.sharp;
    const resampler = new FrameResampler(this.source, f.sharp, f.sharp);
    const out = new Uint8Array(W * H * 1.5);
    const frameSync = (n: number) => {
      const e = ease(frames > 1 ? n / (frames - 1) : 0, f.motion.easing);
      const box = containBox(f, e, size);
      const src = resampler.frame({ x: 0, y: 0, w: (SW * SW) / box.w, h: (SH * SH) / box.h });
      out.set(backdrop);
      for (let v = 0; v < box.h; v++) out.set(src.subarray(v * SW, v * SW + box.w), (box.y + v) * W + box.x);
      const cw = W / 2;
      const sw = SW / 2;
      for (const [srcPlane, dstPlane] of [[SW * SH, W * H], [SW * SH * 1.25, W * H * 1.25]] as const) {
        for (let v = 0; v < box.h / 2; v++) {
          const from = srcPlane + v * sw;
          out.set(src.subarray(from, from + box.w / 2), dstPlane + (box.y / 2 + v) * cw + box.x / 2);
        }
      }
      return out;
    };
    return { frameSync, frame: async (n) => frameSync(n) };
  }

  /** Write frames [from, to) (default all) as raw yuv420p to `stream`, respecting backpressure. */
  async writeTo(stream: NodeJS.WritableStream, signal?: AbortSignal, range: { from: number; to: number } = { from: 0, to: this.frames }): Promise<void> {
    const src = this.frameSource();
    for (let n = range.from; n < range.to; n++) {
      if (signal?.aborted) throw signal.reason;
      // The frame is a view of the resampler's memory: wait until it is handed to the kernel before reusing it.
      await writeChunk(stream, src.frameSync(n));
    }
  }

  /** Encode the frames into `outPath` with `codecArgs` (container from `format`, default Matroska). */
  async encode(
    outPath: string,
    codecArgs: readonly string[],
    fps: number,
    opts: { format?: string; signal?: AbortSignal; niceness?: number } = {},
  ) {
    const { size, frames } = this;
    await runFfmpeg(
      [
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", `${size.width}x${size.height}`, "-r", String(fps), "-i", "pipe:0",
        ...codecArgs,
        "-frames:v", String(frames),
        "-f", opts.format ?? "matroska",
        outPath,
      ],
      { signal: opts.signal, stdin: (s) => this.writeTo(s, opts.signal), totalFrames: frames, niceness: opts.niceness },
    );
  }
}

/**
 * Render `frames` frames of the still's move at `size` and `fps` into `outPath`, encoded with `codecArgs`
 * (container from `format`, default Matroska).
 */
export async function renderKenBurnsClip(opts: {
  still: KenBurnsClipInput;
  frames: number;
  size: { width: number; height: number };
  fps: number;
  outPath: string;
  codecArgs: readonly string[];
  format?: string;
  signal?: AbortSignal;
}): Promise<void> {
  const kb = await KenBurnsFrames.open(opts.still, opts.frames, opts.size, opts.signal);
  await kb.encode(opts.outPath, opts.codecArgs, opts.fps, { format: opts.format, signal: opts.signal });
}
