/**
 * The one error family every provider throws. A caller (the asset job, the
 * quota breaker) decides from these fields alone: retry now, reschedule
 * later, open the breaker until `resetAt`, or fall back at once.
 *
 * Invariant: a plugin never lets a non-ProviderError escape a `do…` method.
 * Unknown throws are wrapped with `ProviderError.wrap`, keeping the original
 * as `cause`.
 */

/** Shared across package copies: `Symbol.for` returns the same symbol in every realm of one process. */
const MARKER = Symbol.for("reelfarm.providerError");

export const PROVIDER_ERROR_CODES = [
  "quota",
  "rate_limited",
  "unavailable",
  "timeout",
  "invalid_request",
  "auth",
  "content_filtered",
  "malformed_response",
  "unknown",
] as const;

/**
 * - quota: a quota was exhausted; `quotaScope` says whether for the minute or the day.
 * - rate_limited: throttled without quota details (treat like a per-minute quota).
 * - unavailable: 5xx, overloaded, connection refused.
 * - timeout: the request or the long operation ran past its deadline.
 * - invalid_request: the provider refused the input or options (400, 404, bad options).
 * - auth: missing, invalid or unauthorised API key (400 API_KEY_INVALID, 401, 403).
 * - content_filtered: a safety filter blocked the prompt or the output.
 * - malformed_response: the answer is unusable (bad JSON, schema mismatch, empty audio, not a video).
 * - unknown: anything else, wrapped.
 */
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

export type QuotaScope = "minute" | "day";

export interface ProviderErrorOptions {
  code: ProviderErrorCode;
  providerId: string;
  message: string;
  /** Default: true for rate_limited, unavailable, timeout and per-minute quota; false otherwise. */
  retryable?: boolean;
  quotaScope?: QuotaScope;
  /** Server-suggested wait before the next attempt. Not set for daily quotas (their retryDelay is misleading). */
  retryAfterMs?: number;
  /** When a daily quota resets (midnight Pacific for Gemini). */
  resetAt?: Date;
  /** HTTP status when the error came from an HTTP answer. */
  status?: number;
  /**
   * True when the caller's own signal ended the call (a stopping worker): nothing is known about
   * the provider, so the caller queues the work again instead of retrying, opening or falling back.
   */
  cancelled?: boolean;
  cause?: unknown;
}

function defaultRetryable(code: ProviderErrorCode, quotaScope?: QuotaScope): boolean {
  switch (code) {
    case "rate_limited":
    case "unavailable":
    case "timeout":
      return true;
    case "quota":
      return quotaScope !== "day";
    case "invalid_request":
    case "auth":
    case "content_filtered":
    case "malformed_response":
    case "unknown":
      return false;
  }
}

export class ProviderError extends Error {
  readonly [MARKER] = true;
  readonly code: ProviderErrorCode;
  readonly providerId: string;
  readonly retryable: boolean;
  readonly quotaScope?: QuotaScope;
  readonly retryAfterMs?: number;
  readonly resetAt?: Date;
  readonly status?: number;
  /** True when a safety filter blocked the prompt or the output: same prompt, same answer; fall back. */
  readonly contentFiltered: boolean;
  /** True when the caller's signal ended the call, not the provider (see ProviderErrorOptions.cancelled). */
  readonly cancelled: boolean;

  constructor(options: ProviderErrorOptions) {
    super(options.message, { cause: options.cause });
    this.name = "ProviderError";
    this.code = options.code;
    this.providerId = options.providerId;
    this.quotaScope = options.quotaScope;
    this.retryable = options.retryable ?? defaultRetryable(options.code, options.quotaScope);
    this.retryAfterMs = options.retryAfterMs;
    this.resetAt = options.resetAt;
    this.status = options.status;
    this.contentFiltered = options.code === "content_filtered";
    this.cancelled = options.cancelled ?? false;
  }

  /** Works across copies of this module (a second install, a bundled plugin), unlike `instanceof`. */
  static isInstance(error: unknown): error is ProviderError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }

  /**
   * Returns `error` if it is already a ProviderError, otherwise wraps it as `unknown` (or `code`).
   * An abort (an `AbortError`, or a child process killed by its signal: `aborted: true`) is a
   * cancelled `timeout`: the caller's signal ended it, e.g. while a result was being checked.
   */
  static wrap(error: unknown, providerId: string, code: ProviderErrorCode = "unknown"): ProviderError {
    if (ProviderError.isInstance(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    const aborted = (error instanceof Error && error.name === "AbortError") || (typeof error === "object" && error !== null && (error as { aborted?: unknown }).aborted === true);
    if (aborted) return new ProviderError({ code: "timeout", providerId, message: `${providerId}: ${message}`, cause: error, cancelled: true });
    return new ProviderError({ code, providerId, message: `${providerId}: ${message}`, cause: error });
  }

  /** A plain object for logs and the asset's recorded decision (no cause chain, no stack). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      providerId: this.providerId,
      message: this.message,
      retryable: this.retryable,
      quotaScope: this.quotaScope,
      retryAfterMs: this.retryAfterMs,
      resetAt: this.resetAt?.toISOString(),
      status: this.status,
      contentFiltered: this.contentFiltered,
      cancelled: this.cancelled,
    };
  }
}

/**
 * Thrown by the registry for programming/configuration mistakes that are not
 * a provider's answer (unknown specification version, duplicate id). Not a
 * ProviderError on purpose: nothing should retry or fall back on it.
 */
export class ProviderRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProviderRegistryError";
  }
}
