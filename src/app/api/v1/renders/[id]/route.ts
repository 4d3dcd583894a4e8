import { db } from "~/server/db";
import { assertRenderAccess } from "~/server/auth/access";
import { accessErrorResponse, requireBearer } from "~/server/auth/guard";
import { renderStatusBody } from "~/server/api/rest/render-body";

export const dynamic = "force-dynamic";

/** GET /api/v1/renders/:id with `Authorization: Bearer <token>`: the render's status. */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const g = await requireBearer(req);
  if (g.response) return g.response;
  try {
    await assertRenderAccess(db(), g.user, id);
  } catch (e) {
    return accessErrorResponse(e);
  }
  const r = await db().render.findUniqueOrThrow({ where: { id } });
  return Response.json(renderStatusBody(r), { headers: { "cache-control": "no-store" } });
}
