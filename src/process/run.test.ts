import { describe, expect, it } from "vitest";
import { findFfmpeg } from "../render/ffmpeg";
import { ProcessError, argv, runProcess, writeChunk } from "./run";

const { ffmpeg } = findFfmpeg();

describe("the shared process runner (real ffmpeg)", () => {
  it("passes each argument as one argv entry: shell metacharacters stay literal", async () => {
    const tricky = ["a b", "$(touch /tmp/pwned)", "'; rm -rf /", "\"quoted\"", "ü 🎬"];
    const r = await runProcess(process.execPath, ["-e", "process.stdout.write(JSON.stringify(process.argv.slice(1)))", ...tricky]);
    expect(JSON.parse(r.stdout)).toEqual(tricky);
  });

  it("argv drops null groups and stringifies numbers", () => {
    expect(argv(["-i", "x"], null, false, ["-t", 3])).toEqual(["-i", "x", "-t", "3"]);
  });

  it("feeds an extra pipe (fd 3) and returns stdout bytes unchanged", async () => {
    const frame = new Uint8Array(4 * 4 * 3).map((_, i) => (i * 37) % 256);
    const r = await runProcess(
      ffmpeg,
      ["-hide_banner", "-nostdin", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "4x4", "-i", "pipe:3", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
      { stdout: "bytes", pipes: [async (s) => writeChunk(s, frame)] },
    );
    expect(new Uint8Array(r.stdoutBytes)).toEqual(frame);
  });

  it("reports ffmpeg's -progress as fractions ending at 1", async () => {
    const seen: number[] = [];
    await runProcess(ffmpeg, ["-hide_banner", "-nostdin", "-progress", "pipe:1", "-nostats", "-f", "lavfi", "-i", "testsrc=s=64x64:d=2", "-f", "null", "-"], {
      stdout: "progress",
      progress: { durationSec: 2, onProgress: (f) => seen.push(f), intervalMs: 0 },
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((f) => f >= 0 && f <= 1)).toBe(true);
  });

  it("a failure carries the exit code and stderr's tail", async () => {
    const e = await runProcess(ffmpeg, ["-hide_banner", "-i", "/nonexistent/input.mp4", "-f", "null", "-"], { tailLines: 5 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProcessError);
    const pe = e as ProcessError;
    expect(pe.exitCode).not.toBe(0);
    expect(pe.aborted).toBe(false);
    expect(pe.stderrTail).toMatch(/nonexistent/);
    expect(pe.stderrTail.split("\n").length).toBeLessThanOrEqual(5);
  });

  it("aborting kills the child", async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(new Error("cancelled by test")), 300);
    const e = await runProcess(ffmpeg, ["-hide_banner", "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc=s=64x64:d=60", "-f", "null", "-"], { signal: ac.signal }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProcessError);
    expect((e as ProcessError).aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(30_000); // far below the 60 s the input lasts at -re
  });

  it("a missing binary says so and how to install it", async () => {
    const e = (await runProcess("/nonexistent/espeak-ng", []).catch((x: unknown) => x)) as ProcessError;
    expect(e.notFound).toBe(true);
    expect(e.message).toMatch(/apt-get install espeak-ng/);
  });

  it("a feeder that throws kills the child and its error is reported", async () => {
    const e = await runProcess(ffmpeg, ["-hide_banner", "-nostdin", "-f", "rawvideo", "-pix_fmt", "gray", "-s", "64x64", "-i", "pipe:0", "-f", "null", "-"], {
      stdin: async () => {
        throw new Error("frame source broke");
      },
    }).catch((x: unknown) => x);
    expect((e as Error).message).toBe("frame source broke");
  });
});
