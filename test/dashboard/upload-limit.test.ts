/**
 * The image count limit under concurrent uploads: ten single-image uploads fired at once through
 * the route at a campaign 3 short of MAX_IMAGES. Each passes the early (unlocked) count, so only
 * the locked count in the inserting transaction can hold the limit.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import * as uploadRoute from "~/app/api/campaigns/[id]/images/route";
import { MAX_IMAGES } from "~/shared/campaign";
import { storage } from "~/server/storage";
import { testDb } from "../helpers/db";
import { browserHeaders, makeWorld, type World } from "../auth/fixtures";

let w: World;
const serum = fs.readFileSync(path.resolve(import.meta.dirname, "../../examples/serum.jpg"));

async function upload(name: string) {
  const form = new FormData();
  form.append("images", new Blob([new Uint8Array(serum)], { type: "image/jpeg" }), name);
  const url = `${env().PUBLIC_URL}/api/campaigns/${w.campaignA.id}/images`;
  const probe = new Request(url, { method: "POST", body: form });
  const body = await probe.arrayBuffer();
  const headers = browserHeaders(w.cookies.a, { "content-type": probe.headers.get("content-type")!, "content-length": String(body.byteLength) });
  const res = await uploadRoute.POST(new Request(url, { method: "POST", headers, body }), { params: Promise.resolve({ id: w.campaignA.id }) });
  return { status: res.status, json: (await res.json()) as { error?: string } };
}

beforeAll(async () => {
  w = await makeWorld();
  // The fixture campaign has one image row; fill it to MAX_IMAGES - 3 with rows like it.
  const have = await testDb().campaignImage.count({ where: { campaignId: w.campaignA.id } });
  await testDb().campaignImage.createMany({
    data: Array.from({ length: MAX_IMAGES - 3 - have }, (_, i) => ({
      campaignId: w.campaignA.id,
      position: have + i,
      file: `uploads/${w.campaignA.id}/fixture-${i}.png`,
      mimeType: "image/png",
      width: 64,
      height: 64,
      bytes: 10,
      sha256: "0".repeat(64),
    })),
  });
});

describe("image count limit", () => {
  it(`holds under 10 concurrent uploads at ${MAX_IMAGES - 3} of ${MAX_IMAGES}: exactly 3 are stored`, async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => upload(`photo-${i}.jpg`)));
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    expect(ok).toHaveLength(3);
    expect(refused).toHaveLength(7);
    for (const r of refused) {
      expect(r.status).toBe(400);
      expect(r.json.error).toMatch(new RegExp(`at most ${MAX_IMAGES} images`));
    }
    const rows = await testDb().campaignImage.findMany({ where: { campaignId: w.campaignA.id }, orderBy: { position: "asc" } });
    expect(rows).toHaveLength(MAX_IMAGES);
    expect(new Set(rows.map((r) => r.position)).size).toBe(MAX_IMAGES);
    // Refused uploads leave no file behind: exactly the 3 stored images are in the campaign's folder.
    const store = await storage();
    const real = rows.filter((r) => !r.file.includes("fixture") && !r.file.endsWith("missing.png"));
    expect(real).toHaveLength(3);
    for (const r of real) expect((await store.stat(r.file))?.bytes).toBe(serum.length);
    const dir = path.join(env().STORAGE_DIR, "uploads", w.campaignA.id);
    if (fs.existsSync(dir)) expect(fs.readdirSync(dir).filter((f) => !f.includes(".tmp-")).sort()).toEqual(real.map((r) => path.basename(r.file)).sort());
  });
});
