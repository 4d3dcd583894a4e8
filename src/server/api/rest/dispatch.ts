/**
 * The REST API v1 dispatcher: one function from a Request to a Response for every operation in
 * ./v1.ts, mounted by src/app/api/v1/[...path]/route.ts. In order:
 *   route (404 / 405 with Allow) -> API token (401) -> query (400) -> body: Content-Type (415),
 *   size (413), JSON or multipart syntax (400), schema incl. unknown fields (422)
 *   -> Idempotency-Key on POST (400 / 409 / 422, or the stored answer replayed) -> handler.
 * Whatever goes wrong answers RFC 9457 problem+json naming the field at fault; nothing here ever
 * answers HTML. Handler errors map as: ApiProblem as is, ForbiddenError 403, NotFoundError 404,
 * ZodError, UploadError and QueueRefusedError (no voice speaks the campaign's language) 422,
 * LimitError 429 (daily render limit) or 402 (daily budget) with Retry-After, anything else 500
 * (logged, not echoed). Token scopes: GET needs "read", every other method "render".
 */
import { ZodError } from "zod";
import { db } from "~/server/db";
import { ForbiddenError } from "~/server/auth/access";
import { requireBearer } from "~/server/auth/guard";
import { NotFoundError, QueueRefusedError } from "~/server/services/renders";
import { UploadError } from "~/server/services/uploads";
import { LimitError } from "~/server/services/limits";
import { type Answer, type Operation } from "./operation";
import { claimIdempotencyKey, requestHash } from "./idempotency";
import { ApiProblem, type FieldError, problemResponse, zodFieldErrors } from "./problem";
import { operations } from "./v1";
import { logFor } from "~/server/log";

export const API_PREFIX = "/api/v1";
/** Largest JSON body (a brief is a few KB). */
export const MAX_JSON_BYTES = 64 * 1024;

interface Route {
  op: Operation;
  re: RegExp;
  names: string[];
}
const routes: Route[] = operations.map((op) => {
  const names: string[] = [];
  const re = new RegExp(`^${op.path.replace(/[.]/g, "\\.").replace(/\{(\w+)\}/g, (_, n: string) => (names.push(n), "([^/]+)"))}$`);
  return { op, re, names };
});

function match(method: string, path: string): { op: Operation; params: Record<string, string> } | { allow: string[] } | null {
  const m = method === "HEAD" ? "GET" : method;
  const allow: string[] = [];
  for (const r of routes) {
    const hit = r.re.exec(path);
    if (!hit) continue;
    if (r.op.method === m) return { op: r.op, params: Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(hit[i + 1]!)])) };
    allow.push(r.op.method);
  }
  return allow.length ? { allow: [...new Set(allow)].sort() } : null;
}

/** Reads at most `max` bytes of the body; more is a 413 (whatever Content-Length claimed). */
async function readCapped(req: Request, max: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  const tooLarge = () => new ApiProblem("payload-too-large", `At most ${max} bytes per request to this operation`, [{ field: "(body)", message: `larger than ${max} bytes` }]);
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  if (!req.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

const mediaType = (req: Request) => (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();

interface ParsedBody {
  body: unknown;
  files: File[];
  /** What identifies the request for Idempotency-Key (the bytes a retry would send again). */
  hashParts: (string | Uint8Array)[];
}

async function parseBody(req: Request, op: Operation): Promise<ParsedBody> {
  const spec = op.body;
  if (!spec) {
    // Action POSTs (cancel, retry, archive) take no body; an empty one or {} is fine.
    const raw = await readCapped(req, 1024);
    return { body: undefined, files: [], hashParts: [raw] };
  }
  const type = mediaType(req);
  if (spec.kind === "json") {
    if (type !== "application/json" && !type.endsWith("+json")) {
      throw new ApiProblem("unsupported-media-type", `Send the body as application/json (got ${type || "no Content-Type"})`, [{ field: "Content-Type", message: "must be application/json" }]);
    }
    const raw = await readCapped(req, spec.maxBytes ?? MAX_JSON_BYTES);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch (e) {
      throw new ApiProblem("malformed-json", `The body is not valid JSON: ${(e as Error).message}`, [{ field: "(body)", message: "not valid JSON" }]);
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) throw new ApiProblem("validation-failed", "Some fields are invalid; see errors", zodFieldErrors(parsed.error));
    return { body: parsed.data, files: [], hashParts: [raw] };
  }
  if (type !== "multipart/form-data") {
    throw new ApiProblem("unsupported-media-type", `Send the files as multipart/form-data (got ${type || "no Content-Type"})`, [{ field: "Content-Type", message: "must be multipart/form-data" }]);
  }
  const raw = await readCapped(req, spec.maxBytes);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { "content-type": req.headers.get("content-type")! } }).formData();
  } catch {
    throw new ApiProblem("malformed-multipart", "The multipart body could not be parsed", [{ field: "(body)", message: "not valid multipart/form-data" }]);
  }
  const files = form.getAll(spec.field).filter((f): f is File => typeof f !== "string");
  const unknown = [...new Set([...form.keys()].filter((k) => k !== spec.field))];
  const errors: FieldError[] = unknown.map((k) => ({ field: k, message: "unknown field" }));
  if (files.length === 0) errors.push({ field: spec.field, message: "no file given" });
  if (errors.length) throw new ApiProblem("validation-failed", `Send the files in the field "${spec.field}"`, errors);
  // The boundary differs between two sends of the same files: identify the request by the files.
  const hashParts = (await Promise.all(files.map(async (f) => [f.name, new Uint8Array(await f.arrayBuffer())]))).flat();
  return { body: undefined, files, hashParts };
}

