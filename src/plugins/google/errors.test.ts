import { ApiError } from "@google/genai";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../spec";
import { fromOperationError, parseDurationMs, parseGoogleErrorBody, toProviderError } from "./errors";
import { badKeyBody, internalBody, permissionDeniedBody, quotaPerDayBody, quotaPerMinuteBody, unavailableBody } from "./fake/error-bodies";

const ID = "google-test";
const NOW = new Date("2026-07-04T20:00:00Z"); // 13:00 PDT

/** What the SDK throws for models/operations/files calls: status + the JSON body as message. */
const apiError = (status: number, body: unknown) => new ApiError({ status, message: JSON.stringify(body) });

// Verbatim from the reference (a real per-day 429).
const REAL_PER_DAY = `{"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details. ... Please retry in 38.96s.","status":"RESOURCE_EXHAUSTED","details":[
 {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier","quotaDimensions":{"location":"global","model":"gemini-2.5-flash"},"quotaValue":"20"}]},
 {"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Learn more about Gemini API quotas","url":"https://ai.google.dev/gemini-api/docs/rate-limits"}]},
 {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"38s"}]}}`;

describe("toProviderError: quota", () => {
  it("per-day 429 (real body): quota/day, not retryable, resetAt next midnight Pacific, retryDelay ignored", () => {
    const err = toProviderError(new ApiError({ status: 429, message: REAL_PER_DAY }), ID, { now: NOW });
    expect(err).toMatchObject({ code: "quota", quotaScope: "day", retryable: false, status: 429, providerId: ID, contentFiltered: false });
    expect(err.retryAfterMs).toBeUndefined();
    expect(err.resetAt?.toISOString()).toBe("2026-07-05T07:00:00.000Z");
  });

  it("per-day 429 in winter resets at 08:00 UTC", () => {
    const err = toProviderError(apiError(429, quotaPerDayBody("veo-3.1-fast-generate-preview")), ID, { now: new Date("2026-01-10T03:00:00Z") });
    expect(err.resetAt?.toISOString()).toBe("2026-01-10T08:00:00.000Z");
  });

  it("per-minute 429: quota/minute, retryable, retryAfterMs from RetryInfo", () => {
    const err = toProviderError(apiError(429, quotaPerMinuteBody("gemini-2.5-flash", 17)), ID, { now: NOW });
    expect(err).toMatchObject({ code: "quota", quotaScope: "minute", retryable: true, retryAfterMs: 17_000 });
    expect(err.resetAt).toBeUndefined();
  });

  it("per-minute input-token quota id counts as per-minute", () => {
    const body = quotaPerMinuteBody("gemini-2.5-flash", 5);
    body.error.details![0]!.violations![0]!.quotaId = "GenerateContentInputTokensPerModelPerMinute-FreeTier";
    expect(toProviderError(apiError(429, body), ID)).toMatchObject({ quotaScope: "minute", retryAfterMs: 5000 });
  });

  it("429 without QuotaFailure is rate_limited, delay from the message when no RetryInfo", () => {
    const body = { error: { code: 429, message: "Resource has been exhausted. Please retry in 2.5s.", status: "RESOURCE_EXHAUSTED" } };
    expect(toProviderError(apiError(429, body), ID)).toMatchObject({ code: "rate_limited", retryable: true, retryAfterMs: 2500 });
  });

  it("interactions client shape (status, parsed body under .error, Retry-After header)", () => {
    const e = Object.assign(new Error("429 quota"), {
      name: "RateLimitError",
      status: 429,
      error: { httpMeta: { response: {}, request: {} }, ...quotaPerMinuteBody("lyria-3-clip-preview", 9) },
      headers: new Headers({ "retry-after": "9" }),
    });
    expect(toProviderError(e, ID)).toMatchObject({ code: "quota", quotaScope: "minute", retryAfterMs: 9000 });
    const daily = Object.assign(new Error("429"), { status: 429, error: quotaPerDayBody("lyria-3-clip-preview") });
    expect(toProviderError(daily, ID, { now: NOW })).toMatchObject({ code: "quota", quotaScope: "day", retryable: false });
  });
});

