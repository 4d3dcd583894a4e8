/**
 * The common part of the dashboard's multipart upload routes (a team's brand assets, a campaign's images):
 * who may upload, how much, and in what envelope. Each route then reads its own fields and stores the files.
 *
 * In order, each failure answered as JSON `{ error }` with no-store (jsonError):
 * 401/403 no session or a cross-origin POST (requireUser); 403/404 from `authorize` (ForbiddenError,
 * NotFoundError: accessErrorResponse); 411 no Content-Length; 413 a declared length over `maxBytes`;
 * 415 not multipart/form-data; 400 a body that does not parse. Then `store` runs: an UploadError it throws is
 * 400 `{ error, field }` (the field the message is about); any other error propagates (500).
 * The API's upload operations (src/server/api/rest/dispatch.ts) check the same things and answer problem+json.
 */
import { type SessionUser } from "~/server/auth/session";
import { accessErrorResponse, jsonError, requireUser } from "~/server/auth/guard";
import { UploadError } from "~/server/services/uploads";

export interface UploadRoute<T> {
  /** Largest request accepted, bytes (the whole multipart body, as declared by Content-Length). */
  maxBytes: number;
  /** The 413 message, e.g. "At most 30 MB per upload". */
  tooLarge: string;
  /** The target the user uploads to (e.g. their team's id); throws ForbiddenError or NotFoundError. */
  authorize: (user: SessionUser) => Promise<T>;
  /** Reads the form's fields and stores the files; returns the response (201 with the stored records). */
  store: (form: FormData, target: T) => Promise<Response>;
}

/** Runs an upload route: the checks above, then `store`. Returns the response to send; never throws for bad input. */
export async function handleUpload<T>(req: Request, route: UploadRoute<T>): Promise<Response> {
  const g = await requireUser(req);
  if (g.response) return g.response;
  let target: T;
  try {
    target = await route.authorize(g.user);
  } catch (e) {
    return accessErrorResponse(e);
  }
  const length = Number(req.headers.get("content-length") ?? NaN);
  if (!Number.isFinite(length)) return jsonError(411, "Content-Length is required");
  if (length > route.maxBytes) return jsonError(413, route.tooLarge);
  if (!req.headers.get("content-type")?.startsWith("multipart/form-data")) return jsonError(415, "Send multipart/form-data");
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    return jsonError(400, "Malformed multipart body");
  }
  try {
    return await route.store(form, target);
  } catch (e) {
    if (e instanceof UploadError) return Response.json({ error: e.message, field: e.field }, { status: 400, headers: { "cache-control": "no-store" } });
    throw e;
  }
}
