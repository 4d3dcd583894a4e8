/**
 * Raw frame files (the cache's `raw` clips): yuv420p frames, each padded to a multiple of 4096 bytes, written and
 * read with O_DIRECT where the filesystem allows it.
 *
 * Why not through the page cache: a clip is ~93 MB a second of video, read back only on a later render. Through
 * the page cache every MB costs fresh kernel pages; on this VM a page the guest has not touched lately costs ~2.5 ms
 * of kernel time per MB (dd of 1.8 GB: 4.3-4.8 s of sys time, 0.14 s with oflag=direct), which was most of a cold
 * render's overhead over the encode. Direct I/O moves the bytes by DMA from an aligned buffer: ~0.1 s of CPU for
 * 1.8 GB either way. Filesystems without O_DIRECT (tmpfs) get plain I/O.
 *
 * Layout: frame n at byte n * stride, stride = frame bytes rounded up to 4096; the file is frames * stride long.
 */
import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";

const ALIGN = 4096;

export const frameStride = (frameBytes: number) => Math.ceil(frameBytes / ALIGN) * ALIGN;

/** A page-aligned scratch buffer (WebAssembly memory is allocated page-aligned). */
function alignedBuffer(bytes: number): Uint8Array {
  const mem = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  return new Uint8Array(mem.buffer, 0, bytes);
}

async function openFile(path: string, flags: number): Promise<FileHandle> {
  if (constants.O_DIRECT) {
    try {
      return await open(path, flags | constants.O_DIRECT, 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EINVAL") throw e;
    }
  }
  return open(path, flags, 0o644);
}

/** Appends frames to a new frame file. */
export class FrameFileWriter {
  private readonly buf: Uint8Array;
  private n = 0;
  private constructor(
    private readonly fh: FileHandle,
    readonly frameBytes: number,
  ) {
    this.buf = alignedBuffer(frameStride(frameBytes));
  }

  static async create(path: string, frameBytes: number): Promise<FrameFileWriter> {
    return new FrameFileWriter(await openFile(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC), frameBytes);
  }

  /** Copies `frame` (the caller may reuse it as soon as this returns) and writes it; resolves when written. */
  write(frame: Uint8Array): Promise<void> {
    if (frame.length !== this.frameBytes) throw new Error(`frame of ${frame.length} bytes, expected ${this.frameBytes}`);
    this.buf.set(frame);
    const at = this.n++ * this.buf.length;
    return this.fh.write(this.buf, 0, this.buf.length, at).then(({ bytesWritten }) => {
      if (bytesWritten !== this.buf.length) throw new Error(`short write (${bytesWritten} of ${this.buf.length} bytes)`);
    });
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

/** Reads frame n of a frame file into `buf` (one stride); the frame is the returned view of it. */
async function readFrameAt(fh: FileHandle, path: string, buf: Uint8Array, frameBytes: number, n: number): Promise<Uint8Array> {
  const { bytesRead } = await fh.read(buf, 0, buf.length, n * buf.length);
  if (bytesRead !== buf.length) throw new Error(`${path}: frame ${n} is past the end of the clip`);
  return buf.subarray(0, frameBytes);
}

/** Random access to the frames of a frame file (a FrameSource for transitions). */
export class FrameFileReader {
  private readonly buf: Uint8Array;
  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    readonly frameBytes: number,
  ) {
    this.buf = alignedBuffer(frameStride(frameBytes));
  }

  static async open(path: string, frameBytes: number): Promise<FrameFileReader> {
    return new FrameFileReader(await openFile(path, constants.O_RDONLY), path, frameBytes);
  }

  /** Frame n; the view is valid until the next call. */
  frame(n: number): Promise<Uint8Array> {
    return readFrameAt(this.fh, this.path, this.buf, this.frameBytes, n);
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

/**
 * Frames [from, to) of a frame file in order, each read while the previous one is being used (two aligned
 * buffers): the disk read overlaps the consumer's write. A yielded view is valid until the next step.
 */
export async function* readFrames(path: string, frameBytes: number, from: number, to: number): AsyncGenerator<Uint8Array> {
  const fh = await openFile(path, constants.O_RDONLY);
  const bufs = [alignedBuffer(frameStride(frameBytes)), alignedBuffer(frameStride(frameBytes))];
  const read = (n: number) => readFrameAt(fh, path, bufs[n % 2]!, frameBytes, n);
  let next = from < to ? read(from) : null;
  try {
    for (let n = from; n < to; n++) {
      const frame = await next!;
      next = n + 1 < to ? read(n + 1) : null;
      yield frame;
    }
  } finally {
    await next?.catch(() => undefined);
    await fh.close();
  }
}