describe("toProviderError: other statuses", () => {
  it("503 overloaded: unavailable, retryable", () => {
    expect(toProviderError(apiError(503, unavailableBody()), ID)).toMatchObject({ code: "unavailable", retryable: true, status: 503 });
  });
  it("500 internal: unavailable, retryable", () => {
    expect(toProviderError(apiError(500, internalBody()), ID)).toMatchObject({ code: "unavailable", retryable: true });
  });
  it("400 API_KEY_INVALID: auth, not retryable", () => {
    expect(toProviderError(apiError(400, badKeyBody()), ID)).toMatchObject({ code: "auth", retryable: false, status: 400 });
  });
  it("403 PERMISSION_DENIED: auth", () => {
    expect(toProviderError(apiError(403, permissionDeniedBody()), ID)).toMatchObject({ code: "auth", retryable: false });
  });
  it("other 400: invalid_request, not retryable", () => {
    const body = { error: { code: 400, message: "* GenerateContentRequest.contents: contents is not specified\n", status: "INVALID_ARGUMENT" } };
    expect(toProviderError(apiError(400, body), ID)).toMatchObject({ code: "invalid_request", retryable: false });
  });
  it("404 model not found: invalid_request", () => {
    const body = { error: { code: 404, message: "models/nope is not found for API version v1beta", status: "NOT_FOUND" } };
    expect(toProviderError(apiError(404, body), ID).code).toBe("invalid_request");
  });
  it("504 DEADLINE_EXCEEDED: timeout, retryable", () => {
    const body = { error: { code: 504, message: "Deadline expired before operation could complete.", status: "DEADLINE_EXCEEDED" } };
    expect(toProviderError(apiError(504, body), ID)).toMatchObject({ code: "timeout", retryable: true });
  });
  it("an HTML 502 page (the SDK wraps the text) is unavailable", () => {
    const body = { error: { message: "<html><body>Bad Gateway</body></html>", code: 502, status: "Bad Gateway" } };
    expect(toProviderError(apiError(502, body), ID).code).toBe("unavailable");
  });
});

describe("toProviderError: aborts, network, passthrough", () => {
  it("an AbortError while the caller's signal is aborted is a cancellation (timeout code)", () => {
    const ac = new AbortController();
    ac.abort();
    const err = toProviderError(new DOMException("This operation was aborted", "AbortError"), ID, { signal: ac.signal });
    expect(err).toMatchObject({ code: "timeout" });
    expect(err.message).toMatch(/aborted by the caller/);
  });
  it("an AbortError with a live signal is the SDK's request timeout", () => {
    const err = toProviderError(new DOMException("This operation was aborted", "AbortError"), ID, { signal: new AbortController().signal });
    expect(err).toMatchObject({ code: "timeout", retryable: true });
  });
  it("connection refused is unavailable", () => {
    const e = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
    expect(toProviderError(e, ID)).toMatchObject({ code: "unavailable", retryable: true });
  });
  it("ProviderErrors pass through; anything else is wrapped with its cause", () => {
    const pe = new ProviderError({ code: "content_filtered", providerId: ID, message: "x" });
    expect(toProviderError(pe, ID)).toBe(pe);
    const boom = new Error("boom");
    const wrapped = toProviderError(boom, ID);
    expect(wrapped).toMatchObject({ code: "unknown", retryable: false });
    expect(wrapped.cause).toBe(boom);
  });
});

describe("operation errors (google.rpc.Status with gRPC codes)", () => {
  it("maps gRPC codes", () => {
    expect(fromOperationError({ code: 8, message: "quota", details: quotaPerDayBody("veo").error.details }, ID, NOW)).toMatchObject({ code: "quota", quotaScope: "day" });
    expect(fromOperationError({ code: 14, message: "unavailable" }, ID).code).toBe("unavailable");
    expect(fromOperationError({ code: 13, message: "internal" }, ID).code).toBe("unavailable");
    expect(fromOperationError({ code: 3, message: "bad image" }, ID).code).toBe("invalid_request");
    expect(fromOperationError({ code: 3, message: "The prompt violates our usage guidelines" }, ID).code).toBe("content_filtered");
    expect(fromOperationError({ code: 4, message: "deadline" }, ID).code).toBe("timeout");
  });
});

describe("helpers", () => {
  it("parseDurationMs", () => {
    expect(parseDurationMs("38s")).toBe(38_000);
    expect(parseDurationMs("0.5s")).toBe(500);
    expect(parseDurationMs("38.961340s")).toBe(38_961);
    expect(parseDurationMs("soon")).toBeUndefined();
  });
  it("parseGoogleErrorBody unwraps strings and nested error layers", () => {
    expect(parseGoogleErrorBody(REAL_PER_DAY)?.status).toBe("RESOURCE_EXHAUSTED");
    expect(parseGoogleErrorBody({ httpMeta: {}, error: { code: 503, status: "UNAVAILABLE" } })?.code).toBe(503);
    expect(parseGoogleErrorBody("<html>")).toBeUndefined();
  });
  it("ProviderError.isInstance works across copies (symbol marker, not instanceof)", () => {
    const foreign = { [Symbol.for("reelfarm.providerError")]: true, code: "quota" };
    expect(ProviderError.isInstance(foreign)).toBe(true);
    expect(ProviderError.isInstance(new Error("x"))).toBe(false);
    expect(ProviderError.isInstance(null)).toBe(false);
  });
});

describe("content-filter detection stays narrow", () => {
  it("a 400 about safetySettings is a plain invalid_request", () => {
    const body = { error: { code: 400, message: "Invalid value at 'safety_settings[0].threshold'", status: "INVALID_ARGUMENT" } };
    expect(toProviderError(apiError(400, body), ID).code).toBe("invalid_request");
  });
});
