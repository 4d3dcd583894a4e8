/**
 * The one place where Google answers become ProviderErrors.
 *
 * Sources: `ApiError` (models/operations/files: numeric `.status`, JSON
 * body as `.message`), the interactions client's `APIError` subclasses
 * (`.status`, parsed body in `.error`, `.headers`), our own fetch for Veo's
 * predictLongRunning, aborts/timeouts, and finished operations carrying a
 * google.rpc.Status. Bodies follow google.rpc.Status; only the QuotaFailure
 * detail tells a per-minute 429 from a per-day 429.
 */
import { ProviderError, type ProviderErrorCode } from "../spec";
import { nextMidnightPacific } from "./pacific-time";

export interface GoogleErrorDetail {
  "@type"?: string;
  reason?: string;
  retryDelay?: string;
  violations?: { quotaId?: string; quotaMetric?: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

export interface GoogleErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: GoogleErrorDetail[];
}

export interface MapOptions {
  /** Clock for resetAt. Default: new Date(). */
  now?: Date;
  /** The caller's signal: an abort while it is aborted is a cancellation. */
  signal?: AbortSignal;
}

/** Finds `{code,message,status,details}` in a string or object, unwrapping `{error: …}` layers. */
export function parseGoogleErrorBody(raw: unknown): GoogleErrorBody | undefined {
  let value = raw;
  if (typeof value === "string") {
    const start = value.indexOf("{");
    if (start < 0) return undefined;
    try {
      value = JSON.parse(value.slice(start));
    } catch {
      return undefined;
    }
  }
  for (let depth = 0; depth < 3 && typeof value === "object" && value !== null; depth++) {
    const obj = value as Record<string, unknown>;
    if (typeof obj.error === "object" && obj.error !== null) value = obj.error;
    else if (typeof obj.code === "number" || typeof obj.status === "string") return obj as GoogleErrorBody;
    else return undefined;
  }
  return undefined;
}

/** "38s" | "0.5s" | "38.961340s" -> ms. */
export function parseDurationMs(duration: string | undefined): number | undefined {
  const m = duration ? /^(\d+(?:\.\d+)?)s$/.exec(duration.trim()) : null;
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

function detailsOfType(body: GoogleErrorBody, type: string): GoogleErrorDetail[] {
  return (body.details ?? []).filter((d) => typeof d["@type"] === "string" && d["@type"].endsWith(`google.rpc.${type}`));
}

function retryAfterMsOf(body: GoogleErrorBody, retryAfterHeader?: string | null): number | undefined {
  const fromInfo = parseDurationMs(detailsOfType(body, "RetryInfo")[0]?.retryDelay);
  if (fromInfo !== undefined) return fromInfo;
  if (retryAfterHeader && /^\d+(\.\d+)?$/.test(retryAfterHeader.trim())) return Math.round(Number(retryAfterHeader) * 1000);
  const fromMessage = /retry in (\d+(?:\.\d+)?)s/i.exec(body.message ?? "");
  return fromMessage ? Math.round(Number(fromMessage[1]) * 1000) : undefined;
}

function quotaIds(body: GoogleErrorBody): string[] {
  return detailsOfType(body, "QuotaFailure").flatMap((d) => (d.violations ?? []).map((v) => v.quotaId ?? ""));
}

/** Phrases of policy refusals; narrow on purpose ("safetySettings: invalid" is a plain 400). */
const FILTER_WORDS = /usage guidelines|responsible ai|blocked by (?:our )?safety|prohibited content|violates? (?:our|the) (?:policy|policies|guidelines)/i;

export interface HttpErrorInput {
  status: number;
  body: GoogleErrorBody | undefined;
  /** Raw text when the body was not JSON (an HTML error page). */
  text?: string;
  retryAfterHeader?: string | null;
  cause?: unknown;
}

/** Maps an HTTP status + google.rpc.Status body to a ProviderError. */
export function fromHttpError(input: HttpErrorInput, providerId: string, now: Date = new Date()): ProviderError {
  const { status, body = {} } = input;
  const detail = body.message ?? input.text?.slice(0, 200) ?? "";
  const base = { providerId, status, cause: input.cause };
  const make = (code: ProviderErrorCode, extra: Partial<ConstructorParameters<typeof ProviderError>[0]> = {}) =>
    new ProviderError({ ...base, code, message: `${providerId}: ${status} ${body.status ?? ""} ${detail}`.replace(/\s+/g, " ").trim(), ...extra });

  if (status === 429) {
    const ids = quotaIds(body);
    if (ids.some((id) => /PerDay/i.test(id))) {
      // A daily 429 still carries a short retryDelay: it is misleading, so it is dropped.
      return make("quota", { quotaScope: "day", resetAt: nextMidnightPacific(now) });
    }
    const retryAfterMs = retryAfterMsOf(body, input.retryAfterHeader);
    if (ids.length > 0) return make("quota", { quotaScope: "minute", retryAfterMs });
    return make("rate_limited", { retryAfterMs });
  }
  const reasons = detailsOfType(body, "ErrorInfo").map((d) => d.reason ?? "");
  if (status === 401 || status === 403 || reasons.includes("API_KEY_INVALID") || /API key not valid/i.test(detail)) return make("auth");
  if (status === 408 || status === 504 || body.status === "DEADLINE_EXCEEDED") return make("timeout");
  if (status >= 500) return make("unavailable", { retryAfterMs: retryAfterMsOf(body, input.retryAfterHeader) });
  if (status === 400 && FILTER_WORDS.test(detail)) return make("content_filtered");
  if (status >= 400) return make("invalid_request");
  return make("unknown");
}

/** gRPC code (in a finished operation's `error`) -> the HTTP status Google maps it to. */
const GRPC_TO_HTTP: Record<number, number> = { 1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401 };

/** A long operation that finished with `error: {code, message, details}` (google.rpc.Status, gRPC code). */
export function fromOperationError(error: GoogleErrorBody, providerId: string, now: Date = new Date()): ProviderError {
  const status = GRPC_TO_HTTP[error.code ?? 2] ?? 500;
  return fromHttpError({ status, body: error }, providerId, now);
}

function isAbortLike(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "AbortError" || name === "TimeoutError" || name === "APIUserAbortError" || name === "APIConnectionTimeoutError";
}

function isConnectionFailure(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown; cause?: { code?: unknown } } | null;
  const code = typeof e?.cause?.code === "string" ? e.cause.code : "";
  return (
    e?.name === "APIConnectionError" ||
    (e?.name === "TypeError" && /fetch failed/i.test(String(e.message))) ||
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|UND_ERR_)/.test(code)
  );
}

