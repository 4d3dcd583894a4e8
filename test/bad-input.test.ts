/** Bad input gets a clear, field-level error and leaves nothing half-written. */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { campaignFileSchema, campaignInputSchema, fieldErrors, MAX_IMAGE_BYTES } from "~/shared/campaign";
import { createCampaign } from "~/server/services/campaigns";
import { addCampaignImages, checkImage, UploadError } from "~/server/services/uploads";
import { runFfmpeg } from "~/render/ffmpeg";
import { testDb } from "./helpers/db";

const good = { name: "Launch", product: "Boots", audience: "Hikers", message: "Waterproof." };
const errorsOf = (input: unknown) => {
  const r = campaignInputSchema.safeParse(input);
  return r.success ? {} : fieldErrors(r.error);
};

afterAll(() => testDb().$disconnect());

describe("campaign validation", () => {
  it("accepts a minimal brief and fills the defaults", () => {
    const c = campaignInputSchema.parse(good);
    expect(c).toMatchObject({ targetSeconds: 20, fps: 24, aspect: "9:16", voice: "slt", musicMood: "upbeat" });
  });

  it.each([
    [{ ...good, name: "   " }, "name", /required/],
    [{ ...good, name: "" }, "name", /required/],
    [{ ...good, targetSeconds: 5 }, "targetSeconds", /at least 6/],
    [{ ...good, targetSeconds: 91 }, "targetSeconds", /at most 90/],
    [{ ...good, targetSeconds: 12.5 }, "targetSeconds", /whole number/],
    [{ ...good, voice: "hal9000" }, "voice", /must be one of/],
    [{ ...good, fps: 60 }, "fps", /./],
    [{ ...good, brandColor: "red" }, "brandColor", /colour/],
    [{ ...good, message: "bell\u0007" }, "message", /control characters/],
    [{ ...good, product: "x".repeat(201) }, "product", /at most 200/],
  ])("refuses %j with an error on %s", (input, field, message) => {
    expect(errorsOf(input)[field]).toMatch(message);
  });

  it("keeps braces, backslashes, quotes, emoji and Arabic as typed", () => {
    const text = `{\\b1}Bold\\N "q" 'q' 🚀 مرحبا`;
    expect(campaignInputSchema.parse({ ...good, message: text }).message).toBe(text);
  });

  it("refuses more than 20 images in a campaign file", () => {
    const r = campaignFileSchema.safeParse({ ...good, images: Array.from({ length: 21 }, (_, i) => `${i}.png`) });
    expect(r.success).toBe(false);
    expect(fieldErrors(r.error!).images).toMatch(/at most 20/);
  });

  it("an invalid campaign leaves no row behind", async () => {
    const before = await testDb().campaign.count();
    await expect(createCampaign(testDb(), { ...good, targetSeconds: 500 })).rejects.toThrow(/at most 90/);
    expect(await testDb().campaign.count()).toBe(before);
  });
});

describe("image uploads", () => {
  const png = async (w: number, h: number) => {
    const file = path.join(os.tmpdir(), `upload-${w}x${h}-${process.pid}.png`);
    await runFfmpeg(["-v", "error", "-y", "-f", "lavfi", "-i", `color=c=red:s=${w}x${h}`, "-frames:v", "1", file], { raw: true });
    return fs.readFile(file);
  };

  it("accepts a real PNG and stores it under a generated name", async () => {
    const db = testDb();
    const c = await createCampaign(db, good);
    const [img] = await addCampaignImages(db, c.id, [{ name: "../../etc/passwd.png", bytes: await png(64, 48) }]);
    expect(img).toMatchObject({ width: 64, height: 48, mimeType: "image/png" });
    expect(img!.file).toMatch(new RegExp(`^uploads/${c.id}/[0-9a-f-]{36}\\.png$`));
  });

  it("refuses a tiny (4x4) image", async () => {
    await expect(checkImage(await png(4, 4), "dot.png")).rejects.toThrow(/too small/);
  });

  it("refuses a file that is not an image, whatever its name", async () => {
    await expect(checkImage(Buffer.from("<html>not an image</html>"), "photo.png")).rejects.toThrow(/not a PNG, JPEG, WebP or GIF/);
  });

  it("refuses a truncated image", async () => {
    const pngHeader = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    await expect(checkImage(pngHeader, "cut.png")).rejects.toThrow(/cut\.png: the image is truncated/);
  });

  it("refuses an image over 20 MB before decoding it", async () => {
    const big = Buffer.alloc(MAX_IMAGE_BYTES + 1);
    big.set([0xff, 0xd8, 0xff], 0);
    await expect(checkImage(big, "huge.jpg")).rejects.toThrow(/over the 20 MB limit/);
  });

  it("refuses the 21st image and stores nothing from a batch with a bad file", async () => {
    const db = testDb();
    const c = await createCampaign(db, good);
    const bad = [{ name: "a.txt", bytes: Buffer.from("hello") }];
    await expect(addCampaignImages(db, c.id, bad)).rejects.toBeInstanceOf(UploadError);
    expect(await db.campaignImage.count({ where: { campaignId: c.id } })).toBe(0);
    const many = Array.from({ length: 21 }, (_, i) => ({ name: `${i}.png`, bytes: Buffer.from("x") }));
    await expect(addCampaignImages(db, c.id, many)).rejects.toThrow(/at most 20 images/);
  });
});
