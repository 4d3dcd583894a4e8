import { db } from "~/server/db";
import { assertCampaignAccess } from "~/server/auth/access";
import { accessErrorResponse, jsonError, requireUser } from "~/server/auth/guard";
import { serveStored } from "~/server/http/range";
import { thumbnailKey } from "~/server/services/dashboard-thumbs";
import { storage } from "~/server/storage";

export const dynamic = "force-dynamic";

/** A campaign image (?size=thumb: its 320 px thumbnail). Team-scoped, like the campaign. */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const g = await requireUser(req);
  if (g.response) return g.response;
  const image = await db().campaignImage.findUnique({ where: { id }, select: { id: true, file: true, mimeType: true, campaignId: true } });
  if (!image) return jsonError(404, "Image not found");
  try {
    await assertCampaignAccess(db(), g.user, image.campaignId);
  } catch (e) {
    return accessErrorResponse(e);
  }
  const store = await storage();
  const thumb = new URL(req.url).searchParams.get("size") === "thumb";
  const key = thumb ? await thumbnailKey(store, image) : image.file;
  return serveStored(req, store, key, { contentType: thumb ? "image/jpeg" : image.mimeType });
}