/** Maps anything the SDK, fetch or our code threw. ProviderErrors pass through. */
export function toProviderError(error: unknown, providerId: string, options: MapOptions = {}): ProviderError {
  if (ProviderError.isInstance(error)) return error;
  const now = options.now ?? new Date();
  if (options.signal?.aborted) {
    return new ProviderError({ code: "timeout", providerId, message: `${providerId}: aborted by the caller`, cause: error, cancelled: true });
  }
  if (isAbortLike(error)) {
    return new ProviderError({ code: "timeout", providerId, message: `${providerId}: request timed out`, cause: error });
  }
  const e = error as { status?: unknown; message?: unknown; error?: unknown; body?: unknown; headers?: { get?(n: string): string | null } };
  if (typeof e?.status === "number" && e.status >= 400) {
    // ApiError: body JSON in .message. Interactions APIError: parsed body in .error, text in .body.
    const body = parseGoogleErrorBody(e.error) ?? parseGoogleErrorBody(e.body) ?? parseGoogleErrorBody(e.message);
    const retryAfterHeader = typeof e.headers?.get === "function" ? e.headers.get("retry-after") : undefined;
    return fromHttpError({ status: e.status, body, text: typeof e.message === "string" ? e.message : undefined, retryAfterHeader, cause: error }, providerId, now);
  }
  if (isConnectionFailure(error)) {
    return new ProviderError({ code: "unavailable", providerId, message: `${providerId}: connection failed: ${String(e?.message)}`, cause: error });
  }
  return ProviderError.wrap(error, providerId);
}
