/**
 * Running ffmpeg and ffprobe for the render engine: finding the binaries, and `runFfmpeg`, a thin layer over
 * the one child-process runner (`src/process/run.ts`, shared with the plugins) that adds ffmpeg's progress
 * flags and maps failures to the render engine's error family. Why there is no fluent-ffmpeg: see that file.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { type Feeder, ProcessError, runProcess, writeChunk } from "../process/run";
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
  stdin?: Feeder;
  /**
   * More input pipes: feeder i writes to file descriptor 3 + i of the child (ffmpeg reads it as `pipe:<3+i>`).
   * Same contract as `stdin`.
   */
  pipes?: Feeder[];
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

export { writeChunk };

/**
 * Run ffmpeg with `args` through the shared runner (`src/process/run.ts`; never a shell). Adds
 * `-hide_banner -nostdin -y -progress pipe:1 -nostats` unless `raw`. Rejects with FfmpegError (stderr tail
 * attached) on a non-zero exit, FfmpegNotFoundError when the binary vanished, or with the signal's reason when
 * aborted (the child is killed with SIGKILL).
 */
export async function runFfmpeg(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const bins = findFfmpeg();
  const isProbe = opts.binary === "ffprobe";
  const raw = isProbe || opts.raw === true;
  const full = raw ? [...args] : ["-hide_banner", "-nostdin", "-y", "-progress", "pipe:1", "-nostats", ...args];
  const { signal } = opts;
  if (signal?.aborted) throw abortError(signal);
  try {
    const r = await runProcess(isProbe ? bins.ffprobe : bins.ffmpeg, full, {
      signal,
      cwd: opts.cwd,
      stdin: opts.stdin,
      pipes: opts.pipes,
      stdout: raw ? (opts.binaryStdout ? "bytes" : "text") : "progress",
      progress: { durationSec: opts.durationSec, totalFrames: opts.totalFrames, onProgress: opts.onProgress, intervalMs: opts.progressIntervalMs },
      tailLines: opts.tailLines,
      niceness: opts.niceness,
    });
    return { stdout: r.stdout, stderr: r.stderr, stderrTail: r.stderrTail, ...(opts.binaryStdout ? { stdoutBytes: r.stdoutBytes } : {}) };
  } catch (e) {
    if (signal?.aborted) throw abortError(signal);
    if (!(e instanceof ProcessError)) throw e;
    const what = isProbe ? "ffprobe" : "ffmpeg";
    if (e.notFound) throw new FfmpegNotFoundError(`${what} vanished (${e.command}): install it with \`apt-get install ffmpeg\``, { cause: e });
    const how = e.exitCode === null && !e.killSignal ? `could not start ${what}: ${e.message}` : `${what} failed (${e.killSignal ? `killed by ${e.killSignal}` : `exit code ${e.exitCode}`})`;
    throw new FfmpegError(how, { exitCode: e.exitCode, killSignal: e.killSignal, stderrTail: e.stderrTail, args: full });
  }
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
