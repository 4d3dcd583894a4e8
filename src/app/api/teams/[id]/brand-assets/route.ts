import { db } from "~/server/db";
import { teamFor } from "~/server/auth/access";
import { accessErrorResponse, jsonError, requireUser } from "~/server/auth/guard";
import { addBrandAsset } from "~/server/services/brand-assets";
import { UploadError } from "~/server/services/uploads";
import { MAX_FONT_BYTES, MAX_LOGO_BYTES } from "~/shared/brand";

export const dynamic = "force-dynamic";

/** A request carries one logo or one font, plus the multipart envelope. */
const MAX_REQUEST_BYTES = Math.max(MAX_LOGO_BYTES, MAX_FONT_BYTES) + 64 * 1024;

/**
 * Uploads one brand asset for a team (multipart/form-data, field "logo" or "font"). The file is
 * checked by content (~/server/services/brand-assets); a refusal is 400 with `{ error, field }`.
 */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const g = await requireUser(req);
  if (g.response) return g.response;
  let teamId: string;
  try {
    teamId = teamFor(g.user, id);
  } catch (e) {
    return accessErrorResponse(e);
  }
  if (!(await db().team.findUnique({ where: { id: teamId }, select: { id: true } }))) return jsonError(404, "Team not found");
  const length = Number(req.headers.get("content-length") ?? NaN);
  if (!Number.isFinite(length)) return jsonError(411, "Content-Length is required");
  if (length > MAX_REQUEST_BYTES) return jsonError(413, `At most ${(MAX_REQUEST_BYTES / 1048576).toFixed(0)} MB per upload`);
  if (!req.headers.get("content-type")?.startsWith("multipart/form-data")) return jsonError(415, "Send multipart/form-data");
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    return jsonError(400, "Malformed multipart body");
  }
  const kind = form.has("logo") ? "logo" : form.has("font") ? "font" : null;
  const file = kind ? form.get(kind) : null;
  if (!kind || !file || typeof file === "string") return jsonError(400, 'Send one file in field "logo" or "font"');
  try {
    const a = await addBrandAsset(db(), teamId, kind, { name: file.name, bytes: Buffer.from(await file.arrayBuffer()) });
    return Response.json({ asset: { id: a.id, kind: a.kind, name: a.name, width: a.width, height: a.height, family: a.family, bytes: a.bytes } }, { status: 201 });
  } catch (e) {
    if (e instanceof UploadError) return Response.json({ error: e.message, field: e.field }, { status: 400, headers: { "cache-control": "no-store" } });
    throw e;
  }
}
