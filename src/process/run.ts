/**
 * The one child-process runner of Reelfarm: ffmpeg and ffprobe for the render engine
 * (`src/render/ffmpeg.ts`), ffmpeg and espeak-ng for the local plugins (`src/plugins/shared/process.ts`).
 *
 * Invariants:
 * - Arguments are an array handed to spawn; no shell ever parses them, so user text in an argument stays one
 *   argument (and user text never goes into an ffmpeg filter string: that is the callers' rule).
 * - Aborting `signal` kills the child (SIGKILL) and the run rejects with `ProcessError.aborted`.
 * - Every failure carries the command, its arguments, the exit code or signal and the tail of stderr.
 * - Feeders (stdin and the extra pipes fd 3, 4, ...) get backpressure from the kernel; a feeder that throws
 *   kills the child, and its error is the one reported unless the child succeeded anyway.
 *
 * Why not fluent-ffmpeg: its repository was archived in May 2025 and npm marks the package deprecated; it
 * rebuilds the command line from its own builder (re-ordering input and output options, re-parsing progress
 * from stderr), so a complete argument array cannot pass through it unchanged; and it cannot open the extra
 * pipes (fd 3+) the assembly feeds Ken Burns frames and the soundtrack through.
 */
import { spawn } from "node:child_process";
import { setPriority } from "node:os";

/** A function that writes a stream's whole content, resolving when done (the stream is then closed). */
export type Feeder = (stream: NodeJS.WritableStream) => Promise<void>;

export interface RunOptions {
  /** Aborting kills the child with SIGKILL. */
  signal?: AbortSignal;
  cwd?: string;
  /** Bytes or text written to stdin (then closed), or a feeder. Default: stdin is closed at once. */
  stdin?: string | Uint8Array | Feeder;
  /** More input pipes: feeder i writes to file descriptor 3 + i of the child (ffmpeg reads `pipe:<3+i>`). */
  pipes?: Feeder[];
  /**
   * What to do with stdout. "text" (default) and "bytes" collect it; "ignore" discards it; "progress" parses
   * ffmpeg's `-progress pipe:1` key=value blocks and reports through `progress`.
   */
  stdout?: "text" | "bytes" | "ignore" | "progress";
  progress?: ProgressOptions;
  /** Lines of stderr kept in `stderrTail` and in errors. Default 30. */
  tailLines?: number;
  /**
   * Lower CPU priority (nice value, e.g. 19) so work off the critical path only takes idle CPU. Set right after
   * spawn, before ffmpeg starts its codec threads (they inherit it). Ignored where not permitted.
   */
  niceness?: number;
}

export interface ProgressOptions {
  /** Expected output duration in seconds, to turn ffmpeg's out_time into a fraction. */
  durationSec?: number;
  /** Expected number of output frames (used when out_time is unavailable). */
  totalFrames?: number;
  /** Called with 0..1 at most every `intervalMs`, and with 1 on success. */
  onProgress?: (fraction: number) => void;
  /** Default 2000. */
  intervalMs?: number;
}

export interface RunResult {
  /** stdout as text ("text"), else "". */
  stdout: string;
  /** stdout as bytes ("bytes"), else empty. */
  stdoutBytes: Buffer;
  /** stderr, at most the last ~1 MB (enough for ebur128, loudnorm and silencedetect summaries). */
  stderr: string;
  /** The last `tailLines` non-empty lines of stderr. */
  stderrTail: string;
}

const MAX_STDERR = 1 << 20;

/** A child that could not start, failed, was killed, or was aborted. */
export class ProcessError extends Error {
  override readonly name = "ProcessError";
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly killSignal: string | null;
  readonly stderrTail: string;
  /** Our AbortSignal ended it. */
  readonly aborted: boolean;
  /** The binary does not exist (ENOENT). */
  readonly notFound: boolean;
  constructor(
    message: string,
    info: { command: string; args: readonly string[]; exitCode?: number | null; killSignal?: string | null; stderrTail?: string; aborted?: boolean; notFound?: boolean; cause?: unknown },
  ) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.command = info.command;
    this.args = info.args;
    this.exitCode = info.exitCode ?? null;
    this.killSignal = info.killSignal ?? null;
    this.stderrTail = info.stderrTail ?? "";
    this.aborted = info.aborted ?? false;
    this.notFound = info.notFound ?? false;
  }
}

/** Flattens `[["-i", path], cond ? ["-t", "3"] : null]` into an argv, dropping nulls. */
export function argv(...groups: (readonly (string | number)[] | null | false | undefined)[]): string[] {
  return groups.flatMap((g) => (g ? g.map(String) : []));
}

/**
 * Write one chunk to a feeder's stream, resolving once the kernel has it: the chunk (often a view of a reused
 * buffer) may then be overwritten, and waiting is what gives a feeder backpressure.
 */
export function writeChunk(stream: NodeJS.WritableStream, chunk: Uint8Array): Promise<void> {
  return new Promise<void>((resolve, reject) => stream.write(chunk, (e) => (e ? reject(e) : resolve())));
}

