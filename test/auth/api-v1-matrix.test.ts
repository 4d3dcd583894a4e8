/**
 * Every REST API v1 operation (from the operation list itself, so a new operation without a row
 * here fails): 401 problem+json without a token, 403 (or nothing of team A's) with team B's
 * token, allowed with team A's token.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import { handleV1 } from "~/server/api/rest/dispatch";
import { operations } from "~/server/api/rest/v1";
import { createApiToken } from "~/server/services/api-tokens";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender } from "~/server/services/renders";
import { testDb } from "../helpers/db";
import { brief, discardRenders, makeWorld, type World } from "./fixtures";

const serum = fs.readFileSync(path.resolve(import.meta.dirname, "../../examples/serum.jpg"));
let w: World;
let token: { a: string; b: string };
const ids = { campaign: "", image: "", render: "" };

type Row = { body?: () => { body: BodyInit; type?: string } };
const json = (v: unknown) => () => ({ body: JSON.stringify(v), type: "application/json" });
const ROWS: Record<string, Row> = {
  listCampaigns: {},
  createCampaign: { body: json({ ...brief, name: "Matrix campaign" }) },
  getCampaign: {},
  updateCampaign: { body: json({ name: "Renamed by the matrix" }) },
  archiveCampaign: {},
  uploadImages: {
    body: () => {
      const f = new FormData();
      f.append("images", new Blob([serum], { type: "image/jpeg" }), "serum.jpg");
      return { body: f };
    },
  },
  deleteImage: {},
  queueRender: { body: () => json({ campaignId: ids.campaign, preset: "preview" })() },
  queueBatch: { body: () => json({ campaignId: ids.campaign, hooks: ["One", "Two"] })() },
  listRenders: {},
  getRender: {},
  cancelRender: {},
  retryRender: {},
  getRenderOutput: {},
  getRenderQa: {},
  getOpenApi: {},
};

let n = 0;
async function call(opId: string, who: "anonymous" | "a" | "b") {
  const op = operations.find((o) => o.operationId === opId)!;
  const p = op.path.replace("{imageId}", ids.image).replace("{id}", op.path.startsWith("/renders") ? ids.render : ids.campaign);
  const headers = new Headers();
  if (who !== "anonymous") headers.set("authorization", `Bearer ${token[who]}`);
  let body: BodyInit | undefined;
  if (op.method === "POST" || op.method === "PATCH") {
    const b = ROWS[opId]!.body?.();
    if (b) {
      const probe = new Request("http://x/", { method: "POST", body: b.body, headers: b.type ? { "content-type": b.type } : {} });
      headers.set("content-type", probe.headers.get("content-type")!);
      body = await probe.arrayBuffer();
    }
    headers.set("idempotency-key", `matrix-${w.tag}-${who}-${n++}`);
  }
  const res = await handleV1(new Request(`${env().PUBLIC_URL}/api/v1${p}`, { method: op.method, headers, ...(body ? { body } : {}) }));
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

beforeAll(async () => {
  w = await makeWorld();
  token = { a: (await createApiToken(testDb(), w.marketerA.id, { name: "a" })).token, b: (await createApiToken(testDb(), w.marketerB.id, { name: "b" })).token };
  const c = await createCampaign(testDb(), { ...brief, name: `Matrix ${w.tag}` }, { userId: w.marketerA.id, teamId: w.teamA.id });
  const img = await testDb().campaignImage.create({ data: { campaignId: c.id, position: 0, file: `uploads/${c.id}/x.png`, mimeType: "image/png", width: 64, height: 64, bytes: 10, sha256: "0".repeat(64) } });
  const r = await queueRender(testDb(), { campaignId: c.id, preset: "preview", queuedById: w.marketerA.id });
  Object.assign(ids, { campaign: c.id, image: img.id, render: r.id });
});
afterAll(async () => {
  await discardRenders({ campaign: { teamId: w.teamA.id } });
});

const guarded = operations.filter((o) => !o.public);

describe("every REST API v1 operation", () => {
  it("has a row in this matrix", () => {
    expect(operations.length).toBeGreaterThanOrEqual(15);
    for (const o of operations) expect(ROWS[o.operationId], `no row for ${o.operationId}`).toBeDefined();
  });

  it("refuses requests without a token (401 problem+json)", async () => {
    for (const o of guarded) {
      const r = await call(o.operationId, "anonymous");
      expect(r.status, `${o.method} ${o.path}`).toBe(401);
      expect(r.type).toBe("application/problem+json");
    }
  });

  it("refuses another team's token (403) or shows nothing of team A", async () => {
    for (const o of guarded) {
      const r = await call(o.operationId, "b");
      if (r.status === 403) continue;
      expect(r.status, `${o.method} ${o.path} as team B: ${r.text.slice(0, 200)}`).toBeLessThan(300);
      for (const s of [ids.campaign, ids.render, ids.image, w.campaignA.id, w.renderA.id]) expect(r.text.includes(s), `${o.operationId} leaked ${s}`).toBe(false);
      expect(o.path.includes("{"), `${o.method} ${o.path}: an operation on one of team A's things must answer 403`).toBe(false);
    }
  });

  it("lets the owning team through", async () => {
    for (const o of guarded) {
      const r = await call(o.operationId, "a");
      expect([401, 403], `${o.method} ${o.path} as team A: ${r.status} ${r.text.slice(0, 200)}`).not.toContain(r.status);
    }
  });

  it("serves the OpenAPI document without a token", async () => {
    const r = await call("getOpenApi", "anonymous");
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ openapi: "3.1.0" });
  });
});
