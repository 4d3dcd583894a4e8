/**
 * Running ffmpeg and ffprobe.
 *
 * We spawn the binaries directly (child_process.spawn) instead of going through fluent-ffmpeg: our arguments are
 * built as one complete array (per-input options, -filter_complex_script, several outputs, -progress pipe:1), and
 * fluent-ffmpeg rebuilds the command line from its own builder API (re-ordering input/output options and
 * re-parsing progress from stderr), so a raw array cannot go through it unchanged. spawn with an array never touches
 * a shell, which is the property we need.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { setPriority } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { FfmpegError, FfmpegNotFoundError, abortError } from "./errors";

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
}

let cached: FfmpegBinaries | null = null;

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, path: string | undefined): string | null {
  for (const dir of (path ?? "").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (isExecutable(p)) return p;
  }
  return null;
}

/**
 * Locate ffmpeg: `FFMPEG_PATH` (and `FFPROBE_PATH`, else the ffprobe next to it), else the PATH.
 * Throws FfmpegNotFoundError with the install hint when absent. `env` is for tests (the result is cached only
 * for the real process environment).
 */
export function findFfmpeg(env: Record<string, string | undefined> = process.env): FfmpegBinaries {
  const useCache = env === process.env;
  if (useCache && cached) return cached;
  const override = env.FFMPEG_PATH;
  let ffmpeg: string | null;
  if (override) {
    if (!isExecutable(override)) {
      throw new FfmpegNotFoundError(`FFMPEG_PATH=${override} is not an executable file`);
    }
    ffmpeg = override;
  } else {
    ffmpeg = onPath("ffmpeg", env.PATH);
  }
  if (!ffmpeg) {
    throw new FfmpegNotFoundError("ffmpeg was not found on PATH. Install it with `apt-get install ffmpeg` (or set FFMPEG_PATH).");
  }
  const probeOverride = env.FFPROBE_PATH;
  const sibling = join(dirname(ffmpeg), "ffprobe");
  const ffprobe = probeOverride ?? (isExecutable(sibling) ? sibling : onPath("ffprobe", env.PATH));
  if (!ffprobe || !isExecutable(ffprobe)) {
    throw new FfmpegNotFoundError("ffprobe was not found. Install it with `apt-get install ffmpeg` (or set FFPROBE_PATH).");
  }
  const found = { ffmpeg, ffprobe };
  if (useCache) cached = found;
  return found;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Expected output duration, to turn ffmpeg's out_time into a fraction. */
  durationSec?: number;
  /** Expected number of output frames (used when out_time is unavailable). */
  totalFrames?: number;
  /** Called with 0..1, at most every `progressIntervalMs`. */
  onProgress?: (fraction: number) => void;
  /** Default 2000. */
  progressIntervalMs?: number;
  cwd?: string;
  /** Lines of stderr kept for errors. Default 30. */
  tailLines?: number;
  /** Use ffprobe instead of ffmpeg. Default ffmpeg. */
  binary?: "ffmpeg" | "ffprobe";
  /** Pass `args` unchanged (no -progress etc.) and collect stdout. Implied for ffprobe. */
  raw?: boolean;
  /** With `raw`: keep stdout as bytes (`RunResult.stdoutBytes`) instead of text. */
  binaryStdout?: boolean;
  /**
   * Feed the child's stdin (e.g. raw frames). Resolve when done; stdin is then closed. If ffmpeg exits early the
   * stream errors and `write` callbacks receive the error; the run still rejects with ffmpeg's own error.
   */
  stdin?: (stream: NodeJS.WritableStream) => Promise<void>;
  /**
   * More input pipes: feeder i writes to file descriptor 3 + i of the child (ffmpeg reads it as `pipe:<3+i>`).
   * Same contract as `stdin`.
   */
  pipes?: ((stream: NodeJS.WritableStream) => Promise<void>)[];
  /**
   * Run at a lower CPU priority (nice value, e.g. 19) so work off the critical path only takes CPU time the
   * critical path leaves idle. Set right after spawn, before ffmpeg starts its codec threads (they inherit it).
   */
  niceness?: number;
}

export interface RunResult {
  stdout: string;
  /** Only with `binaryStdout`. */
  stdoutBytes?: Buffer;
  stderrTail: string;
  /** Full stderr, only kept up to 1 MB (enough for loudnorm/ebur128 summaries). */
  stderr: string;
}

const MAX_KEPT = 1 << 20;

/**
 * Write one chunk to a feeder's stream, resolving once the kernel has it: the chunk (often a view of a reused
 * buffer) may then be overwritten, and waiting is what gives a feeder backpressure.
 */
export function writeChunk(stream: NodeJS.WritableStream, chunk: Uint8Array): Promise<void> {
  return new Promise<void>((resolve, reject) => stream.write(chunk, (e) => (e ? reject(e) : resolve())));
}

/**
 * Run ffmpeg with `args` (never a shell). Adds `-hide_banner -nostdin -y -progress pipe:1 -nostats`.
 * Rejects with FfmpegError (stderr tail attached) on a non-zero exit, or with the signal's reason when aborted
 * (the child is killed with SIGKILL).
 */
