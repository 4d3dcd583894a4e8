/**
 * Product images: checked by content (magic bytes, structure, then one full decode by sharp), never
 * by name; limited in size and count; stored as uploaded under generated names (no user text in a
 * path). The render normalises them (first frame, EXIF rotation, sRGB, transparency flattened).
 */
import { createHash, randomUUID } from "node:crypto";
import { decodeImage, ImageFileError, type SniffedFormat, sniffFormat, UPLOAD_LIMITS } from "~/render/image-file";
import { MAX_IMAGE_BYTES, MAX_IMAGES } from "~/shared/campaign";
import { type Db } from "~/server/db";
import { storage } from "~/server/storage";

export class UploadError extends Error {
  constructor(
    message: string,
    readonly field = "images",
  ) {
    super(message);
    this.name = "UploadError";
  }
}

/** The accepted format of `bytes` by content (PNG, JPEG, WebP, GIF), or null (unknown or refused, e.g. HEIC). */
export function sniffImage(bytes: Buffer): SniffedFormat | null {
  const k = sniffFormat(bytes);
  return k && !("refused" in k) ? k : null;
}

export interface CheckedImage {
  bytes: Buffer;
  mimeType: string;
  ext: string;
  /** Displayed size (EXIF orientation applied), pixels. */
  width: number;
  height: number;
  sha256: string;
}

/**
 * Validates one upload by decoding it fully, once (see ~/render/image-file: format by content, HEIC/AVIF/TIFF...
 * refused by name, a file cut short refused, at most 40 megapixels, 15 s to decode; animated images keep their first
 * frame). `label` names it in errors (the original file name, for the user only). Throws UploadError.
 */
export async function checkImage(bytes: Buffer, label: string): Promise<CheckedImage> {
  if (bytes.length === 0) throw new UploadError(`${label}: the file is empty`);
  if (bytes.length > MAX_IMAGE_BYTES) throw new UploadError(`${label}: ${(bytes.length / 1048576).toFixed(1)} MB is over the ${MAX_IMAGE_BYTES / 1048576} MB limit`);
  let d;
  try {
    d = await decodeImage(bytes, UPLOAD_LIMITS);
  } catch (e) {
    if (e instanceof ImageFileError) throw new UploadError(`${label}: ${e.message}`);
    throw e;
  }
  if (d.width < 16 || d.height < 16) throw new UploadError(`${label}: ${d.width}x${d.height} is too small (at least 16x16)`);
  return { bytes, mimeType: d.mime, ext: d.ext, width: d.width, height: d.height, sha256: createHash("sha256").update(bytes).digest("hex") };
}

const limitMessage = (existing: number, more: number) => `A campaign has at most ${MAX_IMAGES} images (it has ${existing}, ${more} more given)`;

/**
 * The files of a multipart form as addCampaignImages takes them: the bytes, and the original name (at most 100
 * characters, "image" when empty) used only to name the file in error messages. Shared by the dashboard's upload
 * route and the API's uploadImages operation.
 */
export async function uploadedFiles(files: File[]): Promise<{ bytes: Buffer; name: string }[]> {
  return Promise.all(files.map(async (f) => ({ name: f.name.slice(0, 100) || "image", bytes: Buffer.from(await f.arrayBuffer()) })));
}

/**
 * Checks every file first, then stores them all: a bad file adds nothing. The count limit
 * (MAX_IMAGES) is decided under a row lock on the campaign (SELECT … FOR UPDATE), in the
 * transaction that inserts the rows, so concurrent uploads are counted one after another and
 * can never pass it together; the first count (no lock) only refuses early. A refused upload's
 * stored files are removed. Throws UploadError (field `images`).
 */
export async function addCampaignImages(db: Db, campaignId: string, files: { bytes: Buffer; name: string }[]) {
  const before = await db.campaignImage.count({ where: { campaignId } });
  if (before + files.length > MAX_IMAGES) throw new UploadError(limitMessage(before, files.length));
  const checked = [];
  for (const f of files) checked.push(await checkImage(f.bytes, f.name));
  const store = await storage();
  const stored: { key: string; c: CheckedImage }[] = [];
  try {
    for (const c of checked) {
      const key = `uploads/${campaignId}/${randomUUID()}.${c.ext}`;
      await store.putBuffer(key, c.bytes);
      stored.push({ key, c });
    }
    await db.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`select id from "Campaign" where id = ${campaignId} for update`;
      if (!locked.length) throw new UploadError("The campaign no longer exists");
      const existing = await tx.campaignImage.count({ where: { campaignId } });
      if (existing + stored.length > MAX_IMAGES) throw new UploadError(limitMessage(existing, stored.length));
      const last = await tx.campaignImage.aggregate({ where: { campaignId }, _max: { position: true } });
      const start = (last._max.position ?? -1) + 1;
      await tx.campaignImage.createMany({
        data: stored.map(({ key, c }, i) => ({ campaignId, position: start + i, file: key, mimeType: c.mimeType, width: c.width, height: c.height, bytes: c.bytes.length, sha256: c.sha256 })),
      });
    });
  } catch (e) {
    await Promise.all(stored.map(({ key }) => store.delete(key).catch(() => {})));
    throw e;
  }
  return db.campaignImage.findMany({ where: { campaignId }, orderBy: { position: "asc" } });
}
