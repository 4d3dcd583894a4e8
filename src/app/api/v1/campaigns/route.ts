import { db } from "~/server/db";
import { campaignScope } from "~/server/auth/access";
import { requireBearer } from "~/server/auth/guard";

export const dynamic = "force-dynamic";

/** GET /api/v1/campaigns with `Authorization: Bearer <token>`: the caller's team's active campaigns. */
export async function GET(req: Request) {
  const g = await requireBearer(req);
  if (g.response) return g.response;
  const rows = await db().campaign.findMany({
    where: { ...campaignScope(g.user), archivedAt: null },
    orderBy: { updatedAt: "desc" },
    take: 200,
    select: { id: true, name: true, product: true, targetSeconds: true, cta: true, mustSay: true, updatedAt: true },
  });
  return Response.json({ campaigns: rows });
}