export function runFfmpeg(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const bins = findFfmpeg();
  const isProbe = opts.binary === "ffprobe";
  const raw = isProbe || opts.raw === true;
  const full = raw ? [...args] : ["-hide_banner", "-nostdin", "-y", "-progress", "pipe:1", "-nostats", ...args];
  const { signal } = opts;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const tailMax = opts.tailLines ?? 30;
  const interval = opts.progressIntervalMs ?? 2000;

  return new Promise<RunResult>((resolve, reject) => {
    const pipes = opts.pipes ?? [];
    const child = spawn(isProbe ? bins.ffprobe : bins.ffmpeg, full, {
      cwd: opts.cwd,
      stdio: [opts.stdin ? "pipe" : "ignore", "pipe", "pipe", ...pipes.map(() => "pipe" as const)],
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
    const chunks: Buffer[] = [];
    let feedError: unknown = null;
    const feeders: [NodeJS.WritableStream | null, (s: NodeJS.WritableStream) => Promise<void>][] = [
      ...(opts.stdin ? [[child.stdin, opts.stdin] as [NodeJS.WritableStream | null, typeof opts.stdin]] : []),
      ...pipes.map((f, i) => [child.stdio[3 + i] as NodeJS.WritableStream | null, f] as [NodeJS.WritableStream | null, typeof f]),
    ];
    for (const [stream, feed] of feeders) {
      if (!stream) continue;
      // EPIPE when ffmpeg exits first: the exit code tells the story.
      stream.on("error", () => undefined);
      feed(stream)
        .then(() => stream.end())
        .catch((e: unknown) => {
          feedError ??= e;
          child.kill("SIGKILL");
        });
    }
    let progressBuf = "";
    let lastReport = 0;
    let settled = false;

    const onAbort = () => {
      child.kill("SIGKILL");
    };
    signal?.addEventListener("abort", onAbort, { once: true });

    const report = (fraction: number, force = false) => {
      if (!opts.onProgress) return;
      const now = Date.now();
      if (!force && now - lastReport < interval) return;
      lastReport = now;
      opts.onProgress(Math.min(1, Math.max(0, fraction)));
    };

    const childOut = child.stdout!;
    const childErr = child.stderr!;
    if (!opts.binaryStdout) childOut.setEncoding("utf8");
    childOut.on("data", (chunk: string | Buffer) => {
      if (opts.binaryStdout) {
        chunks.push(chunk as Buffer);
        return;
      }
      if (raw) {
        stdout += chunk as string;
        return;
      }
      progressBuf += chunk as string;
      let nl: number;
      let outTimeUs: number | null = null;
      let frame: number | null = null;
      while ((nl = progressBuf.indexOf("\n")) >= 0) {
        const line = progressBuf.slice(0, nl).trim();
        progressBuf = progressBuf.slice(nl + 1);
        const eq = line.indexOf("=");
        if (eq < 0) continue;
        const key = line.slice(0, eq);
        const value = line.slice(eq + 1);
        if (key === "out_time_us" || key === "out_time_ms") {
          // Both are microseconds in ffmpeg 5 (out_time_ms is misnamed).
          const n = Number(value);
          if (Number.isFinite(n) && n >= 0) outTimeUs = n;
        } else if (key === "frame") {
          const n = Number(value);
          if (Number.isFinite(n)) frame = n;
        }
      }
      if (outTimeUs !== null && opts.durationSec) report(outTimeUs / 1e6 / opts.durationSec);
      else if (frame !== null && opts.totalFrames) report(frame / opts.totalFrames);
    });
    childErr.setEncoding("utf8");
    childErr.on("data", (chunk: string) => {
      if (stderr.length < MAX_KEPT) stderr += chunk;
      else stderr = stderr.slice(-MAX_KEPT / 2) + chunk;
    });

    const tail = () => stderr.split(/\r?\n/).filter((l) => l.trim() !== "").slice(-tailMax).join("\n");

    child.on("error", (err) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      reject(new FfmpegError(`could not start ${isProbe ? "ffprobe" : "ffmpeg"}: ${err.message}`, {
        exitCode: null,
        killSignal: null,
        stderrTail: tail(),
        args: full,
      }));
    });
    child.on("close", (code, killSignal) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      if (signal?.aborted) return reject(abortError(signal));
      if (feedError && code !== 0) {
        return reject(feedError instanceof Error ? feedError : new Error(String(feedError)));
      }
      if (code === 0) {
        report(1, true);
        return resolve({
          stdout,
          stderr,
          stderrTail: tail(),
          ...(opts.binaryStdout ? { stdoutBytes: Buffer.concat(chunks) } : {}),
        });
      }
      reject(new FfmpegError(`${isProbe ? "ffprobe" : "ffmpeg"} failed (${killSignal ? `killed by ${killSignal}` : `exit code ${code}`})`, {
        exitCode: code,
        killSignal,
        stderrTail: tail(),
        args: full,
      }));
    });
  });
}

export interface ProbeStream {
  index: number;
  codec_type: "video" | "audio" | "subtitle" | "data" | string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  sample_rate?: string;
  channels?: number;
}
export interface ProbeResult {
  streams: ProbeStream[];
  format: { format_name?: string; duration?: string; size?: string; nb_streams?: number };
  /** Container duration in seconds, when known. */
  durationSec: number | null;
}

/** ffprobe a file: streams and format as JSON. */
export async function probe(path: string, opts: { signal?: AbortSignal } = {}): Promise<ProbeResult> {
  const { stdout } = await runFfmpeg(
    ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
    { binary: "ffprobe", signal: opts.signal },
  );
  const parsed = JSON.parse(stdout) as { streams?: ProbeStream[]; format?: ProbeResult["format"] };
  const d = Number(parsed.format?.duration);
  return {
    streams: parsed.streams ?? [],
    format: parsed.format ?? {},
    durationSec: Number.isFinite(d) ? d : null,
  };
}

/** Parse "30000/1001" style rates. */
export function parseRate(rate: string | undefined): number | null {
  if (!rate) return null;
  const [n, d] = rate.split("/").map(Number);
  if (!n || !Number.isFinite(n)) return null;
  return d ? n / d : n;
}
