/**
 * The encoded-segment cache with real ffmpeg (issue 13): reuse, byte identity, join correctness, variants, bad
 * cache files, two writers, and captions/transitions across boundaries against a one-pass render.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalStorage } from "~/server/storage";
import { writeAssFile } from "./ass";
import { encoderSettings } from "./encoders";
import { findFfmpeg } from "./ffmpeg";
import { buildFfmpegArgs } from "./graph";
import { type RenderPlanInput, parseRenderPlan, renderVideo } from "./index";
import { InMemorySegmentIndex, SegmentCache, hashFile } from "./segment-cache";
import { ff, makeImage, makeVoice } from "./testing";

const run = promisify(execFile);
let dir: string;
let work: string;
let plan: RenderPlanInput;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-segments-"));
  work = join(dir, "work");
  await mkdir(work);
  const a = await makeImage(join(dir, "a.jpg"), { width: 800, height: 1200, source: "testsrc2" });
  const b = await makeImage(join(dir, "b.png"), { width: 1200, height: 800, source: "mandelbrot" });
  const voice = await makeVoice(dir, "v", "Fresh coffee every morning.");
  plan = {
    output: { width: 360, height: 640, fps: 24 },
    scenes: [
      { durationSec: 1.2, visual: { kind: "image", path: a, motion: { type: "zoom-in" } }, headline: "Fresh coffee", transition: { kind: "crossfade", durationSec: 0.4 } },
      { durationSec: 1.0, visual: { kind: "image", path: b, motion: { type: "pan-left" } }, transition: { kind: "flash", durationSec: 0.3 } },
      { durationSec: 0.8, visual: { kind: "color", color: "#204080" }, headline: "Every morning" },
    ],
    captions: {
      // The second cue straddles the boundary between scenes 1 and 2 (at 2.2 s), inside the flash.
      cues: [
        { start: 0.1, end: 1.1, text: "Fresh coffee", words: [{ text: "Fresh", start: 0.1, end: 0.6 }, { text: "coffee", start: 0.6, end: 1.1 }] },
        { start: 1.9, end: 2.6, text: "every morning", words: [{ text: "every", start: 1.9, end: 2.2 }, { text: "morning", start: 2.2, end: 2.6 }] },
      ],
    },
    audio: { voice: [{ path: voice, startSec: 0.1 }] },
    brand: { name: "Beans" },
    endCard: { cta: "Order today", url: "beans.example", durationSec: 1 },
  };
});
afterAll(async () => {
  if (!process.env.KEEP_TEST_DIR) await rm(dir, { recursive: true, force: true });
});

function newCache(name: string, index = new InMemorySegmentIndex()) {
  return new SegmentCache({ store: new LocalStorage(join(dir, name)), index, capBytes: 1e9 });
}

/** md5 of every decoded video frame (ffmpeg's framemd5), in order. */
async function frameHashes(path: string): Promise<string[]> {
  const { stdout } = await run(findFfmpeg().ffmpeg, ["-v", "error", "-i", path, "-map", "0:v:0", "-f", "framemd5", "-"], { maxBuffer: 64 << 20 });
  return stdout.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(",").at(-1)!.trim());
}

async function packets(path: string, stream: "v" | "a") {
  const { stdout } = await run(findFfmpeg().ffprobe, ["-v", "error", "-select_streams", `${stream}:0`, "-show_entries", "packet=pts_time,dts_time,duration_time", "-of", "csv=p=0", path], { maxBuffer: 64 << 20 });
  return stdout.trim().split("\n").map((l) => l.split(",").map(Number) as [number, number, number]);
}

/** Per-frame PSNR (dB, Y+U+V average) of b against a; Infinity for identical frames. */
async function psnrPerFrame(a: string, b: string): Promise<number[]> {
  const stats = join(dir, `psnr-${Date.now()}.log`);
  await ff(["-i", a, "-i", b, "-lavfi", `[0:v]settb=1/30,setpts=N[a];[1:v]settb=1/30,setpts=N[b];[a][b]psnr=stats_file=${stats}`, "-f", "null", "-"]);
  const text = await readFile(stats, "utf8");
  return text.trim().split("\n").map((l) => {
    const v = /psnr_avg:(\S+)/.exec(l)![1]!;
    return v === "inf" ? Infinity : Number(v);
  });
}