function toProblem(e: unknown, instance: string): Response {
  if (e instanceof ApiProblem) return problemResponse({ type: e.type, detail: e.detail, errors: e.errors, instance }, e.headers);
  if (e instanceof ForbiddenError) return problemResponse({ type: "forbidden", detail: e.message, instance });
  if (e instanceof NotFoundError) return problemResponse({ type: "not-found", detail: e.message, instance });
  if (e instanceof ZodError) return problemResponse({ type: "validation-failed", detail: "Some fields are invalid; see errors", errors: zodFieldErrors(e), instance });
  if (e instanceof QueueRefusedError) return problemResponse({ type: "validation-failed", detail: e.message, errors: [{ field: "language", message: e.message }], instance });
  if (e instanceof LimitError) {
    // Over a daily limit: nothing was queued. 429 for a render count, 402 for the budget.
    return problemResponse({ type: e.kind === "budget" ? "daily-budget" : "daily-render-limit", detail: e.message, instance }, { "retry-after": String(e.retryAfterSec) });
  }
  if (e instanceof UploadError) return problemResponse({ type: "validation-failed", detail: e.message, errors: [{ field: e.field, message: e.message }], instance });
  logFor("api").error({ err: e, instance }, "request failed");
  return problemResponse({ type: "internal", detail: "The server failed; the request may be retried with the same Idempotency-Key.", instance });
}

function answerResponse(a: Exclude<Answer, Response>, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = { "cache-control": "no-store", ...extra };
  if (a.location) headers.location = a.location;
  if (a.status === 204 || a.body === undefined) return new Response(null, { status: a.status, headers });
  return new Response(JSON.stringify(a.body), { status: a.status, headers: { "content-type": "application/json", ...headers } });
}

/** Problems that are not an ApiProblem but come from the auth guard (401, or a 429 from rate limits). */
async function guardProblem(res: Response, instance: string): Promise<Response> {
  if (res.headers.get("content-type") === "application/problem+json") return res;
  const headers: Record<string, string> = {};
  for (const h of ["www-authenticate", "retry-after", "ratelimit", "ratelimit-policy"]) {
    const v = res.headers.get(h);
    if (v) headers[h] = v;
  }
  const detail = await res
    .clone()
    .json()
    .then((b: { error?: string; detail?: string }) => b.detail ?? b.error)
    .catch(() => undefined);
  if (res.status === 401) return problemResponse({ type: "unauthorized", detail: detail ?? "Send Authorization: Bearer rf_...", instance }, { "www-authenticate": 'Bearer realm="reelfarm"', ...headers });
  if (res.status === 429) return problemResponse({ type: "rate-limited", detail, instance }, headers);
  return problemResponse({ type: "forbidden", status: res.status, title: res.statusText || "Refused", detail, instance }, headers);
}

/** Answers one request to /api/v1/... */
export async function handleV1(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) || "/" : url.pathname;
  const instance = url.pathname;
  const hit = match(req.method, path);
  if (!hit) return problemResponse({ type: "not-found", detail: `No API operation at ${req.method} ${instance}; see ${API_PREFIX}/openapi.json`, instance });
  if ("allow" in hit) return problemResponse({ type: "method-not-allowed", detail: `${instance} allows ${hit.allow.join(", ")}`, instance }, { allow: hit.allow.join(", ") });
  const { op, params } = hit;
  try {
    let user = undefined as Awaited<ReturnType<typeof requireBearer>>["user"];
    let tokenId = "";
    if (!op.public) {
      // Scopes: reading needs "read"; anything that changes something (campaigns, images,
      // renders) needs "render".
      const g = await requireBearer(req, { scope: op.method === "GET" ? "read" : "render" });
      if (g.response) return await guardProblem(g.response, instance);
      user = g.user;
      tokenId = g.tokenId ?? "";
    }
    let query: unknown = {};
    if (op.query) {
      const q = op.query.safeParse(Object.fromEntries(url.searchParams));
      if (!q.success) throw new ApiProblem("invalid-query", "Some query parameters are invalid", zodFieldErrors(q.error));
      query = q.data;
    } else {
      const extra = [...url.searchParams.keys()].filter((k) => !(op.operationId === "getRenderOutput" && k === "download"));
      if (extra.length) throw new ApiProblem("invalid-query", "This operation takes no query parameters", extra.map((k) => ({ field: k, message: "unknown parameter" })));
    }
    const parsed = op.method === "POST" || op.method === "PATCH" ? await parseBody(req, op) : { body: undefined, files: [], hashParts: [] };
    const run = async (): Promise<Answer> => op.handle({ req, user: user!, tokenId, params, query: query as never, body: parsed.body as never, files: parsed.files });

    if (op.method !== "POST" || op.public) {
      const a = await run();
      return a instanceof Response ? a : answerResponse(a);
    }
    const operation = `${op.method} ${instance}`;
    const claim = await claimIdempotencyKey(db(), tokenId, req.headers.get("idempotency-key"), operation, requestHash([operation, ...parsed.hashParts]));
    if (claim.replay) {
      const r = claim.replay;
      const headers: Record<string, string> = { "cache-control": "no-store", "idempotent-replayed": "true", "content-type": r.status >= 400 ? "application/problem+json" : "application/json" };
      if (r.location) headers.location = r.location;
      return new Response(r.body || null, { status: r.status, headers });
    }
    let res: Response;
    try {
      const a = await run();
      res = a instanceof Response ? a : answerResponse(a);
    } catch (e) {
      res = toProblem(e, instance);
    }
    if (res.status >= 500) await claim.release();
    else await claim.finish({ status: res.status, body: await res.clone().text(), location: res.headers.get("location") });
    return res;
  } catch (e) {
    return toProblem(e, instance);
  }
}
