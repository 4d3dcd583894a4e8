/**
 * API tokens and the REST API: only the hash is stored; a token acts as its user (team scoping
 * included); revoked, malformed or unknown tokens get 401.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import { handleV1 } from "~/server/api/rest/dispatch";
import * as videoRoute from "~/app/api/renders/[id]/video/route";
import { createApiToken, listApiTokens, revokeApiToken } from "~/server/services/api-tokens";
import { testDb } from "../helpers/db";
import { discardRenders, makeWorld, type World } from "../auth/fixtures";

let w: World;
let tokenA: { id: string; token: string };
let tokenB: { id: string; token: string };

const url = (p: string) => `${env().PUBLIC_URL}${p}`;
const bearer = (token: string, init: RequestInit = {}) => ({ ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
const params = (id: string) => ({ params: Promise.resolve({ id }) });
let keys = 0;
/** POST /api/v1/renders with a fresh Idempotency-Key. */
const postRender = (token: string, body: string) =>
  handleV1(new Request(url("/api/v1/renders"), bearer(token, { method: "POST", headers: { "content-type": "application/json", "idempotency-key": `api-tokens-${Date.now()}-${keys++}` }, body })));
const getRender = (id: string, init: RequestInit) => handleV1(new Request(url(`/api/v1/renders/${id}`), init));
const listCampaigns = async (token: string) => ((await (await handleV1(new Request(url("/api/v1/campaigns?limit=100"), bearer(token)))).json()) as { items: { id: string }[] }).items;

beforeAll(async () => {
  w = await makeWorld();
  tokenA = await createApiToken(testDb(), w.marketerA.id, { name: "CI" });
  tokenB = await createApiToken(testDb(), w.marketerB.id, { name: "Other team" });
});

afterAll(async () => {
  await discardRenders({ campaignId: w.campaignA.id });
});

describe("API tokens", () => {
  it("are stored as a sha256 hash only, shown once", async () => {
    expect(tokenA.token).toMatch(/^rf_[A-Za-z0-9_-]{40,}$/);
    const row = await testDb().apiToken.findUniqueOrThrow({ where: { id: tokenA.id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(tokenA.token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(tokenA.token);
    expect(row.prefix).toBe(tokenA.token.slice(0, 10));
    const listed = await listApiTokens(testDb(), w.marketerA.id);
    expect(JSON.stringify(listed)).not.toContain(tokenA.token);
    expect(JSON.stringify(listed)).not.toContain(row.tokenHash);
  });

  it("queue a render (201) and read its status, as their user", async () => {
    const res = await postRender(tokenA.token, JSON.stringify({ campaignId: w.campaignA.id, preset: "preview" }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; status: string; url: string };
    expect(body).toMatchObject({ status: "queued", preset: "preview", campaignId: w.campaignA.id, outputUrl: null });
    expect(res.headers.get("location")).toBe(body.url);
    const row = await testDb().render.findUniqueOrThrow({ where: { id: body.id } });
    expect(row.queuedById).toBe(w.marketerA.id);

    const status = await getRender(body.id, bearer(tokenA.token));
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ id: body.id, status: "queued", progress: 0 });
    expect((await testDb().apiToken.findUniqueOrThrow({ where: { id: tokenA.id } })).lastUsedAt).not.toBeNull();
  });

  it("keep to their user's team (403 for another team's campaign or render)", async () => {
    const q = await postRender(tokenB.token, JSON.stringify({ campaignId: w.campaignA.id }));
    expect(q.status).toBe(403);
    expect((await getRender(w.renderA.id, bearer(tokenB.token))).status).toBe(403);
    expect((await videoRoute.GET(new Request(url(`/api/renders/${w.renderA.id}/video`), bearer(tokenB.token)), params(w.renderA.id))).status).toBe(403);
    expect((await listCampaigns(tokenB.token)).map((c) => c.id)).not.toContain(w.campaignA.id);
    expect((await listCampaigns(tokenA.token)).map((c) => c.id)).toContain(w.campaignA.id);
  });

  it("answer 400 for a malformed body, 422 for an invalid field and 404 for an unknown campaign", async () => {
    const post = (body: string) => postRender(tokenA.token, body);
    expect((await post("not json")).status).toBe(400);
    expect((await post(JSON.stringify({ campaignId: w.campaignA.id, preset: "4k" }))).status).toBe(422);
    expect((await post(JSON.stringify({ campaignId: "nope" }))).status).toBe(404);
  });

  it("refuse missing, malformed, unknown and revoked tokens (401)", async () => {
    const get = (init: RequestInit) => getRender(w.renderA.id, init);
    expect((await get({})).status).toBe(401);
    expect((await get({ headers: { authorization: "Basic abc" } })).status).toBe(401);
    expect((await get(bearer("rf_unknown-token-value"))).status).toBe(401);
    expect((await get(bearer(tokenA.token.slice(0, -1)))).status).toBe(401);
    // A session cookie is no API credential.
    expect((await get({ headers: { cookie: w.cookies.a } })).status).toBe(401);
    const extra = await createApiToken(testDb(), w.marketerA.id, { name: "short-lived" });
    expect((await get(bearer(extra.token))).status).toBe(200);
    expect(await revokeApiToken(testDb(), w.marketerB.id, extra.id)).toBe(false); // not B's to revoke
    expect(await revokeApiToken(testDb(), w.marketerA.id, extra.id)).toBe(true);
    expect((await get(bearer(extra.token))).status).toBe(401);
  });
});
