import { z } from "zod";
import { env } from "~/env";
import { db } from "~/server/db";
import { assertCampaignAccess } from "~/server/auth/access";
import { accessErrorResponse, requireBearer } from "~/server/auth/guard";
import { QueueRefusedError, queueRender } from "~/server/services/renders";
import { renderStatusBody } from "~/server/api/rest/render-body";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ campaignId: z.string().min(1).max(64), preset: z.enum(["preview", "final"]).default("final") });

/** POST /api/v1/renders {campaignId, preset} with `Authorization: Bearer <token>`: 201 and the render. */
export async function POST(req: Request) {
  const g = await requireBearer(req);
  if (g.response) return g.response;
  const parsed = bodySchema.safeParse(await req.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: "Invalid body", issues: z.flattenError(parsed.error).fieldErrors }, { status: 400 });
  try {
    await assertCampaignAccess(db(), g.user, parsed.data.campaignId);
  } catch (e) {
    return accessErrorResponse(e);
  }
  let r;
  try {
    r = await queueRender(db(), { ...parsed.data, queuedById: g.user.id, apiTokenId: g.tokenId });
  } catch (e) {
    if (e instanceof QueueRefusedError) return Response.json({ error: e.message }, { status: 422 });
    throw e;
  }
  const row = await db().render.findUniqueOrThrow({ where: { id: r.id } });
  return Response.json(renderStatusBody(row), { status: 201, headers: { location: `${env().PUBLIC_URL}/api/v1/renders/${r.id}` } });
}

/** GET /api/v1/renders: the caller's team's latest 50 renders. */
export async function GET(req: Request) {
  const g = await requireBearer(req);
  if (g.response) return g.response;
  const rows = await db().render.findMany({
    where: g.user.role === "admin" ? {} : { campaign: { teamId: g.user.teamId ?? "-" } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 50,
  });
  return Response.json({ renders: rows.map(renderStatusBody) });
}

