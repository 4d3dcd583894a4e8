/**
 * Input checks run before any heavy ffmpeg work, so a bad asset fails the render at once with an error naming the
 * asset and its place in the plan (RenderInputError), instead of deep inside a filter graph.
 */
import { access, constants, stat } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { RenderInputError } from "./errors";
import { type ProbeResult, type ProbeStream, probe, runFfmpeg } from "./ffmpeg";
import { type RenderPlan } from "./plan";

/** Smallest and largest still we accept (per side / total pixels). */
export const MIN_IMAGE_SIDE = 16;
export const MAX_IMAGE_PIXELS = 150_000_000;

export interface CheckedImage {
  width: number;
  height: number;
  hasAlpha: boolean;
}
export interface CheckedVideo {
  width: number;
  height: number;
  durationSec: number;
}

/** The file exists, is a regular non-empty file and is readable; paths must be absolute. */
export async function checkReadable(planPath: string, path: string): Promise<void> {
  if (!isAbsolute(path)) throw new RenderInputError(planPath, path, "asset paths must be absolute");
  try {
    await access(path, constants.R_OK);
    const s = await stat(path);
    if (!s.isFile()) throw new Error("not a regular file");
    if (s.size === 0) throw new RenderInputError(planPath, path, "the file is empty");
  } catch (e) {
    if (RenderInputError.isInstance(e)) throw e;
    throw new RenderInputError(planPath, path, "the file does not exist or cannot be read", { cause: e });
  }
}

const alphaFormats = /^(rgba|bgra|argb|abgr|ya8|ya16|gbrap|yuva|pal8|rgba64|bgra64)/;

interface ProbedFirstFrame {
  stream: ProbeStream | undefined;
  durationSec: number | null;
}

/**
 * One ffprobe run: the first video stream, the container duration, and a decode of the first frame with errors
 * collected, so a truncated or corrupt file fails here even when its header reads fine.
 */
async function probeFirstFrame(planPath: string, path: string, what: string, signal?: AbortSignal): Promise<ProbedFirstFrame> {
  let out: { stdout: string; stderr: string };
  try {
    out = await runFfmpeg(
      [
        "-v", "error", "-print_format", "json",
        "-show_entries", "stream=index,codec_type,codec_name,width,height,pix_fmt,duration,r_frame_rate:format=duration,format_name:frame=width",
        "-select_streams", "v:0", "-show_frames", "-read_intervals", "%+#1",
        path,
      ],
      { binary: "ffprobe", signal },
    );
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new RenderInputError(planPath, path, `not a readable ${what} (ffprobe could not open it)`, { cause: e });
  }
  const j = JSON.parse(out.stdout) as { streams?: ProbeStream[]; frames?: unknown[]; format?: { duration?: string } };
  const stream = j.streams?.find((x) => x.codec_type === "video");
  if (stream && (out.stderr.trim() !== "" || !j.frames?.length)) {
    const detail = out.stderr.trim().split("\n").slice(-2).join(" ").slice(0, 300);
    throw new RenderInputError(planPath, path, `${what} is corrupt or truncated (${detail || "no frame could be decoded"})`);
  }
  const d = Number(j.format?.duration);
  return { stream, durationSec: Number.isFinite(d) ? d : null };
}

export async function checkImage(planPath: string, path: string, signal?: AbortSignal): Promise<CheckedImage> {
  await checkReadable(planPath, path);
  const { stream: v } = await probeFirstFrame(planPath, path, "image", signal);
  if (!v || !v.width || !v.height) throw new RenderInputError(planPath, path, "not an image (no picture in it)");
  checkImageSize(planPath, path, { width: v.width, height: v.height });
  return { width: v.width, height: v.height, hasAlpha: alphaFormats.test(v.pix_fmt ?? "") };
}

/**
 * The size limits of `checkImage` for a size known without decoding (an image header): at least MIN_IMAGE_SIDE px a
 * side, at most MAX_IMAGE_PIXELS. Throws RenderInputError naming `planPath`.
 */
export function checkImageSize(planPath: string, path: string, size: { width: number; height: number }): void {
  const { width, height } = size;
  if (width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE) {
    throw new RenderInputError(planPath, path, `image is ${width}x${height}; at least ${MIN_IMAGE_SIDE}x${MIN_IMAGE_SIDE} is needed`);
  }
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new RenderInputError(planPath, path, `image is ${width}x${height}, over the ${MAX_IMAGE_PIXELS / 1e6} MP limit`);
  }
}

export async function checkVideo(planPath: string, path: string, signal?: AbortSignal): Promise<CheckedVideo> {
  await checkReadable(planPath, path);
  const { stream: v, durationSec: container } = await probeFirstFrame(planPath, path, "clip", signal);
  if (!v || !v.width || !v.height) throw new RenderInputError(planPath, path, "no video stream in the clip");
  const durationSec = Number(v.duration ?? container);
  if (!Number.isFinite(durationSec) || durationSec <= 0) {
    throw new RenderInputError(planPath, path, "the clip has no duration (a still image or a broken file?)");
  }
  return { width: v.width, height: v.height, durationSec };
}

export async function checkAudio(planPath: string, path: string, signal?: AbortSignal): Promise<{ durationSec: number }> {
  await checkReadable(planPath, path);
  let p: ProbeResult;
  try {
    p = await probe(path, { signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new RenderInputError(planPath, path, "not a readable audio file (ffprobe could not open it)", { cause: e });
  }
  if (!p.streams.some((s) => s.codec_type === "audio")) throw new RenderInputError(planPath, path, "no audio stream in it");
  return { durationSec: p.durationSec ?? 0 };
}

function audioInputs(plan: RenderPlan): [string, string][] {
  return [
    ...plan.audio.voice.map((v, i): [string, string] => [`audio.voice[${i}]`, v.path]),
    ...(plan.audio.music ? [["audio.music", plan.audio.music.path] as [string, string]] : []),
  ];
}

/** Check the plan's audio files fully (ffprobe each, in parallel); throws the first RenderInputError. */
export async function checkAudioInputs(plan: RenderPlan, signal?: AbortSignal): Promise<void> {
  await Promise.all(audioInputs(plan).map(([where, path]) => checkAudio(where, path, signal)));
}

/**
 * Cheap up-front check (exists, readable, non-empty) and a full one only when `step` fails, to name the file at
 * fault; saves an ffprobe per narration clip on every render.
 */
export async function withAudioInputs<T>(plan: RenderPlan, step: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  await Promise.all(audioInputs(plan).map(([where, path]) => checkReadable(where, path)));
  try {
    return await step();
  } catch (e) {
    if (signal?.aborted) throw e;
    await checkAudioInputs(plan, signal);
    throw e;
  }
}
