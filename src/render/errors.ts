/**
 * Errors of the render engine. One family, each carrying what a caller needs to decide:
 * `retryable` (try the render again later?) and, for bad inputs, which asset/scene is at fault.
 */

const brand = Symbol.for("reelfarm.render.error");

export abstract class RenderError extends Error {
  abstract readonly retryable: boolean;
  readonly [brand] = true;
  /** Works across duplicated module copies, unlike instanceof. */
  static isInstance(e: unknown): e is RenderError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[brand] === true;
  }
}

/** ffmpeg/ffprobe binary missing or unusable. */
export class FfmpegNotFoundError extends RenderError {
  readonly name = "FfmpegNotFoundError";
  readonly retryable = false;
}

/** ffmpeg exited non-zero or was killed (not by our AbortSignal). `stderrTail` is its last ~30 lines. */
export class FfmpegError extends RenderError {
  readonly name = "FfmpegError";
  readonly retryable = true;
  readonly exitCode: number | null;
  readonly killSignal: string | null;
  readonly stderrTail: string;
  readonly args: readonly string[];
  constructor(
    message: string,
    info: { exitCode: number | null; killSignal: string | null; stderrTail: string; args: readonly string[] },
  ) {
    super(`${message}\n--- ffmpeg stderr (tail) ---\n${info.stderrTail}`);
    this.exitCode = info.exitCode;
    this.killSignal = info.killSignal;
    this.stderrTail = info.stderrTail;
    this.args = info.args;
  }
  static override isInstance(e: unknown): e is FfmpegError {
    return RenderError.isInstance(e) && e.name === "FfmpegError";
  }
}

/** A plan input (image, clip, audio file) is missing, unreadable or unusable. Not retryable. */
export class RenderInputError extends RenderError {
  readonly name = "RenderInputError";
  readonly retryable = false;
  readonly assetPath: string | undefined;
  /** Where in the plan, e.g. `scenes[2].visual` or `audio.voice[0]`. */
  readonly planPath: string;
  constructor(planPath: string, assetPath: string | undefined, problem: string, options?: { cause?: unknown }) {
    super(`${planPath}${assetPath ? ` (${assetPath})` : ""}: ${problem}`, options);
    this.planPath = planPath;
    this.assetPath = assetPath;
  }
  static override isInstance(e: unknown): e is RenderInputError {
    return RenderError.isInstance(e) && e.name === "RenderInputError";
  }
}

/** Turn whatever an aborted signal carries into an Error to throw. */
export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error(typeof r === "string" ? r : "The render was aborted");
  e.name = "AbortError";
  return e;
}
