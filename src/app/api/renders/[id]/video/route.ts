import { db } from "~/server/db";
import { assertRenderAccess } from "~/server/auth/access";
import { accessErrorResponse, requireUserOrBearer } from "~/server/auth/guard";
import { serveStored } from "~/server/http/range";
import { storage } from "~/server/storage";

export const dynamic = "force-dynamic";

/** The finished MP4 (Range requests for seeking; ?download=1 for an attachment). Team-scoped. */
async function handler(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const g = await requireUserOrBearer(req);
  if (g.response) return g.response;
  try {
    await assertRenderAccess(db(), g.user, id);
  } catch (e) {
    return accessErrorResponse(e);
  }
  const render = await db().render.findUnique({ where: { id }, select: { outputFile: true, status: true } });
  if (!render?.outputFile || render.status !== "succeeded") return new Response("Not found", { status: 404 });
  const download = new URL(req.url).searchParams.has("download");
  return serveStored(req, await storage(), render.outputFile, { contentType: "video/mp4", ...(download ? { downloadName: `reelfarm-${id}.mp4` } : {}) });
}

export { handler as GET, handler as HEAD };
