/**
 * `npm run bench:render` (tsx bench/render.ts): the render engine against the encoder's own speed.
 *
 * A fixed 6-scene, 18 s, 1080x1920, 30 fps campaign of stills (Ken Burns on each), flash and crossfade transitions,
 * word-timed captions, flite voiceover and ducked synth music. Measures, in one run:
 * - cold: empty Ken Burns clip cache;
 * - warm: the same render again, every clip cached;
 * - floor: the output's own frames decoded once to raw (untimed), then encoded with the same encoder and settings
 *   (timed). Nothing can produce those frames faster than that encode.
 * Peak memory covers this process and every ffmpeg child (sampled from /proc every 200 ms, in an extra cold + warm
 * pass that is not timed): the sum of RSS (counts shared libraries once per process) and the sum of PSS.
 * The last line of output is one JSON object with the figures.
 *
 * Presets (issue 9): the same campaign rendered with `preview` and `final`, alternately, without a clip cache (each
 * renders its own stills), `--preset-runs` times (default 2): the medians of preview/final wall time and CPU time of
 * the assembly (renderVideo), and the file size ratio. Targets: time <= 0.35x, bytes <= 0.5x.
 *
 * Options: --keep (keep the temp dir), --runs N (rounds; default 3), --clip-format raw|mpeg2 (default raw, the cache's default),
 * --preset-runs N (preview/final pairs; default 2, 0 to skip).
 *
 * The host is shared and its load swings, so each round times cold, then the floor, then warm, then the floor again,
 * and each ratio uses the floor timed next to it; the figures are medians over the rounds. CPU seconds
 * (user+sys of node and every ffmpeg) are printed too: they do not depend on what else runs.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ClipFormat, InMemoryClipCacheIndex, createClipCache } from "~/render/clip-cache";
import { encoderSettings } from "~/render/encoders";
import { findFfmpeg, probe } from "~/render/ffmpeg";
import { type RenderPlanInput, renderVideo } from "~/render/index";
import { ff } from "~/render/testing";
import { FPS, H, W, buildPlan, makeAssets } from "./campaign";
import { rssSampler } from "./lib/measure";

const argv = process.argv.slice(2);
const keep = argv.includes("--keep");
const runs = argv.includes("--runs") ? Number(argv[argv.indexOf("--runs") + 1]) || 1 : 3;
const presetRuns = argv.includes("--preset-runs") ? Math.max(0, Number(argv[argv.indexOf("--preset-runs") + 1]) || 0) : 2;
const clipFormat: ClipFormat = argv.includes("--clip-format") && argv[argv.indexOf("--clip-format") + 1] === "mpeg2" ? "mpeg2" : "raw";

/** CPU seconds (user+sys) of this process plus its waited-for children (ffmpeg), from /proc/self/stat. */
async function cpuSeconds(): Promise<number> {
  const s = await readFile("/proc/self/stat", "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  // Fields 14-17 of stat (utime, stime, cutime, cstime) are at 11..14 after the command name.
  const ticks = [11, 12, 13, 14].reduce((a, i) => a + Number(f[i]), 0);
  return ticks / 100;
}


/**
 * One render. With `sampleMemory`, /proc is sampled meanwhile for the peak memory: that costs this process CPU
 * (~0.3 s a render) that the floor's encode does not pay, so timed rounds run without it and memory gets a pass
 * of its own.
 */
async function timedRender(plan: RenderPlanInput, dir: string, cacheDir: string, name: string, sampleMemory = false) {
  const index = cacheIndex;
  const clipCache = createClipCache({ root: cacheDir, index, capBytes: 20e9, format: clipFormat });
  const outPath = join(dir, `${name}.mp4`);
  const rss = sampleMemory ? rssSampler() : null;
  const c0 = await cpuSeconds();
  const t0 = performance.now();
  const result = await renderVideo(plan, { workDir: dir, outPath, clipCache });
  const wall = (performance.now() - t0) / 1000;
  const cpu = (await cpuSeconds()) - c0;
  const peak = (await rss?.stop()) ?? { rss: 0, pss: 0 };
  return { wall, cpu, peak, result, outPath };
}

let cacheIndex = new InMemoryClipCacheIndex();

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
    const rounds: { cold: number; warm: number; floorC: number; floorW: number; cpuCold: number; cpuWarm: number; cpuFloor: number }[] = [];
    let peak = { rss: 0, pss: 0 };
    let frames = 0;
    let raw: string | null = null;
    let last: Awaited<ReturnType<typeof timedRender>> | null = null;
    const load = async () => (await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ");
    for (let r = 0; r < runs; r++) {
      const cacheDir = join(dir, `cache${r}`);
      await mkdir(cacheDir, { recursive: true });
      cacheIndex = new InMemoryClipCacheIndex();
      const cold = await timedRender(plan, dir, cacheDir, `cold${r}`);
      raw ??= await decodeForFloor(cold.outPath, dir);
      const floorC = await encodeFloor(raw, dir);
      const warm = await timedRender(plan, dir, cacheDir, `warm${r}`);
      const floorW = await encodeFloor(raw, dir);
      rounds.push({
        cold: cold.wall,
        warm: warm.wall,
        floorC: floorC.wall,
        floorW: floorW.wall,
        cpuCold: cold.cpu,
        cpuWarm: warm.cpu,
        cpuFloor: (floorC.cpu + floorW.cpu) / 2,
      });
      frames = cold.result.frames;
      last = warm;
      // Each round's clips (~1.8 GB of raw frames) and outputs go before the next round: the run's disk use stays
      // that of one round.
      if (!keep || r < runs - 1) await Promise.all([rm(cacheDir, { recursive: true, force: true }), rm(cold.outPath, { force: true })]);
      if (r < runs - 1) await rm(warm.outPath, { force: true });
      console.log(`round ${r + 1} (load average ${await load()})`);
      console.log(`  cold  ${cold.wall.toFixed(2)} s (cpu ${cold.cpu.toFixed(1)} s) ${JSON.stringify(cold.result.timingsMs)} misses ${cold.result.cacheMisses}`);
      console.log(`  floor ${floorC.wall.toFixed(2)} s (cpu ${floorC.cpu.toFixed(1)} s)  -> cold ${(cold.wall / floorC.wall).toFixed(2)}x`);
      console.log(`  warm  ${warm.wall.toFixed(2)} s (cpu ${warm.cpu.toFixed(1)} s) ${JSON.stringify(warm.result.timingsMs)} hits ${warm.result.cacheHits}`);
      console.log(`  floor ${floorW.wall.toFixed(2)} s (cpu ${floorW.cpu.toFixed(1)} s)  -> warm ${(warm.wall / floorW.wall).toFixed(2)}x`);
    }
    {
      // Memory: one more cold and warm render, sampled, untimed.
      const cacheDir = join(dir, "cache-memory");
      await mkdir(cacheDir, { recursive: true });
      cacheIndex = new InMemoryClipCacheIndex();
      const cold = await timedRender(plan, dir, cacheDir, "cold-memory", true);
      const warm = await timedRender(plan, dir, cacheDir, "warm-memory", true);
      peak = { rss: Math.max(cold.peak.rss, warm.peak.rss), pss: Math.max(cold.peak.pss, warm.peak.pss) };
      await Promise.all([rm(cacheDir, { recursive: true, force: true }), rm(cold.outPath, { force: true }), rm(warm.outPath, { force: true })]);
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
      console.log(
        `preview/final: time ${presetTime!.toFixed(2)}x (target <= 0.35x), cpu ${presetCpu!.toFixed(2)}x, bytes ${presetBytes!.toFixed(2)}x (target <= 0.5x)`,
      );
    }
    const m = (f: (x: (typeof rounds)[number]) => number) => median(rounds.map(f));
    const coldRatio = m((x) => x.cold / x.floorC);
    const warmRatio = m((x) => x.warm / x.floorW);
    const cold = m((x) => x.cold);
    const warm = m((x) => x.warm);
    const floor = m((x) => (x.floorC + x.floorW) / 2);
    const cpuCold = m((x) => x.cpuCold);
    const cpuWarm = m((x) => x.cpuWarm);
    const cpuFloor = m((x) => x.cpuFloor);
    const p = await probe(last!.outPath);
    const v = p.streams.find((s) => s.codec_type === "video");
    console.log(`output: ${v?.width}x${v?.height} ${v?.r_frame_rate} ${p.durationSec}s, ${frames} frames, encoder ${last!.result.encoder}, clips ${clipFormat}`);
    console.log(`cold  ${cold.toFixed(2)} s, ${coldRatio.toFixed(2)}x its floor (target <= 1.5x)  ${(frames / cold).toFixed(1)} fps`);
    console.log(`warm  ${warm.toFixed(2)} s, ${warmRatio.toFixed(2)}x its floor (target <= 1.25x) ${(frames / warm).toFixed(1)} fps`);
    console.log(`floor ${floor.toFixed(2)} s  (${(frames / floor).toFixed(1)} fps); the old pipeline ran at ~1 fps`);
    console.log(
      `cpu (user+sys, node + ffmpeg): cold ${cpuCold.toFixed(1)} s = ${(cpuCold / cpuFloor).toFixed(2)}x, warm ${cpuWarm.toFixed(1)} s = ${(cpuWarm / cpuFloor).toFixed(2)}x, floor ${cpuFloor.toFixed(1)} s`,
    );
    console.log(`peak memory of node + ffmpeg children: RSS sum ${(peak.rss / 2 ** 20).toFixed(0)} MB, PSS sum ${(peak.pss / 2 ** 20).toFixed(0)} MB (target < 1024)`);
    console.log(
      JSON.stringify({
        cold_wall_s: +cold.toFixed(3),
        warm_wall_s: +warm.toFixed(3),
        floor_wall_s: +floor.toFixed(3),
        cold_ratio: +coldRatio.toFixed(3),
        warm_ratio: +warmRatio.toFixed(3),
        peak_rss_mb: Math.round(peak.rss / 2 ** 20),
        peak_pss_mb: Math.round(peak.pss / 2 ** 20),
        fps_cold: +(frames / cold).toFixed(1),
        fps_warm: +(frames / warm).toFixed(1),
        cold_cpu_s: +cpuCold.toFixed(2),
        warm_cpu_s: +cpuWarm.toFixed(2),
        floor_cpu_s: +cpuFloor.toFixed(2),
        frames,
        runs,
        clip_format: clipFormat,
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

await main();
