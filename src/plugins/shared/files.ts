/** Output files: one per call, named after the provider, written atomically into ctx.outputDir. */
import { randomUUID } from "node:crypto";
import { rename, rm, stat, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";

/**
 * `<outputDir>/<providerId>.<ext>`. Deterministic on purpose: a re-run of the
 * same asset overwrites its file instead of leaving a second one.
 */
export function outputPath(outputDir: string, providerId: string, ext: string): string {
  if (!isAbsolute(outputDir)) throw new Error(`outputDir must be absolute, got "${outputDir}"`);
  // turbopackIgnore: a runtime path; without it the web build traces the whole project (and warns so).
  return join(/*turbopackIgnore: true*/ outputDir, `${providerId}.${ext}`);
}

/** A sibling temp name for tools that write the file themselves; rename it with `commitFile`. */
export function tempPathFor(file: string): string {
  const dot = file.lastIndexOf(".");
  return `${file.slice(0, dot)}.tmp-${randomUUID().slice(0, 8)}${file.slice(dot)}`;
}

/** Writes through a temp file so a crash never leaves a half-written output under the final name. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(file);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function commitFile(tmp: string, file: string): Promise<void> {
  await rename(tmp, file);
}

export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}

const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "video/mp4": "mp4",
  "audio/wav": "wav",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "application/json": "json",
};

export function extensionFor(mimeType: string): string {
  return EXTENSIONS[mimeType.split(";")[0]!.trim().toLowerCase()] ?? "bin";
}
