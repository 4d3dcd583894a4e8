import { db } from "~/server/db";
import { teamFor } from "~/server/auth/access";
import { jsonError } from "~/server/auth/guard";
import { handleUpload } from "~/server/http/upload";
import { addBrandAsset } from "~/server/services/brand-assets";
import { NotFoundError } from "~/server/services/renders";
import { MAX_FONT_BYTES, MAX_LOGO_BYTES } from "~/shared/brand";

export const dynamic = "force-dynamic";

/** A request carries one logo or one font, plus the multipart envelope. */
const MAX_REQUEST_BYTES = Math.max(MAX_LOGO_BYTES, MAX_FONT_BYTES) + 64 * 1024;

/**
 * Uploads one brand asset for a team (multipart/form-data, field "logo" or "font"). The envelope is checked by
 * handleUpload (~/server/http/upload), the file by content (~/server/services/brand-assets); a refusal is 400
 * with `{ error, field }`.
 */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  return handleUpload(req, {
    maxBytes: MAX_REQUEST_BYTES,
    tooLarge: `At most ${(MAX_REQUEST_BYTES / 1048576).toFixed(0)} MB per upload`,
    async authorize(user) {
      const teamId = teamFor(user, id);
      if (!(await db().team.findUnique({ where: { id: teamId }, select: { id: true } }))) throw new NotFoundError("Team");
      return teamId;
    },
    async store(form, teamId) {
      const kind = form.has("logo") ? "logo" : form.has("font") ? "font" : null;
      const file = kind ? form.get(kind) : null;
      if (!kind || !file || typeof file === "string") return jsonError(400, 'Send one file in field "logo" or "font"');
      const a = await addBrandAsset(db(), teamId, kind, { name: file.name, bytes: Buffer.from(await file.arrayBuffer()) });
      return Response.json({ asset: { id: a.id, kind: a.kind, name: a.name, width: a.width, height: a.height, family: a.family, bytes: a.bytes } }, { status: 201 });
    },
  });
}
