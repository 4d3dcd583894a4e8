import { describe, expect, it } from "vitest";
import { decide } from "~/server/services/pipeline/retry-policy";
import { ProcessError } from "~/process/run";
import { ProviderError } from "./errors";

describe("ProviderError", () => {
  it("derives retryable from the code and quota scope", () => {
    const make = (code: ConstructorParameters<typeof ProviderError>[0]["code"], quotaScope?: "minute" | "day") =>
      new ProviderError({ code, quotaScope, providerId: "p", message: "m" }).retryable;
    expect(make("quota", "minute")).toBe(true);
    expect(make("quota", "day")).toBe(false);
    expect(make("rate_limited")).toBe(true);
    expect(make("unavailable")).toBe(true);
    expect(make("timeout")).toBe(true);
    for (const code of ["invalid_request", "auth", "content_filtered", "malformed_response", "unknown"] as const) expect(make(code)).toBe(false);
    expect(new ProviderError({ code: "timeout", providerId: "p", message: "m", retryable: false }).retryable).toBe(false);
  });

  it("contentFiltered follows the code; toJSON is a plain record for logs and assets", () => {
    const resetAt = new Date("2026-07-05T07:00:00Z");
    const e = new ProviderError({ code: "quota", quotaScope: "day", resetAt, providerId: "google-veo", message: "daily", status: 429, cause: new Error("x") });
    expect(e.contentFiltered).toBe(false);
    expect(new ProviderError({ code: "content_filtered", providerId: "p", message: "m" }).contentFiltered).toBe(true);
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: "ProviderError", code: "quota", providerId: "google-veo", message: "daily", retryable: false,
      quotaScope: "day", resetAt: "2026-07-05T07:00:00.000Z", status: 429, contentFiltered: false, cancelled: false,
    });
  });

  it("wrap keeps ProviderErrors and wraps the rest with their cause", () => {
    const original = new TypeError("boom");
    const wrapped = ProviderError.wrap(original, "p");
    expect(wrapped).toMatchObject({ code: "unknown", providerId: "p", message: "p: boom" });
    expect(wrapped.cause).toBe(original);
    expect(ProviderError.wrap(wrapped, "q")).toBe(wrapped);
  });

  it("wrap makes an abort by the caller's signal a cancelled timeout, which is queued again whatever the retries", () => {
    const abort = ProviderError.wrap(new DOMException("This operation was aborted", "AbortError"), "p");
    const killed = ProviderError.wrap(new ProcessError("ffprobe aborted", { command: "ffprobe", args: [], aborted: true }), "p");
    for (const e of [abort, killed]) {
      expect(e).toMatchObject({ code: "timeout", cancelled: true, retryable: true });
      expect(decide(e, 99)).toMatchObject({ action: "retry", delayMs: 0 });
    }
    // A deadline (AbortSignal.timeout's TimeoutError) and a failed child are the provider's: not cancelled.
    expect(ProviderError.wrap(new DOMException("The operation timed out", "TimeoutError"), "p").cancelled).toBe(false);
    const failed = ProviderError.wrap(new ProcessError("ffprobe failed", { command: "ffprobe", args: [], exitCode: 1 }), "p");
    expect(failed).toMatchObject({ code: "unknown", cancelled: false });
    expect(decide(failed, 0).action).toBe("fallback");
    expect(decide(new ProviderError({ code: "timeout", providerId: "p", message: "deadline" }), 2).action).toBe("fallback");
  });
});
