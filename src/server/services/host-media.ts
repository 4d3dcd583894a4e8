/**
 * What this host's ffmpeg can do: its version and the H.264 encoders that actually work here
 * (listing is not working: each candidate is test-encoded by the render engine's detector).
 * Measured once per process.
 */
import { spawnSync } from "node:child_process";
import { findFfmpeg } from "~/render/ffmpeg";
import { detectEncoders } from "~/render/encoders";

export interface HostMedia {
  ffmpegVersion: string | null;
  encoders: string[];
  best: string | null;
}

let cached: Promise<HostMedia> | undefined;

export function describeHostMedia(): Promise<HostMedia> {
  cached ??= (async () => {
    let bin: string;
    try {
      bin = findFfmpeg().ffmpeg;
    } catch {
      return { ffmpegVersion: null, encoders: [], best: null };
    }
    const v = spawnSync(bin, ["-hide_banner", "-version"], { encoding: "utf8" });
    const ffmpegVersion = /ffmpeg version (\S+)/.exec(v.stdout ?? "")?.[1] ?? null;
    const detected = await detectEncoders();
    return { ffmpegVersion, encoders: detected.working, best: detected.best };
  })();
  return cached;
}
