import { db } from "~/server/db";
import { assertCampaignAccess } from "~/server/auth/access";
import { accessErrorResponse, jsonError, requireUser } from "~/server/auth/guard";
import { addCampaignImages, UploadError } from "~/server/services/uploads";
import { lowResolutionWarning } from "~/shared/brand";
import { MAX_IMAGE_BYTES, MAX_IMAGES } from "~/shared/campaign";

export const dynamic = "force-dynamic";

/** One request carries at most this much (a few images; each is also checked on its own). */
const MAX_REQUEST_BYTES = 3 * MAX_IMAGE_BYTES;

/**
 * Uploads product images (multipart/form-data, field "images"). Each file is checked by content
 * (signature + a real decode), stored under a generated name; all or nothing.
 */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const g = await requireUser(req);
  if (g.response) return g.response;
  try {
    await assertCampaignAccess(db(), g.user, id);
  } catch (e) {
    return accessErrorResponse(e);
  }
  const length = Number(req.headers.get("content-length") ?? NaN);
  if (!Number.isFinite(length)) return jsonError(411, "Content-Length is required");
  if (length > MAX_REQUEST_BYTES) return jsonError(413, `At most ${MAX_REQUEST_BYTES / 1048576} MB per upload request`);
  if (!req.headers.get("content-type")?.startsWith("multipart/form-data")) return jsonError(415, "Send multipart/form-data");
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    return jsonError(400, "Malformed multipart body");
  }
  const files = form.getAll("images").filter((f): f is File => typeof f !== "string");
  if (files.length === 0) return jsonError(400, "No file in field \"images\"");
  if (files.length > MAX_IMAGES) return jsonError(400, `At most ${MAX_IMAGES} images`);
  try {
    const all = await addCampaignImages(
      db(),
      id,
      await Promise.all(files.map(async (f) => ({ name: f.name.slice(0, 100) || "image", bytes: Buffer.from(await f.arrayBuffer()) }))),
    );
    // Low-resolution photos are accepted with a warning: the render frames them over a backdrop.
    return Response.json({ images: all.map((i) => ({ id: i.id, width: i.width, height: i.height, mimeType: i.mimeType, bytes: i.bytes, warning: lowResolutionWarning(i.width, i.height) })) }, { status: 201 });
  } catch (e) {
    if (e instanceof UploadError) return jsonError(400, e.message);
    throw e;
  }
}
