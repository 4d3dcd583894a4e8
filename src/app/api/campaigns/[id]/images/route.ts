import { db } from "~/server/db";
import { assertCampaignAccess } from "~/server/auth/access";
import { jsonError } from "~/server/auth/guard";
import { handleUpload } from "~/server/http/upload";
import { addCampaignImages, uploadedFiles } from "~/server/services/uploads";
import { lowResolutionWarning } from "~/shared/brand";
import { MAX_IMAGE_BYTES, MAX_IMAGES } from "~/shared/campaign";

export const dynamic = "force-dynamic";

/** One request carries at most this much (a few images; each is also checked on its own). */
const MAX_REQUEST_BYTES = 3 * MAX_IMAGE_BYTES;

/**
 * Uploads product images (multipart/form-data, field "images"). The envelope is checked by handleUpload
 * (~/server/http/upload); each file by content (signature + a real decode), stored under a generated name; all
 * or nothing. A refusal is 400 with `{ error, field }`.
 */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  return handleUpload(req, {
    maxBytes: MAX_REQUEST_BYTES,
    tooLarge: `At most ${MAX_REQUEST_BYTES / 1048576} MB per upload request`,
    authorize: (user) => assertCampaignAccess(db(), user, id),
    async store(form) {
      const files = form.getAll("images").filter((f): f is File => typeof f !== "string");
      if (files.length === 0) return jsonError(400, "No file in field \"images\"");
      if (files.length > MAX_IMAGES) return jsonError(400, `At most ${MAX_IMAGES} images`);
      const all = await addCampaignImages(db(), id, await uploadedFiles(files));
      // Low-resolution photos are accepted with a warning: the render frames them over a backdrop.
      return Response.json({ images: all.map((i) => ({ id: i.id, width: i.width, height: i.height, mimeType: i.mimeType, bytes: i.bytes, warning: lowResolutionWarning(i.width, i.height) })) }, { status: 201 });
    },
  });
}
