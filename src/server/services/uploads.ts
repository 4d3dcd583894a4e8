/**
 * Product images: checked by content (magic bytes, then a real decode with ffprobe), never by
 * name; limited in size and count; stored under generated names (no user text in a path).
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { probe } from "~/render/ffmpeg";
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

const SIGNATURES: { mime: string; ext: string; test: (b: Buffer) => boolean }[] = [
  { mime: "image/png", ext: "png", test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mime: "image/jpeg", ext: "jpg", test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: "image/webp", ext: "webp", test: (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP" },
  { mime: "image/gif", ext: "gif", test: (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString("latin1")) },
];

export function sniffImage(bytes: Buffer) {
  return SIGNATURES.find((s) => s.test(bytes)) ?? null;
}

export interface CheckedImage {
  bytes: Buffer;
  mimeType: string;
  ext: string;
  width: number;
  height: number;
  sha256: string;
}

/** Validates one upload. `label` names it in errors (the original file name, for the user only). */
export async function checkImage(bytes: Buffer, label: string): Promise<CheckedImage> {
  if (bytes.length === 0) throw new UploadError(`${label}: the file is empty`);
  if (bytes.length > MAX_IMAGE_BYTES) throw new UploadError(`${label}: ${(bytes.length / 1048576).toFixed(1)} MB is over the ${MAX_IMAGE_BYTES / 1048576} MB limit`);
  const kind = sniffImage(bytes);
  if (!kind) throw new UploadError(`${label}: not a PNG, JPEG, WebP or GIF image (checked by content)`);
  const tmp = path.join(os.tmpdir(), `reelfarm-upload-${randomUUID()}.${kind.ext}`);
  await fs.writeFile(tmp, bytes);
  try {
    const info = await probe(tmp).catch(() => null);
    const v = info?.streams.find((s) => s.codec_type === "video");
    if (!v?.width || !v.height) throw new UploadError(`${label}: the image could not be decoded (corrupt or truncated?)`);
    if (v.width < 16 || v.height < 16) throw new UploadError(`${label}: ${v.width}x${v.height} is too small (at least 16x16)`);
    if (v.width * v.height > 150_000_000) throw new UploadError(`${label}: ${v.width}x${v.height} is too large (at most 150 megapixels)`);
    return { bytes, mimeType: kind.mime, ext: kind.ext, width: v.width, height: v.height, sha256: createHash("sha256").update(bytes).digest("hex") };
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

const limitMessage = (existing: number, more: number) => `A campaign has at most ${MAX_IMAGES} images (it has ${existing}, ${more} more given)`;

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
