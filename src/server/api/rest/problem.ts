/**
 * RFC 9457 problem details for REST API v1. Every error answer of /api/v1 is one of these, as
 * `application/problem+json` — never an HTML page, never a bare status.
 */
import { type z } from "zod";

/** The problem types of API v1: slug -> [status, title]. Documented on the API reference page (#problem-<slug>). */
export const PROBLEM_TYPES = {
  "unauthorized": [401, "A valid API token is required"],
  "forbidden": [403, "Not allowed"],
  "insufficient-scope": [403, "The API token lacks the scope this operation needs"],
  "daily-render-limit": [429, "Daily render limit reached"],
  "daily-budget": [402, "Daily budget reached"],
  "not-found": [404, "Not found"],
  "method-not-allowed": [405, "Method not allowed"],
  "malformed-json": [400, "The body is not valid JSON"],
  "malformed-multipart": [400, "The body is not valid multipart/form-data"],
  "invalid-query": [400, "Invalid query parameters"],
  "missing-idempotency-key": [400, "An Idempotency-Key header is required on every POST"],
  "payload-too-large": [413, "The body is too large"],
  "unsupported-media-type": [415, "Unsupported Content-Type"],
  "validation-failed": [422, "The request has invalid fields"],
  "idempotency-key-reused": [422, "This Idempotency-Key was used for a different request"],
  "idempotency-key-in-use": [409, "A request with this Idempotency-Key is still running"],
  "conflict": [409, "The resource is not in a state that allows this"],
  "rate-limited": [429, "Too many requests"],
  "internal": [500, "Internal error"],
} as const satisfies Record<string, readonly [number, string]>;
export type ProblemType = keyof typeof PROBLEM_TYPES;

export interface FieldError {
  field: string;
  message: string;
}

/** Thrown by API handlers; the dispatcher turns it into the problem+json answer. */
export class ApiProblem extends Error {
  readonly status: number;
  constructor(
    readonly type: ProblemType,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? PROBLEM_TYPES[type][1]);
    this.name = "ApiProblem";
    this.status = PROBLEM_TYPES[type][0];
  }
}

export function problemResponse(p: { type: ProblemType; detail?: string; errors?: FieldError[]; instance?: string; status?: number; title?: string }, headers: Record<string, string> = {}): Response {
  const [status, title] = PROBLEM_TYPES[p.type];
  const body = {
    type: `/api-reference#problem-${p.type}`,
    title: p.title ?? title,
    status: p.status ?? status,
    ...(p.detail ? { detail: p.detail } : {}),
    ...(p.instance ? { instance: p.instance } : {}),
    ...(p.errors?.length ? { errors: p.errors } : {}),
  };
  return new Response(JSON.stringify(body), { status: body.status, headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers } });
}

/** zod issues as field errors: "cta.text", "mustSay.2"; unknown fields are named one by one. */
export function zodFieldErrors(error: z.ZodError, prefix = ""): FieldError[] {
  return error.issues.flatMap((i) => {
    const at = [prefix, ...i.path.map(String)].filter(Boolean).join(".");
    if (i.code === "unrecognized_keys") return i.keys.map((k) => ({ field: at ? `${at}.${k}` : k, message: "unknown field" }));
    return [{ field: at || "(body)", message: i.message }];
  });
}
