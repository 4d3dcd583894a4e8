/**
 * `npm run bench:render` (tsx bench/render.ts): the render engine and its encoded-segment cache against the encoder's
 * own speed (issue 13).
 *
 * A fixed 6-scene, 18 s, 1080x1920, 30 fps campaign of stills (Ken Burns on each), flash and crossfade transitions,
 * word-timed captions, flite voiceover and ducked synth music. Measures, in one run:
 * - cold: an empty segment cache (every segment encoded);
 * - exact: the same render again (every segment reused: join + mux only);
 * - variant: the hook scene's narration and captions changed, the other five scenes identical (the segments showing
 *   the new captions are encoded, the rest reused);
 * - floor: the output's own frames decoded once to raw (untimed), then encoded with the same encoder and settings
 *   (timed). Nothing can produce those frames faster than that encode;
 * - cold in a fresh process (a child that has rendered nothing before), timed next to a floor;
 * - cache bytes per second of video against the output's own bytes per second (after a cold render);
 * - peak memory of this process and every ffmpeg child (sampled from /proc every 200 ms, in an extra cold + exact
 *   pass that is not timed): the sum of RSS and the sum of PSS.
 * The last line of output is one JSON object with the figures (keys `cold_ratio`, `exact_ratio`, `variant_ratio`,
 * `cache_bytes_vs_output_ratio`, `peak_rss_mb`, ...).
 *
 * Presets (issue 9): the same campaign rendered with `preview` and `final`, alternately, without a cache,
 * `--preset-runs` times (default 2): the medians of preview/final wall time and CPU time and the file size ratio.
 *
 * Options: --keep (keep the temp dir), --runs N (rounds; default 3), --preset-runs N (default 2, 0 to skip),
 * --no-fresh (skip the fresh-process cold render).
 *
 * The host is shared and its load swings, so each round times cold, floor, exact, floor, variant, floor, and each
 * ratio uses the floor timed next to it; the figures are medians over the rounds. CPU seconds (user+sys of node and
 * every ffmpeg) are printed too: they do not depend on what else runs.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encoderSettings } from "~/render/encoders";
import { findFfmpeg, probe } from "~/render/ffmpeg";
import { type RenderPlanInput, renderVideo } from "~/render/index";
import { InMemorySegmentIndex, SegmentCache } from "~/render/segment-cache";
import { LocalStorage } from "~/server/storage";
import { ff, makeVoice } from "~/render/testing";
import { FPS, H, W, buildPlan, makeAssets } from "./campaign";
import { rssSampler } from "./lib/measure";

const argv = process.argv.slice(2);
const keep = argv.includes("--keep");
const runs = argv.includes("--runs") ? Number(argv[argv.indexOf("--runs") + 1]) || 1 : 3;
const presetRuns = argv.includes("--preset-runs") ? Math.max(0, Number(argv[argv.indexOf("--preset-runs") + 1]) || 0) : 2;
const fresh = !argv.includes("--no-fresh");

/** CPU seconds (user+sys) of this process plus its waited-for children (ffmpeg), from /proc/self/stat. */
async function cpuSeconds(): Promise<number> {
  const s = await readFile("/proc/self/stat", "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  // Fields 14-17 of stat (utime, stime, cutime, cstime) are at 11..14 after the command name.
  const ticks = [11, 12, 13, 14].reduce((a, i) => a + Number(f[i]), 0);
  return ticks / 100;
}

function newCache(dir: string) {
  return new SegmentCache({ store: new LocalStorage(dir), index: new InMemorySegmentIndex(), capBytes: 20e9 });
}

/**
 * One render. With `sampleMemory`, /proc is sampled meanwhile for the peak memory: that costs this process CPU
 * (~0.3 s a render) that the floor's encode does not pay, so timed rounds run without it and memory gets a pass
 * of its own.
 */
async function timedRender(plan: RenderPlanInput, dir: string, cache: SegmentCache | undefined, name: string, sampleMemory = false) {
  const outPath = join(dir, `${name}.mp4`);
  const rss = sampleMemory ? rssSampler() : null;
  const c0 = await cpuSeconds();
  const t0 = performance.now();
  const result = await renderVideo(plan, { workDir: dir, outPath, segmentCache: cache });
  const wall = (performance.now() - t0) / 1000;
  const cpu = (await cpuSeconds()) - c0;
  const peak = (await rss?.stop()) ?? { rss: 0, pss: 0 };
  return { wall, cpu, peak, result, outPath };
}

/** The hook scene rewritten: another first line, its own narration and word-timed caption. */
async function variantOf(plan: RenderPlanInput, dir: string): Promise<RenderPlanInput> {
  const line = "Still drinking lukewarm coffee?";
  const voice = await makeVoice(dir, "hook-variant", line);
  const dur = Math.min(2.6, (await probe(voice)).durationSec ?? 2);
  const start = plan.audio!.voice![0]!.startSec;
  const words = line.split(" ");
  const total = words.reduce((a, w) => a + w.length + 1, 0);
  let t = start;
  const cue = {
    start,
    end: start + dur,
    text: line,
    words: words.map((w) => {
      const d = (dur * (w.length + 1)) / total;
      const word = { text: w, start: t, end: t + d };
      t += d;
      return word;
    }),
  };
  return {
    ...plan,
    captions: { ...plan.captions, cues: [cue, ...plan.captions!.cues!.slice(1)] },
    audio: { ...plan.audio, voice: [{ path: voice, startSec: start }, ...plan.audio!.voice!.slice(1)] },
  };
}

/** `--child-cold <plan.json> <dir>`: one cold render in this (fresh) process; prints its wall time as JSON. */
async function childCold(planPath: string, dir: string) {
  const plan = JSON.parse(await readFile(planPath, "utf8")) as RenderPlanInput;
  const cache = newCache(join(dir, "cache-fresh"));
  const r = await timedRender(plan, dir, cache, "fresh-cold");
  await rm(join(dir, "cache-fresh"), { recursive: true, force: true });
  console.log(JSON.stringify({ wall: r.wall, cpu: r.cpu, out: r.outPath }));
}

/** Runs the cold render in a child process (same node and loader flags) and returns its own timing. */
async function freshCold(planPath: string, dir: string): Promise<{ wall: number; cpu: number; out: string }> {
  const out = await new Promise<string>((resolve, reject) => {
    const c = spawn(process.execPath, [...process.execArgv, import.meta.filename, "--child-cold", planPath, dir], { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    c.stdout.on("data", (d: Buffer) => (text += d.toString()));
    c.on("close", (code) => (code === 0 ? resolve(text) : reject(new Error(`fresh cold render failed: ${code}`))));
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as { wall: number; cpu: number; out: string };
}

/** The output's own frames decoded once to raw video (untimed). */
async function decodeForFloor(outPath: string, dir: string): Promise<string> {
  const raw = join(dir, "floor.yuv");
  await ff(["-i", outPath, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "yuv420p", raw]);
  return raw;
}

/** Encode the raw frames with the render's encoder and settings (timed). */
async function encodeFloor(raw: string, dir: string): Promise<{ wall: number; cpu: number }> {
  const enc = encoderSettings("libx264", "final");
  const c0 = await cpuSeconds();
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const c = spawn(findFfmpeg().ffmpeg, [
      "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
      "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", `${W}x${H}`, "-r", String(FPS), "-i", raw,
      ...enc.videoArgs, "-movflags", "+faststart", "-f", "mp4", join(dir, "floor.mp4"),
    ], { stdio: ["ignore", "ignore", "inherit"] });
    c.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`floor encode failed: ${code}`))));
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = (await cpuSeconds()) - c0;
  return { wall, cpu };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dir = await mkdtemp(join(tmpdir(), "rf-bench-"));
  try {
    console.log(`bench dir ${dir}`);
    const assets = await makeAssets(join(dir, "assets"));
    const plan = await buildPlan(assets);
    const variant = await variantOf(plan, join(dir, "assets"));
    const rounds: { cold: number; exact: number; variant: number; floorC: number; floorE: number; floorV: number; cpuCold: number; cpuExact: number; cpuVariant: number; cpuFloor: number; cacheBytes: number; outBytes: number; reused: number; segments: number }[] = [];
    let peak = { rss: 0, pss: 0 };
    let frames = 0;
    let durationSec = 0;
    let raw: string | null = null;
    let last: Awaited<ReturnType<typeof timedRender>> | null = null;
    const load = async () => (await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ");
    for (let r = 0; r < runs; r++) {
      const cacheDir = join(dir, `cache${r}`);
      await mkdir(cacheDir, { recursive: true });
      const cache = newCache(cacheDir);
      const cold = await timedRender(plan, dir, cache, `cold${r}`);
      const cacheBytes = await cache.index.totalBytes();
      const outBytes = (await stat(cold.outPath)).size;
      raw ??= await decodeForFloor(cold.outPath, dir);
      const floorC = await encodeFloor(raw, dir);
      const exact = await timedRender(plan, dir, cache, `exact${r}`);
      const floorE = await encodeFloor(raw, dir);
      const vr = await timedRender(variant, dir, cache, `variant${r}`);
      const floorV = await encodeFloor(raw, dir);
      rounds.push({
        cold: cold.wall,
        exact: exact.wall,
        variant: vr.wall,
        floorC: floorC.wall,
        floorE: floorE.wall,
        floorV: floorV.wall,
        cpuCold: cold.cpu,
        cpuExact: exact.cpu,
        cpuVariant: vr.cpu,
        cpuFloor: (floorC.cpu + floorE.cpu + floorV.cpu) / 3,
        cacheBytes,
        outBytes,
        reused: vr.result.cacheHits,
        segments: vr.result.segments.length,
      });
      frames = cold.result.frames;
      durationSec = cold.result.durationSec;
      last = exact;
      await Promise.all([rm(cacheDir, { recursive: true, force: true }), rm(cold.outPath, { force: true }), rm(vr.outPath, { force: true })]);
      if (r < runs - 1) await rm(exact.outPath, { force: true });
      console.log(`round ${r + 1} (load average ${await load()})`);
      console.log(`  cold    ${cold.wall.toFixed(2)} s (cpu ${cold.cpu.toFixed(1)} s) ${JSON.stringify(cold.result.timingsMs)} misses ${cold.result.cacheMisses}`);
      console.log(`  floor   ${floorC.wall.toFixed(2)} s (cpu ${floorC.cpu.toFixed(1)} s)  -> cold ${(cold.wall / floorC.wall).toFixed(2)}x`);
      console.log(`  exact   ${exact.wall.toFixed(2)} s (cpu ${exact.cpu.toFixed(1)} s) ${JSON.stringify(exact.result.timingsMs)} hits ${exact.result.cacheHits}`);
      console.log(`  floor   ${floorE.wall.toFixed(2)} s  -> exact ${(exact.wall / floorE.wall).toFixed(2)}x`);
      console.log(`  variant ${vr.wall.toFixed(2)} s (cpu ${vr.cpu.toFixed(1)} s) ${JSON.stringify(vr.result.timingsMs)} hits ${vr.result.cacheHits}/${vr.result.segments.length}`);
      console.log(`  floor   ${floorV.wall.toFixed(2)} s  -> variant ${(vr.wall / floorV.wall).toFixed(2)}x`);
      console.log(`  cache ${(cacheBytes / 1e6).toFixed(2)} MB after cold, output ${(outBytes / 1e6).toFixed(2)} MB`);
    }
    let freshRatio: number | null = null;
    let freshWall: number | null = null;
    if (fresh) {
      const planPath = join(dir, "plan.json");
      await writeFile(planPath, JSON.stringify(plan));
      const f = await freshCold(planPath, dir);
      const floorF = await encodeFloor(raw!, dir);
      await rm(f.out, { force: true });
      freshWall = f.wall;
      freshRatio = f.wall / floorF.wall;
      console.log(`fresh-process cold ${f.wall.toFixed(2)} s (cpu ${f.cpu.toFixed(1)} s), floor ${floorF.wall.toFixed(2)} s -> ${freshRatio.toFixed(2)}x (load average ${await load()})`);
    }
    {
      // Memory: one more cold and exact render, sampled, untimed.
      const cacheDir = join(dir, "cache-memory");
      const cache = newCache(cacheDir);
      const cold = await timedRender(plan, dir, cache, "cold-memory", true);
      const exact = await timedRender(plan, dir, cache, "exact-memory", true);
      peak = { rss: Math.max(cold.peak.rss, exact.peak.rss), pss: Math.max(cold.peak.pss, exact.peak.pss) };
      await Promise.all([rm(cacheDir, { recursive: true, force: true }), rm(cold.outPath, { force: true }), rm(exact.outPath, { force: true })]);
    }
    // Presets: preview vs final, alternately, no cache; ratios from pairs timed next to each other.
    const pairs: { time: number; cpu: number; bytes: number; preview: number; final: number }[] = [];
    for (let r = 0; r < presetRuns; r++) {
      const one = async (preset: "preview" | "final") => {
        const outPath = join(dir, `preset-${preset}.mp4`);
        const c0 = await cpuSeconds();
        const t0 = performance.now();
        await renderVideo({ ...plan, output: { ...plan.output, preset } }, { workDir: dir, outPath });
        const wall = (performance.now() - t0) / 1000;
        const cpu = (await cpuSeconds()) - c0;
        const bytes = (await stat(outPath)).size;
        await rm(outPath, { force: true });
        return { wall, cpu, bytes };
      };
      const final = await one("final");
      const preview = await one("preview");
      pairs.push({ time: preview.wall / final.wall, cpu: preview.cpu / final.cpu, bytes: preview.bytes / final.bytes, preview: preview.wall, final: final.wall });
      console.log(
        `presets ${r + 1}: final ${final.wall.toFixed(2)} s (cpu ${final.cpu.toFixed(1)} s, ${(final.bytes / 1e6).toFixed(2)} MB), ` +
          `preview ${preview.wall.toFixed(2)} s (cpu ${preview.cpu.toFixed(1)} s, ${(preview.bytes / 1e6).toFixed(2)} MB)`,
      );
    }
    const presetTime = pairs.length ? median(pairs.map((p) => p.time)) : null;
    const presetCpu = pairs.length ? median(pairs.map((p) => p.cpu)) : null;
    const presetBytes = pairs.length ? median(pairs.map((p) => p.bytes)) : null;
    if (pairs.length) {
      console.log(`preview/final: time ${presetTime!.toFixed(2)}x (target <= 0.35x), cpu ${presetCpu!.toFixed(2)}x, bytes ${presetBytes!.toFixed(2)}x (target <= 0.5x)`);
    }
    const m = (f: (x: (typeof rounds)[number]) => number) => median(rounds.map(f));
    const coldRatio = m((x) => x.cold / x.floorC);
    const exactRatio = m((x) => x.exact / x.floorE);
    const variantRatio = m((x) => x.variant / x.floorV);
    const cacheRatio = m((x) => x.cacheBytes / x.outBytes);
    const cold = m((x) => x.cold);
    const exact = m((x) => x.exact);
    const vwall = m((x) => x.variant);
    const floor = m((x) => (x.floorC + x.floorE + x.floorV) / 3);
    const cpuFloor = m((x) => x.cpuFloor);
    const p = await probe(last!.outPath);
    const v = p.streams.find((s) => s.codec_type === "video");
    console.log(`output: ${v?.width}x${v?.height} ${v?.r_frame_rate} ${p.durationSec}s, ${frames} frames, encoder ${last!.result.encoder}, ${last!.result.segments.length} segments`);
    console.log(`cold    ${cold.toFixed(2)} s, ${coldRatio.toFixed(2)}x its floor (target <= 1.25x)`);
    console.log(`exact   ${exact.toFixed(2)} s, ${exactRatio.toFixed(2)}x its floor (target <= 0.15x)`);
    console.log(`variant ${vwall.toFixed(2)} s, ${variantRatio.toFixed(2)}x its floor (target <= 0.45x), ${rounds[0]!.reused}/${rounds[0]!.segments} segments reused`);
    console.log(`floor   ${floor.toFixed(2)} s  (${(frames / floor).toFixed(1)} fps)`);
    console.log(`cache   ${(m((x) => x.cacheBytes) / durationSec / 1e6).toFixed(3)} MB per second of video, output ${(m((x) => x.outBytes) / durationSec / 1e6).toFixed(3)} MB/s: ${cacheRatio.toFixed(2)}x (target <= 1.5x)`);
    console.log(`cpu (user+sys, node + ffmpeg): cold ${m((x) => x.cpuCold).toFixed(1)} s, exact ${m((x) => x.cpuExact).toFixed(1)} s, variant ${m((x) => x.cpuVariant).toFixed(1)} s, floor ${cpuFloor.toFixed(1)} s`);
    console.log(`peak memory of node + ffmpeg children: RSS sum ${(peak.rss / 2 ** 20).toFixed(0)} MB, PSS sum ${(peak.pss / 2 ** 20).toFixed(0)} MB (target < 1024)`);
    console.log(
      JSON.stringify({
        cold_ratio: +coldRatio.toFixed(3),
        exact_ratio: +exactRatio.toFixed(3),
        variant_ratio: +variantRatio.toFixed(3),
        fresh_cold_ratio: freshRatio === null ? null : +freshRatio.toFixed(3),
        cache_bytes_vs_output_ratio: +cacheRatio.toFixed(3),
        peak_rss_mb: Math.round(peak.rss / 2 ** 20),
        peak_pss_mb: Math.round(peak.pss / 2 ** 20),
        cold_wall_s: +cold.toFixed(3),
        exact_wall_s: +exact.toFixed(3),
        variant_wall_s: +vwall.toFixed(3),
        fresh_cold_wall_s: freshWall === null ? null : +freshWall.toFixed(3),
        floor_wall_s: +floor.toFixed(3),
        cold_cpu_s: +m((x) => x.cpuCold).toFixed(2),
        exact_cpu_s: +m((x) => x.cpuExact).toFixed(2),
        variant_cpu_s: +m((x) => x.cpuVariant).toFixed(2),
        floor_cpu_s: +cpuFloor.toFixed(2),
        variant_segments_reused: rounds[0]!.reused,
        segments: rounds[0]!.segments,
        frames,
        runs,
        preview_final_time_ratio: presetTime === null ? null : +presetTime.toFixed(3),
        preview_final_cpu_ratio: presetCpu === null ? null : +presetCpu.toFixed(3),
        preview_final_bytes_ratio: presetBytes === null ? null : +presetBytes.toFixed(3),
        preset_runs: pairs.length,
      }),
    );
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

if (argv[0] === "--child-cold") await childCold(argv[1]!, argv[2]!);
else await main();
