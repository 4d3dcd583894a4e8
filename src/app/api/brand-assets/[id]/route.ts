import { db } from "~/server/db";
import { canSeeTeam } from "~/server/auth/access";
import { jsonError, requireUser } from "~/server/auth/guard";
import { serveStored } from "~/server/http/range";
import { storage } from "~/server/storage";

export const dynamic = "force-dynamic";

/** A brand asset's file (a logo to preview, a font). Team-scoped. */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const g = await requireUser(req);
  if (g.response) return g.response;
  const a = await db().brandAsset.findUnique({ where: { id }, select: { file: true, mimeType: true, teamId: true } });
  if (!a) return jsonError(404, "Brand asset not found");
  if (!canSeeTeam(g.user, a.teamId)) return jsonError(403, "This brand asset belongs to another team");
  return serveStored(req, await storage(), a.file, { contentType: a.mimeType });
}
