/**
 * What to do after a provider error — the difference between "wait a second" and "not today".
 * Pure: the asset job applies the decision (reschedule itself, open the breaker, fall back).
 */
import { type ProviderError } from "~/plugins/spec";

/** Per-minute quota / rate limit: reschedules before falling back. */
export const MAX_MINUTE_RETRIES = 3;
/** 5xx and timeouts: reschedules before falling back. */
export const MAX_TRANSIENT_RETRIES = 2;
const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

export type Decision =
  | { action: "retry"; delayMs: number; why: string }
  | { action: "open-breaker"; resetAt: Date; why: string }
  | { action: "fallback"; why: string };

/**
 * @param retriesSoFar how many times this asset has already been rescheduled for this provider
 * @param random injectable for tests; jitter spreads retries of many assets over time
 */
export function decide(err: ProviderError, retriesSoFar: number, random: () => number = Math.random): Decision {
  const backoff = (floorMs: number) => {
    const exp = Math.min(MAX_BACKOFF_MS, Math.max(floorMs, BASE_BACKOFF_MS * 2 ** retriesSoFar));
    return Math.round(exp * (1 + 0.25 * random()));
  };
  // The caller's own signal ended the call (a stopping worker): nothing was learnt about the
  // provider, so the work goes back to the queue at once, for this provider, on another host.
  if (err.cancelled) return { action: "retry", delayMs: 0, why: "interrupted by the caller (a stopping worker): queued again" };
  switch (err.code) {
    case "quota":
      if (err.quotaScope === "day") {
        // Nothing can succeed before the reset: fail fast to the fallback, and make every host skip it.
        return { action: "open-breaker", resetAt: err.resetAt ?? nextMidnightPacificFallback(), why: "daily quota exhausted" };
      }
      return retriesSoFar < MAX_MINUTE_RETRIES
        ? { action: "retry", delayMs: backoff(err.retryAfterMs ?? 0), why: "per-minute quota" }
        : { action: "fallback", why: `per-minute quota still exhausted after ${retriesSoFar} retries` };
    case "rate_limited":
      return retriesSoFar < MAX_MINUTE_RETRIES
        ? { action: "retry", delayMs: backoff(err.retryAfterMs ?? 0), why: "rate limited" }
        : { action: "fallback", why: `rate limited after ${retriesSoFar} retries` };
    case "unavailable":
    case "timeout":
      // e.g. a Veo operation past its deadline: asking again would only wait again.
      if (!err.retryable) return { action: "fallback", why: `${err.code} (not retryable)` };
      return retriesSoFar < MAX_TRANSIENT_RETRIES
        ? { action: "retry", delayMs: backoff(err.retryAfterMs ?? 0), why: err.code }
        : { action: "fallback", why: `${err.code} after ${retriesSoFar} retries` };
    case "auth":
    case "invalid_request":
    case "content_filtered":
    case "malformed_response":
    case "unknown":
      return { action: "fallback", why: err.code };
  }
}

/** Used only if a daily-quota error arrives without a reset time: 24 h from now. */
function nextMidnightPacificFallback() {
  return new Date(Date.now() + 24 * 3600_000);
}
