/**
 * What a user sees when a render fails: a short, stable sentence (what failed, which asset, what
 * to do), the same in the dashboard, the API and webhooks. The detail (ffmpeg's stderr, file
 * paths, stack) goes to the server log only, never into `Render.error`.
 */
import { FfmpegError, FfmpegNotFoundError, RenderError, RenderInputError } from "~/render/errors";

/** Sentences users may see, keyed by cause; clients may match on them. */
export const USER_ERRORS = {
  ffmpeg: "The video could not be assembled (the encoder stopped). Retry the render; if it fails again, give an admin the render id.",
  ffmpegMissing: "No worker can assemble videos right now (ffmpeg is missing). An admin must fix the worker; then retry the render.",
  unexpected: "The render failed unexpectedly. Retry it; if it fails again, give an admin the render id.",
  stuck: "The render stopped after repeated failures. Retry it; if it fails again, give an admin the render id.",
} as const;

/**
 * The user-facing message for an assembly failure. A bad input names its place in the plan
 * (`scenes[2].visual`), never its file path.
 */
export function userFacingRenderError(e: unknown): string {
  if (RenderInputError.isInstance(e)) return `An asset of the render (${e.planPath}) is missing or unusable. Regenerate or replace it, then retry the render.`;
  if (FfmpegNotFoundError.prototype.isPrototypeOf(e as object)) return USER_ERRORS.ffmpegMissing;
  if (FfmpegError.isInstance(e)) return USER_ERRORS.ffmpeg;
  if (RenderError.isInstance(e)) return USER_ERRORS.ffmpeg;
  return USER_ERRORS.unexpected;
}

/**
 * A message safe to show: its first line, absolute file paths and URLs' queries removed, at most
 * 300 characters. For errors composed from provider or asset messages.
 */
export function shortError(message: string): string {
  const first = message.split(/\r?\n/, 1)[0] ?? "";
  const clean = first
    .replace(/(https?:\/\/[^\s?#]+)\?[^\s#]*/g, "$1")
    .replace(/(?<![\w:/.])(?:file:\/\/)?(?:\/[\w.@+-]+){2,}\/?/g, "…")
    .trim();
  return clean.length > 300 ? `${clean.slice(0, 299)}…` : clean;
}
