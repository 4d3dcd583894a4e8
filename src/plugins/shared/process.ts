/**
 * Child processes for local plugins (ffmpeg, espeak-ng). Arguments are
 * arrays, never shell strings; user text only ever travels on stdin or in a
 * file. Aborting the signal kills the child. stderr's tail is kept for the error.
 */
import { spawn } from "node:child_process";

const STDERR_TAIL_CHARS = 4000;

export class ProcessError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderrTail: string,
    readonly aborted: boolean,
    readonly notFound: boolean,
  ) {
    super(message);
    this.name = "ProcessError";
  }
}

export interface RunOptions {
  signal: AbortSignal;
  /** Written to stdin, then stdin is closed. */
  stdin?: string | Buffer;
  /** Keep stdout (as Buffer). Default false: stdout is discarded. */
  captureStdout?: boolean;
}

export interface RunResult {
  stdout: Buffer;
  /** Full stderr text (ffmpeg's logs, e.g. silencedetect lines). */
  stderr: string;
}

/** Flattens `[["-i", path], cond ? ["-t", "3"] : null]` into an argv, dropping nulls. */
export function argv(...groups: (readonly (string | number)[] | null | false | undefined)[]): string[] {
  return groups.flatMap((g) => (g ? g.map(String) : []));
}

export function runProcess(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) {
      reject(new ProcessError(`${command} not started: aborted`, command, null, "", true, false));
      return;
    }
    const child = spawn(command, args, { stdio: ["pipe", options.captureStdout ? "pipe" : "ignore", "pipe"] });
    const out: Buffer[] = [];
    let stderr = "";
    let settled = false;
    const onAbort = () => child.kill("SIGKILL");
    options.signal.addEventListener("abort", onAbort, { once: true });
    child.stdout?.on("data", (d: Buffer) => out.push(d));
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
    });
    const finish = (error: ProcessError | null) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve({ stdout: Buffer.concat(out), stderr });
    };
    child.on("error", (err: NodeJS.ErrnoException) => {
      const notFound = err.code === "ENOENT";
      const hint = notFound ? ` (not found: install it, e.g. apt-get install ${command.split("/").pop()})` : "";
      finish(new ProcessError(`${command}: ${err.message}${hint}`, command, null, "", false, notFound));
    });
    child.on("close", (code) => {
      if (options.signal.aborted) {
        finish(new ProcessError(`${command} aborted`, command, code, stderr.slice(-STDERR_TAIL_CHARS), true, false));
      } else if (code !== 0) {
        const tail = stderr.slice(-STDERR_TAIL_CHARS);
        finish(new ProcessError(`${command} exited with ${code}: ${tail.trim().split("\n").slice(-3).join(" | ")}`, command, code, tail, false, false));
      } else {
        finish(null);
      }
    });
    child.stdin!.on("error", () => {
      /* EPIPE when the child exits early; its exit code tells the story. */
    });
    child.stdin!.end(options.stdin ?? "");
  });
}

/** Runs ffmpeg quietly (-hide_banner -nostdin -y) with the given arguments. */
export function runFfmpeg(ffmpegPath: string, args: string[], options: RunOptions): Promise<RunResult> {
  return runProcess(ffmpegPath, ["-hide_banner", "-nostdin", "-y", ...args], options);
}

/** Reads a media file's duration from ffmpeg's header dump (no decoding). Undefined if unknown. */
export async function probeDurationSec(ffmpegPath: string, file: string, signal: AbortSignal): Promise<number | undefined> {
  // `ffmpeg -i file` without an output exits 1 by design; its stderr still has the header.
  const stderr = await runProcess(ffmpegPath, ["-hide_banner", "-nostdin", "-i", file], { signal }).then(
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
