/**
 * `npm run bench:render` (tsx bench/render.ts): the render engine against the encoder's own speed.
 *
 * A fixed 6-scene, 18 s, 1080x1920, 30 fps campaign of stills (Ken Burns on each), flash and crossfade transitions,
 * word-timed captions, flite voiceover and ducked synth music. Measures, in one run:
 * - cold: empty Ken Burns clip cache;
 * - warm: the same render again, every clip cached;
 * - floor: the output's own frames decoded once to raw (untimed), then encoded with the same encoder and settings
 *   (timed). Nothing can produce those frames faster than that encode.
 * Peak RSS covers this process and every ffmpeg child (sampled from /proc every 50 ms).
 * The last line of output is one JSON object with the figures.
 *
 * Options: --keep (keep the temp dir), --runs N (medians of N cold/warm/floor rounds; default 3).
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InMemoryClipCacheIndex, createClipCache } from "~/render/clip-cache";
import { encoderSettings } from "~/render/encoders";
import { findFfmpeg, probe } from "~/render/ffmpeg";
import { type RenderPlanInput, renderVideo } from "~/render/index";
import { ff } from "~/render/testing";
import { FPS, H, W, buildPlan, makeAssets } from "./campaign";

const argv = process.argv.slice(2);
const keep = argv.includes("--keep");
const runs = argv.includes("--runs") ? Number(argv[argv.indexOf("--runs") + 1]) || 1 : 3;

/** CPU seconds (user+sys) of this process plus its waited-for children (ffmpeg), from /proc/self/stat. */
async function cpuSeconds(): Promise<number> {
  const s = await readFile("/proc/self/stat", "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  // Fields 14-17 of stat (utime, stime, cutime, cstime) are at 11..14 after the command name.
  const ticks = [11, 12, 13, 14].reduce((a, i) => a + Number(f[i]), 0);
  return ticks / 100;
}

/** Peak of the summed RSS of this process and all its descendants (walked via /proc/<pid>/task/<tid>/children). */
function rssSampler() {
  let peak = 0;
  const rssOf = async (pid: number): Promise<number> => {
    try {
      const st = await readFile(`/proc/${pid}/statm`, "utf8");
      return Number(st.split(" ")[1]) * 4096;
    } catch {
      return 0;
    }
  };
  const childrenOf = async (pid: number): Promise<number[]> => {
    try {
      const tids = await readdir(`/proc/${pid}/task`);
      const kids = await Promise.all(tids.map((t) => readFile(`/proc/${pid}/task/${t}/children`, "utf8").catch(() => "")));
      return kids.join(" ").split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const read = async () => {
    let sum = 0;
    const stack = [process.pid];
    while (stack.length) {
      const pid = stack.pop()!;
      sum += await rssOf(pid);
      stack.push(...(await childrenOf(pid)));
    }
    peak = Math.max(peak, sum);
  };
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      await read();
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      stop = true;
      await loop;
      return peak;
    },
  };
}

async function timedRender(plan: RenderPlanInput, dir: string, cacheDir: string, name: string) {
  const index = cacheIndex;
  const clipCache = createClipCache({ root: cacheDir, index, capBytes: 20e9 });
  const outPath = join(dir, `${name}.mp4`);
  const rss = rssSampler();
  const c0 = await cpuSeconds();
  const t0 = performance.now();
  const result = await renderVideo(plan, { workDir: dir, outPath, clipCache });
  const wall = (performance.now() - t0) / 1000;
  const cpu = (await cpuSeconds()) - c0;
  const peak = await rss.stop();
  return { wall, cpu, peak, result, outPath };
}

let cacheIndex = new InMemoryClipCacheIndex();

async function encodeFloor(outPath: string, dir: string): Promise<{ wall: number; cpu: number }> {
  const raw = join(dir, "floor.yuv");
  await ff(["-i", outPath, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "yuv420p", raw]);
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
  await rm(raw, { force: true });
  return { wall, cpu };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dir = await mkdtemp(join(tmpdir(), "rf-bench-"));
  try {
    console.log(`bench dir ${dir}`);
    const assets = await makeAssets(join(dir, "assets"));
    const plan = await buildPlan(assets);
    const colds: number[] = [];
    const warms: number[] = [];
    const floors: number[] = [];
    const cpu = { cold: [] as number[], warm: [] as number[], floor: [] as number[] };
    let peak = 0;
    let frames = 0;
    let last: Awaited<ReturnType<typeof timedRender>> | null = null;
    for (let r = 0; r < runs; r++) {
      const cacheDir = join(dir, `cache${r}`);
      await mkdir(cacheDir, { recursive: true });
      cacheIndex = new InMemoryClipCacheIndex();
      const cold = await timedRender(plan, dir, cacheDir, `cold${r}`);
      const warm = await timedRender(plan, dir, cacheDir, `warm${r}`);
      const floor = await encodeFloor(cold.outPath, dir);
      colds.push(cold.wall);
      warms.push(warm.wall);
      floors.push(floor.wall);
      cpu.cold.push(cold.cpu);
      cpu.warm.push(warm.cpu);
      cpu.floor.push(floor.cpu);
      peak = Math.max(peak, cold.peak, warm.peak);
      frames = cold.result.frames;
      last = warm;
      console.log(
        `run ${r + 1}: cold ${cold.wall.toFixed(2)} s, cpu ${cold.cpu.toFixed(1)} s (${JSON.stringify(cold.result.timingsMs)}, misses ${cold.result.cacheMisses})`,
      );
      console.log(
        `        warm ${warm.wall.toFixed(2)} s, cpu ${warm.cpu.toFixed(1)} s (${JSON.stringify(warm.result.timingsMs)}, hits ${warm.result.cacheHits})`,
      );
      console.log(`        floor ${floor.wall.toFixed(2)} s, cpu ${floor.cpu.toFixed(1)} s   (load average ${(await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ")})`);
    }
    const cold = median(colds);
    const warm = median(warms);
    const floor = median(floors);
    const p = await probe(last!.outPath);
    const v = p.streams.find((s) => s.codec_type === "video");
    console.log(`output: ${v?.width}x${v?.height} ${v?.r_frame_rate} ${p.durationSec}s, ${frames} frames, encoder ${last!.result.encoder}`);
    console.log(`cold  ${cold.toFixed(2)} s  = ${(cold / floor).toFixed(2)}x floor (target <= 1.5x)  ${(frames / cold).toFixed(1)} fps`);
    console.log(`warm  ${warm.toFixed(2)} s  = ${(warm / floor).toFixed(2)}x floor (target <= 1.25x) ${(frames / warm).toFixed(1)} fps`);
    console.log(`floor ${floor.toFixed(2)} s  (${(frames / floor).toFixed(1)} fps); old pipeline ~1 fps`);
    const cpuCold = median(cpu.cold);
    const cpuWarm = median(cpu.warm);
    const cpuFloor = median(cpu.floor);
    console.log(
      `cpu (user+sys, incl. ffmpeg): cold ${cpuCold.toFixed(1)} s = ${(cpuCold / cpuFloor).toFixed(2)}x, warm ${cpuWarm.toFixed(1)} s = ${(cpuWarm / cpuFloor).toFixed(2)}x, floor ${cpuFloor.toFixed(1)} s (load-independent view; walls on a busy shared host are noisy)`,
    );
    console.log(`peak RSS ${(peak / 2 ** 20).toFixed(0)} MB (node + ffmpeg children; target < 1024)`);
    console.log(
      JSON.stringify({
        cold_wall_s: +cold.toFixed(3),
        warm_wall_s: +warm.toFixed(3),
        floor_wall_s: +floor.toFixed(3),
        cold_ratio: +(cold / floor).toFixed(3),
        warm_ratio: +(warm / floor).toFixed(3),
        peak_rss_mb: Math.round(peak / 2 ** 20),
        fps_cold: +(frames / cold).toFixed(1),
        fps_warm: +(frames / warm).toFixed(1),
        cold_cpu_s: +cpuCold.toFixed(2),
        warm_cpu_s: +cpuWarm.toFixed(2),
        floor_cpu_s: +cpuFloor.toFixed(2),
        frames,
        runs,
      }),
    );
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

await main();
