/**
 * Input checks run before any heavy ffmpeg work, so a bad asset fails the render at once with an error naming the
 * asset and its place in the plan (RenderInputError), instead of deep inside a filter graph.
 */
import { access, constants, stat } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { RenderInputError } from "./errors";
import { type ProbeResult, probe, runFfmpeg } from "./ffmpeg";
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

async function readable(planPath: string, path: string): Promise<void> {
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

async function probeOrFail(planPath: string, path: string, what: string, signal?: AbortSignal): Promise<ProbeResult> {
  try {
    return await probe(path, { signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new RenderInputError(planPath, path, `not a readable ${what} (ffprobe could not open it)`, { cause: e });
  }
}

const alphaFormats = /^(rgba|bgra|argb|abgr|ya8|ya16|gbrap|yuva|pal8|rgba64|bgra64)/;

/** Decode the first frame with errors fatal: catches truncated and corrupt files that ffprobe still opens. */
async function decodesCleanly(planPath: string, path: string, what: string, signal?: AbortSignal): Promise<void> {
  try {
    const r = await runFfmpeg(
      ["-v", "error", "-xerror", "-i", path, "-frames:v", "1", "-f", "null", "-"],
      { signal, raw: true },
    );
    const errors = r.stderr.trim();
    if (errors) throw new Error(errors);
  } catch (e) {
    if (signal?.aborted) throw e;
    const detail = e instanceof Error ? e.message.split("\n").slice(-3).join(" ") : "";
    throw new RenderInputError(planPath, path, `${what} is corrupt or truncated (${detail.slice(0, 300)})`, { cause: e });
  }
}

export async function checkImage(planPath: string, path: string, signal?: AbortSignal): Promise<CheckedImage> {
  await readable(planPath, path);
  const p = await probeOrFail(planPath, path, "image", signal);
  const v = p.streams.find((s) => s.codec_type === "video");
  if (!v || !v.width || !v.height) throw new RenderInputError(planPath, path, "not an image (no picture in it)");
  if (v.width < MIN_IMAGE_SIDE || v.height < MIN_IMAGE_SIDE) {
    throw new RenderInputError(planPath, path, `image is ${v.width}x${v.height}; at least ${MIN_IMAGE_SIDE}x${MIN_IMAGE_SIDE} is needed`);
  }
  if (v.width * v.height > MAX_IMAGE_PIXELS) {
    throw new RenderInputError(planPath, path, `image is ${v.width}x${v.height}, over the ${MAX_IMAGE_PIXELS / 1e6} MP limit`);
  }
  await decodesCleanly(planPath, path, "image", signal);
  return { width: v.width, height: v.height, hasAlpha: alphaFormats.test(v.pix_fmt ?? "") };
}

export async function checkVideo(planPath: string, path: string, signal?: AbortSignal): Promise<CheckedVideo> {
  await readable(planPath, path);
  const p = await probeOrFail(planPath, path, "video", signal);
  const v = p.streams.find((s) => s.codec_type === "video");
  if (!v || !v.width || !v.height) throw new RenderInputError(planPath, path, "no video stream in the clip");
  const durationSec = Number(v.duration ?? p.durationSec);
  if (!Number.isFinite(durationSec) || durationSec <= 0) {
    throw new RenderInputError(planPath, path, "the clip has no duration (a still image or a broken file?)");
  }
  await decodesCleanly(planPath, path, "clip", signal);
  return { width: v.width, height: v.height, durationSec };
}

export async function checkAudio(planPath: string, path: string, signal?: AbortSignal): Promise<{ durationSec: number }> {
  await readable(planPath, path);
  const p = await probeOrFail(planPath, path, "audio file", signal);
  if (!p.streams.some((s) => s.codec_type === "audio")) throw new RenderInputError(planPath, path, "no audio stream in it");
  return { durationSec: p.durationSec ?? 0 };
}

export interface CheckedPlan {
  scenes: (CheckedImage | CheckedVideo | null)[];
}

/** Check every asset of the plan (in parallel); throws the first RenderInputError. */
export async function checkPlanInputs(plan: RenderPlan, signal?: AbortSignal): Promise<CheckedPlan> {
  const scenes = await Promise.all(
    plan.scenes.map((s, i) => {
      const where = `scenes[${i}].visual`;
      if (s.visual.kind === "image") return checkImage(where, s.visual.path, signal);
      if (s.visual.kind === "video") return checkVideo(where, s.visual.path, signal);
      return Promise.resolve(null);
    }),
  );
  await Promise.all([
    ...plan.audio.voice.map((v, i) => checkAudio(`audio.voice[${i}]`, v.path, signal)),
    ...(plan.audio.music ? [checkAudio("audio.music", plan.audio.music.path, signal)] : []),
  ]);
  return { scenes };
}