/** ffmpeg's `-progress` output, fed chunk by chunk; reports the fraction done (throttled). */
function progressParser(p: ProgressOptions) {
  const interval = p.intervalMs ?? 2000;
  let buf = "";
  let lastReport = 0;
  const report = (fraction: number, force = false) => {
    if (!p.onProgress) return;
    const now = Date.now();
    if (!force && now - lastReport < interval) return;
    lastReport = now;
    p.onProgress(Math.min(1, Math.max(0, fraction)));
  };
  return {
    push(chunk: string) {
      buf += chunk;
      let nl: number;
      let outTimeUs: number | null = null;
      let frame: number | null = null;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        const eq = line.indexOf("=");
        if (eq < 0) continue;
        const key = line.slice(0, eq);
        const n = Number(line.slice(eq + 1));
        // out_time_us and out_time_ms are both microseconds in ffmpeg 5 (out_time_ms is misnamed).
        if ((key === "out_time_us" || key === "out_time_ms") && Number.isFinite(n) && n >= 0) outTimeUs = n;
        else if (key === "frame" && Number.isFinite(n)) frame = n;
      }
      if (outTimeUs !== null && p.durationSec) report(outTimeUs / 1e6 / p.durationSec);
      else if (frame !== null && p.totalFrames) report(frame / p.totalFrames);
    },
    done: () => report(1, true),
  };
}

const basename = (command: string) => command.split("/").pop() ?? command;

/**
 * Run `command` with `args` (never through a shell). Resolves on exit code 0; rejects with ProcessError
 * otherwise (aborted, not found, non-zero exit, killed), or with a feeder's own error when a feeder failed and
 * the child did not succeed.
 */
export function runProcess(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const { signal } = opts;
  const name = basename(command);
  const tailLines = opts.tailLines ?? 30;
  const mode = opts.stdout ?? "text";
  if (signal?.aborted) {
    return Promise.reject(new ProcessError(`${name} not started: aborted`, { command, args, aborted: true, cause: signal.reason }));
  }
  return new Promise<RunResult>((resolve, reject) => {
    const pipes = opts.pipes ?? [];
    const child = spawn(command, args, {
      cwd: opts.cwd,
      stdio: ["pipe", mode === "ignore" ? "ignore" : "pipe", "pipe", ...pipes.map(() => "pipe" as const)],
    });
    if (opts.niceness && child.pid) {
      try {
        setPriority(child.pid, opts.niceness);
      } catch {
        // Not permitted here: run at normal priority.
      }
    }
    let stderr = "";
    let stdout = "";
    const bytes: Buffer[] = [];
    let feedError: unknown = null;
    let settled = false;
    const onAbort = () => child.kill("SIGKILL");
    signal?.addEventListener("abort", onAbort, { once: true });

    const input = opts.stdin;
    const stdinFeeder: Feeder =
      typeof input === "function" ? input : async (s) => {
        if (input !== undefined) await writeChunk(s, typeof input === "string" ? Buffer.from(input) : input);
      };
    const feeders: [NodeJS.WritableStream | null, Feeder][] = [
      [child.stdin, stdinFeeder],
      ...pipes.map((f, i) => [child.stdio[3 + i] as NodeJS.WritableStream | null, f] as [NodeJS.WritableStream | null, Feeder]),
    ];
    for (const [stream, feed] of feeders) {
      if (!stream) continue;
      // EPIPE when the child exits first: its exit code tells the story.
      stream.on("error", () => undefined);
      feed(stream)
        .then(() => stream.end())
        .catch((e: unknown) => {
          feedError ??= e;
          child.kill("SIGKILL");
        });
    }

    const progress = mode === "progress" ? progressParser(opts.progress ?? {}) : null;
    if (child.stdout) {
      if (mode !== "bytes") child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk: string | Buffer) => {
        if (mode === "bytes") bytes.push(chunk as Buffer);
        else if (progress) progress.push(chunk as string);
        else stdout += chunk as string;
      });
    }
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      stderr = stderr.length < MAX_STDERR ? stderr + chunk : stderr.slice(-MAX_STDERR / 2) + chunk;
    });
    const tail = () => stderr.split(/\r?\n/).filter((l) => l.trim() !== "").slice(-tailLines).join("\n");

    const finish = (error: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
    };
    child.on("error", (err: NodeJS.ErrnoException) => {
      const notFound = err.code === "ENOENT";
      const hint = notFound ? ` (not found: install it, e.g. apt-get install ${name === "ffprobe" ? "ffmpeg" : name})` : "";
      finish(new ProcessError(`could not start ${name}: ${err.message}${hint}`, { command, args, stderrTail: tail(), notFound, cause: err }));
    });
    child.on("close", (code, killSignal) => {
      if (settled) return;
      if (signal?.aborted) {
        return finish(new ProcessError(`${name} aborted`, { command, args, exitCode: code, killSignal, stderrTail: tail(), aborted: true, cause: signal.reason }));
      }
      if (code === 0) {
        finish(null);
        progress?.done();
        return resolve({ stdout, stdoutBytes: Buffer.concat(bytes), stderr, stderrTail: tail() });
      }
      if (feedError) return finish(feedError instanceof Error ? feedError : new Error(String(feedError)));
      const how = killSignal ? `killed by ${killSignal}` : `exit code ${code}`;
      const last = tail().split("\n").slice(-3).join(" | ");
      finish(new ProcessError(`${name} failed (${how}): ${last}`, { command, args, exitCode: code, killSignal, stderrTail: tail() }));
    });
  });
}
