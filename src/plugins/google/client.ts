/**
 * What every Google plugin shares: the SDK client built from the context,
 * the secret name, raw REST calls for what the SDK refuses in API-key mode,
 * and the guard that turns every throw into a ProviderError.
 */
import { GoogleGenAI } from "@google/genai";
import { z } from "zod";
import { ProviderError, type ProviderContext } from "../spec";
import { fromHttpError, parseGoogleErrorBody, toProviderError } from "./errors";

/** The secret every Google provider requires. */
export const GEMINI_API_KEY = "GEMINI_API_KEY";
export const GOOGLE_DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";
/** Set explicitly: the 3.x SDK defaults to v1, Google's REST docs (and preview models) use v1beta. */
export const GOOGLE_API_VERSION = "v1beta";

/** Options every Google provider accepts, next to its own. */
export const googleCommonOptions = {
  /** Per-request timeout in ms (the SDK aborts the request). */
  timeoutMs: z.number().int().min(100).max(600_000),
};

export function apiKeyOf(ctx: ProviderContext<unknown>, providerId: string): string {
  const key = ctx.secrets[GEMINI_API_KEY]?.trim();
  if (!key) {
    throw new ProviderError({ code: "auth", providerId, message: `${providerId}: ${GEMINI_API_KEY} is not set` });
  }
  return key;
}

/**
 * The real SDK, pointed at ctx.baseUrl (a fake in tests) and ctx.fetch.
 * SDK retries stay off (no retryOptions): the caller owns retries, because
 * only it knows a daily quota from a per-minute one.
 */
export function createGenAI(ctx: ProviderContext<unknown>, providerId: string, timeoutMs?: number): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: apiKeyOf(ctx, providerId),
    apiVersion: GOOGLE_API_VERSION,
    httpOptions: { baseUrl: ctx.baseUrl ?? GOOGLE_DEFAULT_BASE_URL, fetch: ctx.fetch, timeout: timeoutMs },
  });
}

/**
 * Runs a Google call so that only ProviderErrors escape. `body` gets a
 * per-call child of ctx.signal to hand to the SDK: the SDK leaves its abort
 * listeners on the signals it is given, so a long-lived caller signal would
 * collect one per call; the child is dropped when the call ends.
 */
export async function guardGoogle<T>(providerId: string, ctx: ProviderContext<unknown>, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const child = new AbortController();
  const forward = () => child.abort(ctx.signal.reason);
  ctx.signal.addEventListener("abort", forward, { once: true });
  try {
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error("aborted");
    return await body(child.signal);
  } catch (e) {
    throw toProviderError(e, providerId, { signal: ctx.signal });
  } finally {
    ctx.signal.removeEventListener("abort", forward);
  }
}

/**
 * POST a JSON body with plain ctx.fetch and the SDK's headers. Used for Veo's
 * predictLongRunning: SDK 3.x refuses `generateVideos` in API-key mode
 * before sending anything, while the REST endpoint itself works.
 */
export async function postJson(
  ctx: ProviderContext<unknown>,
  providerId: string,
  path: string,
  body: unknown,
  options: { signal: AbortSignal; timeoutMs: number },
): Promise<unknown> {
  const base = (ctx.baseUrl ?? GOOGLE_DEFAULT_BASE_URL).replace(/\/+$/, "");
  const url = `${base}/${GOOGLE_API_VERSION}/${path}`;
  const res = await ctx.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": apiKeyOf(ctx, providerId) },
    body: JSON.stringify(body),
    signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
  });
  const text = await res.text();
  if (!res.ok) {
    throw fromHttpError({ status: res.status, body: parseGoogleErrorBody(text), text, retryAfterHeader: res.headers.get("retry-after") }, providerId);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ProviderError({ code: "malformed_response", providerId, message: `${providerId}: ${path} answered non-JSON: ${text.slice(0, 120)}`, cause: e });
  }
}

/** Cheap start-up check: GET models/{model}. A bad key fails with ProviderError('auth'). */
export async function checkGoogleCredentials(ctx: ProviderContext<unknown>, providerId: string, model: string): Promise<void> {
  await guardGoogle(providerId, ctx, async (signal) => {
    await createGenAI(ctx, providerId, 15_000).models.get({ model, config: { abortSignal: signal } });
  });
}
