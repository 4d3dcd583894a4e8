/**
 * Authorisation for route handlers (media, uploads), the counterpart of tRPC's
 * protectedProcedure: 401 without a session, 403 for the wrong role, another team's thing, or a
 * state-changing request from another origin (CSRF).
 */
import { type SessionUser, getSessionUser } from "./session";
import { ForbiddenError } from "./access";
import { isSameOrigin, SAFE_METHODS } from "./csrf";
import { db } from "~/server/db";
import { authenticateBearer, type TokenScope } from "~/server/services/api-tokens";
import { problemResponse } from "~/server/api/rest/problem";
import { NotFoundError } from "~/server/services/renders";

/** `tokenId`: the API token that authenticated the request (bearer requests only). */
export type Guarded = { user: SessionUser; tokenId?: string; response?: undefined } | { user?: undefined; tokenId?: undefined; response: Response };

export const jsonError = (status: number, message: string, headers: Record<string, string> = {}) =>
  Response.json({ error: message }, { status, headers: { "cache-control": "no-store", ...headers } });

export async function requireUser(req: Request, opts: { admin?: boolean } = {}): Promise<Guarded> {
  if (!SAFE_METHODS.has(req.method) && !isSameOrigin(req.headers, req.url)) return { response: jsonError(403, "Cross-origin request refused") };
  const user = await getSessionUser(req.headers);
  if (!user) return { response: jsonError(401, "Sign in first") };
  if (opts.admin && user.role !== "admin") return { response: jsonError(403, "Admins only") };
  return { user };
}

/**
 * An API client: `Authorization: Bearer <token>` (no cookie, so no CSRF check applies).
 * 401 without a valid, unexpired token; 403 (problem+json) when the token lacks `scope`
 * (default "read").
 */
export async function requireBearer(req: Request, opts: { scope?: TokenScope } = {}): Promise<Guarded> {
  const a = await authenticateBearer(db(), req.headers.get("authorization"));
  if (!a) return { response: jsonError(401, "A valid API token is required (Authorization: Bearer rf_...)", { "www-authenticate": 'Bearer realm="reelfarm"' }) };
  const scope = opts.scope ?? "read";
  if (!a.scopes.includes(scope)) {
    const detail = `This API token lacks the "${scope}" scope (it has: ${a.scopes.join(", ") || "none"}). Create a token with that scope.`;
    return { response: problemResponse({ type: "insufficient-scope", detail }, { "www-authenticate": `Bearer realm="reelfarm", error="insufficient_scope", scope="${scope}"` }) };
  }
  return { user: a.user, tokenId: a.tokenId };
}

/** A bearer token when one is sent, else the session (media links work for both). */
export function requireUserOrBearer(req: Request): Promise<Guarded> {
  return req.headers.has("authorization") ? requireBearer(req) : requireUser(req);
}

/** Maps access errors thrown by services to HTTP answers; anything else is rethrown. */
export function accessErrorResponse(e: unknown): Response {
  if (e instanceof ForbiddenError) return jsonError(403, e.message);
  if (e instanceof NotFoundError) return jsonError(404, e.message);
  throw e;
}
