import { describe, expect, it } from "vitest";
import { FfmpegError, FfmpegNotFoundError } from "./errors";
import { findFfmpeg, probe, runFfmpeg } from "./ffmpeg";

describe("ffmpeg runner", () => {
  it("names the install command when ffmpeg is missing", () => {
    expect(() => findFfmpeg({ PATH: "/nonexistent" })).toThrow(FfmpegNotFoundError);
    expect(() => findFfmpeg({ PATH: "/nonexistent" })).toThrow(/apt-get install ffmpeg/);
    expect(() => findFfmpeg({ FFMPEG_PATH: "/nope/ffmpeg" })).toThrow(/FFMPEG_PATH/);
    expect(findFfmpeg({ PATH: "/usr/bin" }).ffprobe).toMatch(/ffprobe$/);
  });

  it("puts the stderr tail into the error", async () => {
    const e = await runFfmpeg(["-f", "lavfi", "-i", "nosuchsource", "-f", "null", "-"]).catch((x: unknown) => x);
    expect(FfmpegError.isInstance(e)).toBe(true);
    expect((e as FfmpegError).stderrTail).toMatch(/nosuchsource/);
    expect((e as FfmpegError).stderrTail.split("\n").length).toBeLessThanOrEqual(30);
  });

  it("reports progress at most every interval, ending at 1", async () => {
    const seen: number[] = [];
    const t0 = Date.now();
    await runFfmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=4", "-c:v", "libx264", "-preset", "ultrafast", "-f", "null", "-"], {
      durationSec: 4,
      onProgress: (f) => seen.push(f),
      progressIntervalMs: 300,
    });
    expect(seen.at(-1)).toBe(1);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil((Date.now() - t0) / 300) + 2);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it("abort kills the child and rejects with the signal's reason", async () => {
    const ac = new AbortController();
    const p = runFfmpeg(["-f", "lavfi", "-i", "testsrc2=size=640x480:rate=30", "-c:v", "libx264", "-f", "null", "-"], { signal: ac.signal });
    setTimeout(() => ac.abort(new Error("stop")), 300);
    await expect(p).rejects.toThrow("stop");
  });

  it("probes streams and duration", async () => {
    await expect(probe("/nonexistent.mp4")).rejects.toThrow(FfmpegError);
  });
});
