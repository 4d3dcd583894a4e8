import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FrameFileReader, FrameFileWriter, frameStride, readFrames } from "./frame-file";

let dirs: string[] = [];
beforeAll(async () => {
  dirs = [await mkdtemp(join(tmpdir(), "rf-frames-"))];
  // tmpfs refuses O_DIRECT: the same files through plain I/O.
  try {
    dirs.push(await mkdtemp("/dev/shm/rf-frames-"));
  } catch {
    // no /dev/shm here
  }
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const frameBytes = 54 * 96 * 1.5; // 7776 bytes: not a multiple of 4096
const frameOf = (n: number) => Uint8Array.from({ length: frameBytes }, (_, i) => (i * 7 + n * 31) & 255);

describe("frame files", () => {
  it("round-trips frames at a 4096-byte stride, randomly and in order (direct I/O where the filesystem allows)", async () => {
    expect(frameStride(frameBytes)).toBe(8192);
    for (const dir of dirs) {
      const path = join(dir, "clip.yuv");
      const w = await FrameFileWriter.create(path, frameBytes);
      for (let n = 0; n < 5; n++) await w.write(frameOf(n));
      await w.close();
      expect((await stat(path)).size).toBe(5 * 8192);
      const r = await FrameFileReader.open(path, frameBytes);
      expect(await r.frame(3)).toEqual(frameOf(3));
      expect(await r.frame(0)).toEqual(frameOf(0));
      await expect(r.frame(5)).rejects.toThrow(/past the end/);
      await r.close();
      const seen: Uint8Array[] = [];
      for await (const f of readFrames(path, frameBytes, 1, 4)) seen.push(new Uint8Array(f));
      expect(seen).toEqual([frameOf(1), frameOf(2), frameOf(3)]);
    }
  });

  it("refuses a frame of the wrong size", async () => {
    const w = await FrameFileWriter.create(join(dirs[0]!, "bad.yuv"), frameBytes);
    expect(() => w.write(new Uint8Array(10))).toThrow(/expected 7776/);
    await w.close();
  });
});
