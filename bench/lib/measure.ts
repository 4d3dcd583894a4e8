/**
 * Shared benchmark measurements: the encode floor (the output's own frames, decoded once to raw
 * video untimed, then encoded with the same encoder, preset and settings, timed) and the peak
 * RSS of this process plus every child (ffmpeg), sampled from /proc.
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

/** Samples the summed RSS of this process tree every 50 ms; stop() returns the peak in bytes. */
export function rssSampler() {
  let peak = 0;
  const read = async () => {
    const stats = new Map<number, { ppid: number; rss: number }>();
    for (const d of await readdir("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const s = await readFile(`/proc/${d}/stat`, "utf8");
        const rest = s.slice(s.lastIndexOf(")") + 2).split(" ");
        stats.set(Number(d), { ppid: Number(rest[1]), rss: Number(rest[21]) * 4096 });
      } catch {
        /* the process ended */
      }
    }
    const tree = new Set([process.pid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, s] of stats) {
        if (!tree.has(pid) && tree.has(s.ppid)) {
          tree.add(pid);
          grew = true;
        }
      }
    }
    let sum = 0;
    for (const pid of tree) sum += stats.get(pid)?.rss ?? 0;
    peak = Math.max(peak, sum);
  };
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      await read();
      await new Promise((r) => setTimeout(r, 50));
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
