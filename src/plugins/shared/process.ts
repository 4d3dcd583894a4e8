/**
 * Child processes for local plugins (ffmpeg, espeak-ng), through the one runner shared with the render engine
 * (`src/process/run.ts`): arguments are arrays, never shell strings; user text only ever travels on stdin or in
 * a file. Aborting the signal kills the child. Failures are `ProcessError`s with stderr's tail.
 */
import { ProcessError, type RunResult as RunnerResult, argv, runProcess as run } from "../../process/run";

export { ProcessError, argv };

export interface RunOptions {
  signal: AbortSignal;
  /** Written to stdin, then stdin is closed. */
  stdin?: string | Buffer;
  /** Keep stdout (as Buffer). Default false: stdout is discarded. */
  captureStdout?: boolean;
}

export interface RunResult {
  stdout: Buffer;
  /** stderr (ffmpeg's logs, e.g. silencedetect lines), at most the last ~1 MB. */
  stderr: string;
}

export async function runProcess(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  const r: RunnerResult = await run(command, args, {
    signal: options.signal,
    stdin: options.stdin,
    stdout: options.captureStdout ? "bytes" : "ignore",
  });
  return { stdout: r.stdoutBytes, stderr: r.stderr };
}

/** Runs ffmpeg quietly (-hide_banner -nostdin -y) with the given arguments. */
export function runFfmpeg(ffmpegPath: string, args: string[], options: RunOptions): Promise<RunResult> {
  return runProcess(ffmpegPath, ["-hide_banner", "-nostdin", "-y", ...args], options);
}

/** Reads a media file's duration from ffmpeg's header dump (no decoding). Undefined if unknown. */
export async function probeDurationSec(ffmpegPath: string, file: string, signal: AbortSignal): Promise<number | undefined> {
  // `ffmpeg -i file` without an output exits 1 by design; its stderr still has the header.
  const stderr = await run(ffmpegPath, ["-hide_banner", "-nostdin", "-i", file], { signal, stdout: "ignore", tailLines: 200 }).then(
    (r) => r.stderr,
    (e: unknown) => {
      if (e instanceof ProcessError && !e.aborted && !e.notFound) return e.stderrTail;
      throw e;
    },
  );
  const m = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  if (!m) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}
