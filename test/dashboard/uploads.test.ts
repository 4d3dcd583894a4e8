/**
 * Image uploads through the route: checked by content (not name), stored under generated names,
 * limited in size; thumbnails served by an authorised route.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import * as uploadRoute from "~/app/api/campaigns/[id]/images/route";
import * as imageRoute from "~/app/api/images/[id]/route";
import { storage } from "~/server/storage";
import sharp from "sharp";
import { runFfmpeg } from "~/render/ffmpeg";
import { testDb } from "../helpers/db";
import { browserHeaders, makeWorld, type World } from "../auth/fixtures";

let w: World;
const serum = fs.readFileSync(path.resolve(import.meta.dirname, "../../examples/serum.jpg"));

async function upload(files: { name: string; bytes: Buffer; type: string }[], extraHeaders: Record<string, string> = {}) {
  const form = new FormData();
  for (const f of files) form.append("images", new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  const url = `${env().PUBLIC_URL}/api/campaigns/${w.campaignA.id}/images`;
  const probe = new Request(url, { method: "POST", body: form });
  const body = await probe.arrayBuffer();
  const headers = browserHeaders(w.cookies.a, { "content-type": probe.headers.get("content-type")!, "content-length": String(body.byteLength), ...extraHeaders });
  const res = await uploadRoute.POST(new Request(url, { method: "POST", headers, body }), { params: Promise.resolve({ id: w.campaignA.id }) });
  return { status: res.status, json: (await res.json()) as { error?: string; images?: { id: string; width: number; height: number }[] } };
}

beforeAll(async () => {
  w = await makeWorld();
  await testDb().campaignImage.deleteMany({ where: { campaignId: w.campaignA.id } });
});

describe("image uploads", () => {
  it("store a real image under a generated name, whatever the file was called", async () => {
    const r = await upload([{ name: "../../../etc/passwd.jpg", bytes: serum, type: "image/jpeg" }]);
    expect(r.status).toBe(201);
    const img = await testDb().campaignImage.findUniqueOrThrow({ where: { id: r.json.images![0]!.id } });
    expect(img.file).toMatch(new RegExp(`^uploads/${w.campaignA.id}/[0-9a-f-]{36}\\.jpg$`));
    expect(img.mimeType).toBe("image/jpeg");
    expect(img.width).toBeGreaterThan(16);
    expect((await (await storage()).stat(img.file))?.bytes).toBe(serum.length);
  });

  it("refuse a file that is not an image, even named .png, and add nothing", async () => {
    const before = await testDb().campaignImage.count({ where: { campaignId: w.campaignA.id } });
    const r = await upload([
      { name: "fine.jpg", bytes: serum, type: "image/jpeg" },
      { name: "innocent.png", bytes: Buffer.from("<script>alert(1)</script>".repeat(20)), type: "image/png" },
    ]);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/innocent\.png: not a PNG, JPEG, WebP or GIF image/);
    expect(await testDb().campaignImage.count({ where: { campaignId: w.campaignA.id } })).toBe(before);
  });

  it("refuse a truncated image and an oversized request", async () => {
    expect((await upload([{ name: "cut.jpg", bytes: serum.subarray(0, 200), type: "image/jpeg" }])).status).toBe(400);
    expect((await upload([{ name: "a.jpg", bytes: serum, type: "image/jpeg" }], { "content-length": String(200 * 1024 * 1024) })).status).toBe(413);
  });

  it("serve a thumbnail (JPEG, 320 px wide) to the team only", async () => {
    const img = await testDb().campaignImage.findFirstOrThrow({ where: { campaignId: w.campaignA.id } });
    const get = (cookie: string) => imageRoute.GET(new Request(`${env().PUBLIC_URL}/api/images/${img.id}?size=thumb`, { headers: browserHeaders(cookie) }), { params: Promise.resolve({ id: img.id }) });
    const res = await get(w.cookies.a);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(bytes.length).toBeLessThan(serum.length);
    expect((await get(w.cookies.b)).status).toBe(403);
  });

  it("take an animated WebP and a 16-bit transparent PNG; refuse an AVIF naming the format; thumbnails show the first frame upright, not black", async () => {
    const make = async (args: string[], ext: string) => {
      const file = path.join(process.env.TMPDIR ?? "/tmp", `upl-${process.pid}-${Math.random().toString(36).slice(2)}.${ext}`);
      await runFfmpeg(["-v", "error", "-y", ...args, file], { raw: true });
      const bytes = fs.readFileSync(file);
      fs.rmSync(file);
      return bytes;
    };
    // Red first frame, then blue: ffmpeg 5.1 alone cannot decode an animated WebP.
    const webp = await make(["-f", "lavfi", "-i", "color=c=red:s=160x120:r=5:d=0.2", "-f", "lavfi", "-i", "color=c=blue:s=160x120:r=5:d=0.6",
      "-filter_complex", "[0][1]concat=n=2:v=1", "-c:v", "libwebp_anim", "-loop", "0"], "webp");
    // Fully transparent but for a dark square: 16-bit RGBA.
    const png16 = await make(["-f", "lavfi", "-i", "color=c=black:s=160x120:r=1:d=1", "-vf", "format=rgba,geq=r=20:g=20:b=20:a='255*between(X,60,99)'", "-frames:v", "1", "-update", "1", "-pix_fmt", "rgba64be"], "png");
    const r = await upload([{ name: "anim.webp", bytes: webp, type: "image/webp" }, { name: "logo16.png", bytes: png16, type: "image/png" }]);
    expect(r.status).toBe(201);
    const avif = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#336699" } }).avif().toBuffer();
    const refused = await upload([{ name: "photo.avif", bytes: avif, type: "image/avif" }]);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatch(/photo\.avif: AVIF images are not supported here: export it as JPEG or PNG/);
    const rows = await testDb().campaignImage.findMany({ where: { campaignId: w.campaignA.id, mimeType: { in: ["image/webp", "image/png"] } }, orderBy: { position: "asc" } });
    expect(rows.map((x) => [x.mimeType, x.width, x.height])).toEqual([["image/webp", 160, 120], ["image/png", 160, 120]]);
    for (const [img, check] of [[rows[0]!, (p: number[]) => p[0]! > 200 && p[2]! < 60], [rows[1]!, (p: number[]) => Math.min(...p) > 200]] as const) {
      const res = await imageRoute.GET(new Request(`${env().PUBLIC_URL}/api/images/${img.id}?size=thumb`, { headers: browserHeaders(w.cookies.a) }), { params: Promise.resolve({ id: img.id }) });
      expect(res.status).toBe(200);
      // The thumbnail's top-left corner: red (first frame) for the WebP, white (not black) under the PNG's transparency.
      const { data } = await sharp(Buffer.from(await res.arrayBuffer())).extract({ left: 4, top: 4, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
      expect(check([...data]), `${img.mimeType} ${[...data].join(",")}`).toBe(true);
    }
  });
});
