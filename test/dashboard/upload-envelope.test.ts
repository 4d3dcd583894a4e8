/**
 * The two dashboard upload routes (brand assets, campaign images) share one handler for who may upload, how much
 * and in what envelope (src/server/http/upload.ts): each refusal is the same status and message on both, a
 * content refusal names its field on both, and nothing is stored.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import * as imagesRoute from "~/app/api/campaigns/[id]/images/route";
import * as brandRoute from "~/app/api/teams/[id]/brand-assets/route";
import { testDb } from "../helpers/db";
import { browserHeaders, makeWorld, type World } from "../auth/fixtures";

let w: World;
const serum = fs.readFileSync(path.resolve(import.meta.dirname, "../../examples/serum.jpg"));

type Route = { name: string; field: string; post: (req: Request) => Promise<Response>; url: () => string; stored: () => Promise<number> };
const routes: Route[] = [
  {
    name: "campaign images",
    field: "images",
    post: (req) => imagesRoute.POST(req, { params: Promise.resolve({ id: w.campaignA.id }) }),
    url: () => `${env().PUBLIC_URL}/api/campaigns/${w.campaignA.id}/images`,
    stored: () => testDb().campaignImage.count({ where: { campaignId: w.campaignA.id } }),
  },
  {
    name: "brand assets",
    field: "logo",
    post: (req) => brandRoute.POST(req, { params: Promise.resolve({ id: w.teamA.id }) }),
    url: () => `${env().PUBLIC_URL}/api/teams/${w.teamA.id}/brand-assets`,
    stored: () => testDb().brandAsset.count({ where: { teamId: w.teamA.id } }),
  },
];

/** A multipart body with one file in `field`, as a browser sends it; `headers` override the computed ones. */
async function send(r: Route, file: Buffer, headers: Record<string, string | null> = {}, cookie = w.cookies.a) {
  const form = new FormData();
  form.append(r.field, new Blob([new Uint8Array(file)], { type: "image/png" }), "x.png");
  const probe = new Request(r.url(), { method: "POST", body: form });
  const body = await probe.arrayBuffer();
  const h = browserHeaders(cookie, { "content-type": probe.headers.get("content-type")!, "content-length": String(body.byteLength) });
  for (const [k, v] of Object.entries(headers)) {
    if (v === null) h.delete(k);
    else h.set(k, v);
  }
  const res = await r.post(new Request(r.url(), { method: "POST", headers: h, body }));
  return { status: res.status, json: (await res.json()) as { error?: string; field?: string }, noStore: res.headers.get("cache-control") === "no-store" };
}

beforeAll(async () => {
  w = await makeWorld();
});

describe.each(routes)("upload envelope: $name", (r) => {
  it("refuses without a session (401) and another team's target (403)", async () => {
    expect((await send(r, serum, {}, "")).status).toBe(401);
    const other = await send(r, serum, {}, w.cookies.b);
    expect(other.status).toBe(403);
    expect(other.json.error).toMatch(/another team/);
  });

  it("refuses no Content-Length (411), too large (413), not multipart (415), a broken body (400)", async () => {
    const before = await r.stored();
    const none = await send(r, serum, { "content-length": null });
    // Request recomputes no length for a buffer body once the header is gone: the route sees none.
    expect([none.status, none.json.error]).toEqual([411, "Content-Length is required"]);
    const big = await send(r, serum, { "content-length": String(500 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(big.json.error).toMatch(/^At most \d+ MB per upload/);
    expect((await send(r, serum, { "content-type": "application/json" })).json).toEqual({ error: "Send multipart/form-data" });
    const broken = await send(r, serum, { "content-type": "multipart/form-data; boundary=not-the-one-used" });
    expect([broken.status, broken.json.error, broken.noStore]).toEqual([400, "Malformed multipart body", true]);
    expect(await r.stored()).toBe(before);
  });

  it("a file refused by content is 400 naming its field, and stores nothing", async () => {
    const before = await r.stored();
    const bad = await send(r, Buffer.from("<svg onload=alert(1)>".repeat(10)));
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe(r.field);
    expect(bad.json.error).toMatch(/x\.png/);
    expect(bad.noStore).toBe(true);
    expect(await r.stored()).toBe(before);
  });
});
