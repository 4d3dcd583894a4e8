/** Builds Veo's predictLongRunning body from a VideoInput, snapping what Veo can't do (with warnings). */
import { readFile } from "node:fs/promises";
import { type ProviderWarning, ProviderError, type VideoInput } from "../spec";

/** Veo clip lengths, seconds. */
export const VEO_DURATIONS = [4, 6, 8] as const;

export interface VeoRequestOptions {
  resolution: "720p" | "1080p";
  personGeneration?: "allow_all" | "allow_adult" | "dont_allow";
}

/** The shortest Veo length that covers the scene, else the longest. */
export function snapDuration(wanted: number): number {
  return VEO_DURATIONS.find((d) => d >= wanted) ?? 8;
}

export async function buildVeoRequest(
  input: VideoInput & { aspectRatio: "9:16" | "16:9" | "1:1" },
  options: VeoRequestOptions,
  providerId: string,
): Promise<{ body: unknown; durationSec: number; warnings: ProviderWarning[] }> {
  const warnings: ProviderWarning[] = [];
  const durationSec = snapDuration(input.durationSec);
  if (durationSec !== input.durationSec) {
    warnings.push({ type: "unsupported-setting", setting: "durationSec", message: `Veo makes 4, 6 or 8 s clips: ${input.durationSec} s -> ${durationSec} s` });
  }
  let aspectRatio = input.aspectRatio;
  if (aspectRatio === "1:1") {
    warnings.push({ type: "unsupported-setting", setting: "aspectRatio", message: "Veo has no 1:1; used 9:16" });
    aspectRatio = "9:16";
  }
  let resolution = options.resolution;
  if (resolution === "1080p" && durationSec !== 8) {
    warnings.push({ type: "unsupported-setting", setting: "resolution", message: "1080p needs 8 s clips; used 720p" });
    resolution = "720p";
  }
  const instance: Record<string, unknown> = { prompt: input.prompt };
  if (input.image) {
    const bytes = await readFile(input.image.file).catch((e: unknown) => {
      throw new ProviderError({ code: "invalid_request", providerId, message: `${providerId}: scene still not readable: ${input.image?.file}`, cause: e });
    });
    instance.image = { bytesBase64Encoded: bytes.toString("base64"), mimeType: input.image.mimeType };
  }
  const parameters: Record<string, unknown> = { aspectRatio, durationSeconds: durationSec, resolution };
  if (input.negativePrompt) parameters.negativePrompt = input.negativePrompt;
  if (options.personGeneration) parameters.personGeneration = options.personGeneration;
  return { body: { instances: [instance], parameters }, durationSec, warnings };
}

/** MP4/MOV files carry "ftyp" at bytes 4-8; an HTML error page does not. */
export function looksLikeMp4(head: Buffer): boolean {
  return head.length >= 8 && head.toString("latin1", 4, 8) === "ftyp";
}
