import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClipCache, InMemoryClipCacheIndex, clipKey, hashFile } from "./clip-cache";
import { probe, runFfmpeg } from "./ffmpeg";
import { renderVideo } from "./index";
import { makeImage, meanAbsDiff, readGrayFrames } from "./testing";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-cache-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(p);
    }
  };
  await walk(root).catch(() => undefined);
  return out;
}

/** A small real clip, like a Ken Burns build would produce. */
const produceClip = (tmpPath: string) =>
  runFfmpeg([
    "-f", "lavfi", "-i", "testsrc2=size=160x284:rate=24:duration=0.5",
    "-c:v", "libx264", "-preset", "ultrafast", "-f", "matroska", tmpPath,
  ]).then(() => undefined);

describe("clip cache (filesystem + index)", () => {
  it("keys on content and parameters, order-independently", async () => {
    const a = await makeImage(join(dir, "k.png"), { width: 64, height: 64 });
    const h = await hashFile(a);
    expect(clipKey(h, { fps: 30, motion: { type: "zoom-in", focusX: 0.5 } })).toBe(
      clipKey(h, { motion: { focusX: 0.5, type: "zoom-in" }, fps: 30 }),
    );
    expect(clipKey(h, { fps: 30 })).not.toBe(clipKey(h, { fps: 24 }));
  });

  it("two concurrent builds of one key (two hosts sharing root and table) leave one valid entry", async () => {
    const root = join(dir, "shared");
    const index = new InMemoryClipCacheIndex();
    const hostA = new ClipCache({ root, index });
    const hostB = new ClipCache({ root, index });
    let builds = 0;
    const produce = (p: string) => {
      builds++;
      return produceClip(p);
    };
    const [a, b, a2] = await Promise.all([
      hostA.getOrBuild("k1", { t: 1 }, produce),
      hostB.getOrBuild("k1", { t: 1 }, produce),
      hostA.getOrBuild("k1", { t: 1 }, produce), // same process: joins the build in flight
    ]);
    expect(a.path).toBe(b.path);
    expect(a2.path).toBe(a.path);
    expect(builds).toBe(2); // one per host; the in-process duplicate shared host A's build
    expect(index.rows.size).toBe(1);
    const files = await listFiles(root);
    expect(files).toEqual([a.path]); // no temp files left
    const p = await probe(a.path);
    expect(p.streams[0]?.codec_name).toBe("h264");
    expect(index.rows.get("k1")?.file).toBe("kb/k1/k1.yuv");
  });

  it("a row whose file is missing or truncated is a miss and is rebuilt", async () => {
    const root = join(dir, "stale");
    const index = new InMemoryClipCacheIndex();
    const cache = new ClipCache({ root, index });
    const first = await cache.getOrBuild("abc", {}, produceClip);
    await rm(first.path);
    expect(await cache.lookup("abc")).toBeNull();
    expect(index.rows.size).toBe(0);
    const again = await cache.getOrBuild("abc", {}, produceClip);
    expect(again.hit).toBe(false);
    await writeFile(again.path, "cut short");
    expect(await cache.lookup("abc")).toBeNull();
  });

  it("a failed (killed) build leaves no entry and no file", async () => {
    const root = join(dir, "killed");
    const index = new InMemoryClipCacheIndex();
    const cache = new ClipCache({ root, index });
    const ac = new AbortController();
    const p = cache.getOrBuild("dead", {}, (tmp) =>
      runFfmpeg(["-f", "lavfi", "-i", "testsrc2=size=640x480:rate=30", "-c:v", "libx264", "-f", "matroska", tmp], {
        signal: ac.signal,
      }).then(() => undefined),
    );
    setTimeout(() => ac.abort(), 400);
    await expect(p).rejects.toThrow();
    expect(index.rows.size).toBe(0);
    expect(await listFiles(root)).toEqual([]);
  });

  it("evicts least recently used clips to stay under the cap, sparing protected ones", async () => {
    const root = join(dir, "evict");
    const index = new InMemoryClipCacheIndex();
    const cache = new ClipCache({ root, index, capBytes: 2500 });
    const put = (key: string) =>
      cache.getOrBuild(key, {}, async (tmp) => {
        await mkdir(join(tmp, ".."), { recursive: true });
        await writeFile(tmp, Buffer.alloc(1000, 1));
      });
    await put("aa1");
    await put("bb2");
    await put("cc3");
    await cache.lookup("aa1"); // aa1 is now more recent than bb2
    const removed = await cache.evict(new Set(["cc3"]));
    expect(removed).toEqual(["kb/bb/bb2.yuv"]);
    expect(await index.totalBytes()).toBeLessThanOrEqual(2500);
    expect([...index.rows.keys()].sort()).toEqual(["aa1", "cc3"]);
    await expect(stat(join(root, "kb/bb/bb2.yuv"))).rejects.toThrow();
  });
});

describe.each(["mpeg2", "raw"] as const)("renderVideo with a clip cache (%s clips)", (format) => {
  it("a second identical render hits the cache and does not run Ken Burns again", async () => {
    const img = await makeImage(join(dir, "still.jpg"), { width: 800, height: 600 });
    const img2 = await makeImage(join(dir, "still2.png"), { width: 600, height: 900, source: "mandelbrot" });
    const root = join(dir, `render-cache-${format}`);
    const work = join(dir, "work");
    await mkdir(work, { recursive: true });
    const index = new InMemoryClipCacheIndex();
    const plan = {
      output: { fps: 24 as const, preset: "preview" as const },
      scenes: [
        { durationSec: 0.5, visual: { kind: "image" as const, path: img, motion: { type: "zoom-in" as const } }, transition: { kind: "crossfade" as const, durationSec: 0.2 } },
        { durationSec: 0.5, visual: { kind: "image" as const, path: img2, motion: { type: "pan-left" as const } } },
      ],
    };
    const first = await renderVideo(plan, { workDir: work, outPath: join(dir, "c1.mp4"), clipCache: new ClipCache({ root, index, format }) });
    expect([first.cacheHits, first.cacheMisses]).toEqual([0, 2]);
    // Each entry knows what it cost to make (the admin page's "time saved").
    expect([...index.rows.values()].map((r) => (r.buildMs ?? 0) > 0)).toEqual([true, true]);
    const files = await listFiles(root);
    const mtimes = await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs));
    // A restart: a new ClipCache object over the same root and table.
    const second = await renderVideo(plan, { workDir: work, outPath: join(dir, "c2.mp4"), clipCache: new ClipCache({ root, index, format }) });
    expect([second.cacheHits, second.cacheMisses]).toEqual([2, 0]);
    expect(second.kenBurnsBuilds).toBe(0);
    expect(await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs))).toEqual(mtimes);
    expect([...index.rows.values()].map((r) => r.hits)).toEqual([1, 1]);
    const v = (await probe(join(dir, "c2.mp4"))).streams.find((s) => s.codec_type === "video")!;
    expect(Number(v.nb_frames)).toBe(24);
    // The cached render shows the same pictures as the streamed one.
    const [a] = await readGrayFrames(join(dir, "c1.mp4"), { from: 5, count: 1, width: 540, height: 960 });
    const [b] = await readGrayFrames(join(dir, "c2.mp4"), { from: 5, count: 1, width: 540, height: 960 });
    expect(meanAbsDiff(a!, b!)).toBeLessThan(2);
  });
});
