/**
 * Thumbnails of campaign images: a 320 px wide JPEG made by sharp on first request and kept in
 * storage (thumbs/<imageId>.jpg). Uploads are immutable, so a thumbnail never goes stale. Like the
 * render (~/render/image-file): the first frame of an animation, EXIF orientation applied (so a
 * focal point clicked on it is where the render puts it), transparency over white (not black).
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { type Storage } from "~/server/storage";

/** Thumbnail width in pixels. Default 320. */
export const THUMB_WIDTH = 320;

const inflight = new Map<string, Promise<string>>();

/** The storage key of the image's thumbnail, made if missing (once per image per process). */
export function thumbnailKey(store: Storage, image: { id: string; file: string }): Promise<string> {
  const key = `thumbs/${image.id}.jpg`;
  let p = inflight.get(key);
  if (!p) {
    p = (async () => {
      if (await store.stat(key)) return key;
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "reelfarm-thumb-"));
      try {
        const out = path.join(dir, "thumb.jpg");
        const src = await store.localPath(image.file);
        await sharp(src, { page: 0, pages: 1, autoOrient: true })
          .timeout({ seconds: 20 })
          .resize(THUMB_WIDTH)
          .flatten({ background: "#ffffff" })
          .toColourspace("srgb")
          .jpeg({ quality: 80 })
          .toFile(out);
        await store.putFile(key, out, { move: true });
        return key;
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    })().finally(() => inflight.delete(key));
    inflight.set(key, p);
  }
  return p;
}