describe("segment cache (real ffmpeg)", () => {
  it("cold, then exact re-render: every segment reused, the same frames; a second cold build makes byte-identical segments", async () => {
    const cache = newCache("store1");
    const cold = await renderVideo(plan, { workDir: work, outPath: join(dir, "cold.mp4"), segmentCache: cache });
    const n = cold.segments.length;
    // 3 scenes + end card = 4 bodies, 3 transitions (crossfade, flash, the end card's crossfade).
    expect(n).toBe(7);
    expect(cold.cacheHits).toBe(0);
    expect(cold.cacheMisses).toBe(n);
    const warm = await renderVideo(plan, { workDir: work, outPath: join(dir, "warm.mp4"), segmentCache: cache });
    expect(warm.cacheHits).toBe(n);
    expect(warm.cacheMisses).toBe(0);
    expect(warm.segments.map((s) => s.key)).toEqual(cold.segments.map((s) => s.key));
    expect(await frameHashes(join(dir, "warm.mp4"))).toEqual(await frameHashes(join(dir, "cold.mp4")));
    // Another host (an empty cache) encodes the same plan: every segment file is byte-identical (x264 is
    // deterministic for the same input, settings and thread count).
    const other = newCache("store2");
    await renderVideo(plan, { workDir: work, outPath: join(dir, "cold2.mp4"), segmentCache: other });
    const idx1 = cache.index as InMemorySegmentIndex;
    const idx2 = other.index as InMemorySegmentIndex;
    expect([...idx2.rows.keys()].sort()).toEqual([...idx1.rows.keys()].sort());
    for (const [key, row] of idx1.rows) expect(idx2.rows.get(key)!.sha256, key).toBe(row.sha256);
  });

  it("the joined file: every frame there, timestamps monotonic without gaps, audio and video end within one frame", async () => {
    const out = join(dir, "cold.mp4");
    const p = parseRenderPlan(plan);
    const fps = p.output.fps;
    const v = await packets(out, "v");
    const a = await packets(out, "a");
    const expected = Math.round((1.2 + 1.0 + 0.8 + 1) * fps);
    expect(v.length).toBe(expected);
    const dts = v.map((x) => x[1]);
    for (let i = 1; i < dts.length; i++) expect(dts[i]!).toBeGreaterThan(dts[i - 1]!);
    const pts = v.map((x) => x[0]).sort((x, y) => x - y);
    expect(pts[0]).toBeCloseTo(0, 6);
    for (let i = 1; i < pts.length; i++) expect(pts[i]! - pts[i - 1]!).toBeCloseTo(1 / fps, 4);
    const vEnd = pts.at(-1)! + 1 / fps;
    // An AAC packet is 1024 samples at 48 kHz (ffprobe may leave its duration out).
    const aEnd = Math.max(...a.map((x) => x[0] + (Number.isFinite(x[2]) ? x[2] : 1024 / 48000)));
    expect(Math.abs(aEnd - vEnd)).toBeLessThanOrEqual(1 / fps);
  });

  it("a variant (scene 0's caption and headline changed) reuses every segment that does not show them", async () => {
    const cache = newCache("store3");
    const base = await renderVideo(plan, { workDir: work, outPath: join(dir, "v0.mp4"), segmentCache: cache });
    const variant: RenderPlanInput = {
      ...plan,
      scenes: [{ ...plan.scenes[0]!, headline: "Fresher coffee" }, ...plan.scenes.slice(1)],
      captions: { ...plan.captions, cues: [{ start: 0.1, end: 1.1, text: "Fresher coffee" }, plan.captions!.cues![1]!] },
    };
    const r = await renderVideo(variant, { workDir: work, outPath: join(dir, "v1.mp4"), segmentCache: cache });
    const rebuilt = r.segments.filter((s) => !s.hit);
    // Scene 0's body and its crossfade into scene 1 show the changed text; nothing else does.
    expect(rebuilt.map((s) => [s.kind, s.scene])).toEqual([["body", 0], ["transition", 0]]);
    expect(r.cacheHits).toBe(base.segments.length - 2);
    // The reused part decodes to the same frames as in the base render.
    const [h0, h1] = await Promise.all([frameHashes(join(dir, "v0.mp4")), frameHashes(join(dir, "v1.mp4"))]);
    const from = r.segments[2]!.startFrame;
    expect(h1.slice(from)).toEqual(h0.slice(from));
    expect(h1.slice(0, from)).not.toEqual(h0.slice(0, from));
  });

  it("a truncated, corrupted or missing segment file is a miss: rebuilt, its row replaced, the video unchanged", async () => {
    const cache = newCache("store4");
    await renderVideo(plan, { workDir: work, outPath: join(dir, "c0.mp4"), segmentCache: cache });
    const index = cache.index as InMemorySegmentIndex;
    const rows = [...index.rows.values()].filter((r) => r.params.kind !== "soundtrack");
    const store = cache.store as LocalStorage;
    await truncate(await store.localPath(rows[0]!.file), 100);
    const second = await store.localPath(rows[1]!.file);
    const bytes = await readFile(second);
    const mid = bytes.length >> 1;
    bytes[mid] = bytes[mid]! ^ 0xff;
    await writeFile(second, bytes);
    await store.delete(rows[2]!.file);
    const r = await renderVideo(plan, { workDir: work, outPath: join(dir, "c1.mp4"), segmentCache: cache });
    expect(r.cacheMisses).toBe(3);
    for (const row of index.rows.values()) expect(await hashFile(await store.localPath(row.file))).toBe(row.sha256);
    expect(await frameHashes(join(dir, "c1.mp4"))).toEqual(await frameHashes(join(dir, "c0.mp4")));
  });

  it("the soundtrack is cached: reused by an exact re-render (same audio packets), mixed again for another voice or a corrupt file", async () => {
    const cache = newCache("store7");
    const audioBytes = async (f: string) => (await run(findFfmpeg().ffmpeg, ["-v", "error", "-i", f, "-map", "0:a:0", "-c", "copy", "-f", "md5", "-"])).stdout.trim();
    const cold = await renderVideo(plan, { workDir: work, outPath: join(dir, "s0.mp4"), segmentCache: cache });
    expect(cold.soundtrack.hit).toBe(false);
    expect(cold.soundtrack.bytes).toBeGreaterThan(1000);
    const warm = await renderVideo(plan, { workDir: work, outPath: join(dir, "s1.mp4"), segmentCache: cache });
    expect(warm.soundtrack).toMatchObject({ key: cold.soundtrack.key, hit: true, buildMs: 0 });
    expect(warm.timingsMs.audioMix).toBeLessThan(cold.timingsMs.audioMix!);
    expect(await audioBytes(join(dir, "s1.mp4"))).toBe(await audioBytes(join(dir, "s0.mp4")));
    // Another narration: another key, mixed again; the video segments are all reused.
    const voice2 = await makeVoice(dir, "v2", "Fresh beans every morning.");
    const other = await renderVideo({ ...plan, audio: { voice: [{ path: voice2, startSec: 0.1 }] } }, { workDir: work, outPath: join(dir, "s2.mp4"), segmentCache: cache });
    expect(other.soundtrack.hit).toBe(false);
    expect(other.soundtrack.key).not.toBe(cold.soundtrack.key);
    expect(other.cacheHits).toBe(cold.segments.length);
    // A corrupt cached soundtrack is a miss: rebuilt, the same audio as before.
    const index = cache.index as InMemorySegmentIndex;
    const row = index.rows.get(cold.soundtrack.key)!;
    const file = await cache.store.localPath(row.file);
    const bytes = await readFile(file);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    await writeFile(file, bytes);
    const again = await renderVideo(plan, { workDir: work, outPath: join(dir, "s3.mp4"), segmentCache: cache });
    expect(again.soundtrack.hit).toBe(false);
    expect(await hashFile(await cache.store.localPath(index.rows.get(cold.soundtrack.key)!.file))).toBe(index.rows.get(cold.soundtrack.key)!.sha256);
    expect(await audioBytes(join(dir, "s3.mp4"))).toBe(await audioBytes(join(dir, "s0.mp4")));
  });

  it("an aborted render leaves no row whose file is incomplete; two writers of one key leave one entry", async () => {
    const cache = newCache("store5");
    const ac = new AbortController();
    const p = renderVideo(plan, { workDir: work, outPath: join(dir, "aborted.mp4"), segmentCache: cache, signal: ac.signal, onProgress: () => ac.abort(new Error("killed")) });
    setTimeout(() => ac.abort(new Error("killed")), 1500);
    await expect(p).rejects.toThrow();
    const index = cache.index as InMemorySegmentIndex;
    for (const row of index.rows.values()) expect(await hashFile(await cache.store.localPath(row.file))).toBe(row.sha256);
    // Two hosts (two caches over one store and one index) publish the same key with different bytes.
    const shared = new InMemorySegmentIndex();
    const h1 = newCache("store6", shared);
    const h2 = newCache("store6", shared);
    await writeFile(join(dir, "x1.mp4"), "first build");
    await writeFile(join(dir, "x2.mp4"), "second build");
    const key = "ab".repeat(32);
    const [p1, p2] = await Promise.all([h1.publish(key, join(dir, "x1.mp4"), { buildMs: 1, params: {} }), h2.publish(key, join(dir, "x2.mp4"), { buildMs: 1, params: {} })]);
    expect(p1).toBe(p2);
    expect(shared.rows.size).toBe(1);
    const { readdir } = await import("node:fs/promises");
    const files = await readdir(join(dir, "store6", "cache", "segments", "ab"));
    expect(files.filter((f) => f.endsWith(".mp4"))).toHaveLength(1);
  });

  it("captions and transitions across segment boundaries look as in a one-pass render (colour scenes, frames compared)", async () => {
    const onePlan = parseRenderPlan({
      output: { width: 360, height: 640, fps: 30 },
      scenes: [
        { durationSec: 1.0, visual: { kind: "color", color: "#803020" }, transition: { kind: "crossfade", durationSec: 0.4 } },
        { durationSec: 1.0, visual: { kind: "color", color: "#204080" }, transition: { kind: "slide", durationSec: 0.3 } },
        { durationSec: 1.0, visual: { kind: "color", color: "#208040" } },
      ],
      captions: {
        cues: [
          { start: 0.5, end: 1.6, text: "across the fade", words: [{ text: "across", start: 0.5, end: 0.93 }, { text: "the", start: 0.93, end: 1.07 }, { text: "fade", start: 1.07, end: 1.6 }] },
          { start: 1.71, end: 2.55, text: "and the slide" },
        ],
      },
    });
    const seg = join(dir, "segmented.mp4");
    await renderVideo(onePlan, { workDir: work, outPath: seg });
    const ass = join(dir, "one.ass");
    await writeAssFile(ass, onePlan.captions, { width: 360, height: 640 });
    const one = join(dir, "onepass.mp4");
    const args = buildFfmpegArgs(onePlan, {
      scenes: onePlan.scenes.map((s) => ({ kind: "color", color: (s.visual as { color: string }).color })),
      audio: null,
      assPath: ass,
      encoder: encoderSettings("libx264", "final"),
      outPath: one,
    });
    await ff(args);
    const frames = async (f: string) => (await packets(f, "v")).length;
    expect([await frames(one), await frames(seg)]).toEqual([90, 90]);
    const psnr = await psnrPerFrame(one, seg);
    expect(psnr).toHaveLength(90);
    // Two lossy encodes of the same frames (different GOPs) stay far above what a caption or a transition frame off
    // by one would give (~20-25 dB here).
    console.log(`one-pass vs segmented PSNR per frame: min ${Math.min(...psnr).toFixed(1)} dB`);
    expect(Math.min(...psnr)).toBeGreaterThan(45);
  });
});
