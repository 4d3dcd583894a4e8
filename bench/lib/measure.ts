/**
 * Shared benchmark measurements: the encode floor (the output's own frames, decoded once to raw
 * video untimed, then encoded with the same encoder, preset and settings, timed) and the peak
 * RSS (and PSS) of this process plus every descendant (ffmpeg, the embedded PostgreSQL).
 */
import { spawn } from "node:child_process";
import { readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { encoderSettings, type RenderPreset } from "~/render/encoders";
import { findFfmpeg, probe } from "~/render/ffmpeg";
import { type EncoderId } from "~/render/plan";

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(findFfmpeg().ffmpeg, ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", ...args], { stdio: ["ignore", "ignore", "inherit"] });
    c.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}`))));
  });
}

/** Seconds to encode `video`'s own frames from raw with `encoder`/`preset`. */
export async function encodeFloor(video: string, dir: string, encoder: EncoderId, preset: RenderPreset): Promise<{ floorSec: number; frames: number }> {
  const info = await probe(video);
  const v = info.streams.find((s) => s.codec_type === "video")!;
  const [n, d] = (v.r_frame_rate ?? "30/1").split("/").map(Number);
  const raw = join(dir, "floor.yuv");
  await run(["-i", video, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "yuv420p", raw]);
  const enc = encoderSettings(encoder, preset);
  const t0 = performance.now();
  await run([
    ...enc.globalArgs,
    "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", `${v.width}x${v.height}`, "-r", `${n}/${d}`, "-i", raw,
    ...(enc.uploadFilter ? ["-vf", enc.uploadFilter] : []),
    ...enc.videoArgs, "-movflags", "+faststart", "-f", "mp4", join(dir, "floor.mp4"),
  ]);
  const floorSec = (performance.now() - t0) / 1000;
  await rm(raw, { force: true });
  await rm(join(dir, "floor.mp4"), { force: true });
  return { floorSec, frames: Number(v.nb_frames ?? Math.round((info.durationSec ?? 0) * (n! / d!))) };
}

/** Peak of the summed RSS (and PSS) of this process and all its descendants (walked via /proc/<pid>/task/<tid>/children). */
export function rssSampler() {
  let peak = 0;
  let peakPss = 0;
  const rssOf = async (pid: number): Promise<number> => {
    try {
      const st = await readFile(`/proc/${pid}/statm`, "utf8");
      return Number(st.split(" ")[1]) * 4096;
    } catch {
      return 0;
    }
  };
  // PSS (shared pages split between processes) costs the kernel a page-table walk: only near a new peak.
  const pssOf = async (pid: number): Promise<number> => {
    const roll = await readFile(`/proc/${pid}/smaps_rollup`, "utf8").catch(() => "");
    return Number(/^Pss:\s+(\d+) kB/m.exec(roll)?.[1] ?? 0) * 1024;
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
    const pids: number[] = [];
    const stack = [process.pid];
    while (stack.length) {
      const pid = stack.pop()!;
      pids.push(pid);
      sum += await rssOf(pid);
      stack.push(...(await childrenOf(pid)));
    }
    if (sum >= 0.9 * peak) {
      let sumPss = 0;
      for (const pid of pids) sumPss += await pssOf(pid);
      peakPss = Math.max(peakPss, sumPss);
    }
    peak = Math.max(peak, sum);
  };
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      await read();
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    async stop() {
      stop = true;
      await loop;
      return { rss: peak, pss: peakPss };
    },
  };
}
