/**
 * Money and abuse limits, through the real REST handler and tRPC procedures: a token over its
 * daily limit gets 429 + Retry-After (problem+json), a team over its budget 402, a read-only
 * token 403, an expired token 401 - and in every case nothing is queued.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import { handleV1 } from "~/server/api/rest/dispatch";
import { createApiToken } from "~/server/services/api-tokens";
import { appRouter } from "~/server/api/root";
import { estimateRenderCostUsd, LimitError, queueEstimate, setLimits } from "~/server/services/limits";
import { queueBatch } from "~/server/services/dashboard";
import { createCampaign } from "~/server/services/campaigns";
import { testDb } from "./helpers/db";
import { discardRenders, makeWorld, type World } from "./auth/fixtures";

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});
afterAll(async () => {
  await discardRenders({ campaign: { teamId: { in: [w.teamA.id, w.teamB.id] } } });
});

const count = () => testDb().render.count({ where: { campaignId: w.campaignA.id } });
const post = (token: string, body: unknown = { campaignId: w.campaignA.id, preset: "preview" }) =>
  handleV1(new Request(`${env().PUBLIC_URL}/api/v1/renders`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": randomUUID() }, body: JSON.stringify(body) }));
const getRenders = (req: Request) => handleV1(req);

describe("daily limits and token scopes", () => {
  it("a token over its daily render limit gets 429 with Retry-After and a problem+json body; nothing is queued", async () => {
    const t = await createApiToken(testDb(), w.marketerA.id, { name: "limited" });
    await setLimits(testDb(), { target: "token", id: t.id, dailyRenderLimit: 2 });
    expect((await post(t.token)).status).toBe(201);
    expect((await post(t.token)).status).toBe(201);
    const before = await count();
    const res = await post(t.token);
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    const body = (await res.json()) as { type: string; status: number; detail: string };
    expect(body).toMatchObject({ type: "/api-reference#problem-daily-render-limit", status: 429 });
    expect(body.detail).toMatch(/API token may queue 2 renders per day/);
    expect(await count()).toBe(before);
    // The token's renders are recorded as its own (what its limit counts).
    expect(await testDb().render.count({ where: { apiTokenId: t.id } })).toBe(2);
  });

  it("a team over its daily budget gets 402; nothing is queued", async () => {
    const t = await createApiToken(testDb(), w.marketerA.id, { name: "spender" });
    // $5 already spent today by a finished render; the budget is $4.
    await testDb().render.create({ data: { campaignId: w.campaignA.id, queuedById: w.marketerA.id, status: "succeeded", stage: "done", settings: {}, costUsd: 5, finishedAt: new Date() } });
    await setLimits(testDb(), { target: "team", id: w.teamA.id, dailyRenderLimit: null, dailyBudgetUsd: 4 });
    const before = await count();
    const res = await post(t.token);
    expect(res.status).toBe(402);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/Daily budget reached: the team's budget is \$4\.00/);
    expect(await count()).toBe(before);
    // The dashboard refuses the same way (tRPC PAYMENT_REQUIRED), and a batch queues none.
    await expect(queueBatch(testDb(), w.marketerA, { campaignId: w.campaignA.id, preset: "preview", hooks: ["One", "Two"], voices: [] } as never)).rejects.toBeInstanceOf(LimitError);
    expect(await count()).toBe(before);
    const est = await queueEstimate(testDb(), { campaignId: w.campaignA.id, preset: "final", count: 3 });
    expect(est).toMatchObject({ budgetUsd: 4 });
    expect(est.spentTodayUsd).toBeGreaterThanOrEqual(5);
    await setLimits(testDb(), { target: "team", id: w.teamA.id, dailyRenderLimit: null, dailyBudgetUsd: null });
  });

  it("a user over the daily limit cannot queue a batch that would pass it: all or nothing", async () => {
    const queued = await testDb().render.count({ where: { queuedById: w.marketerA.id, createdAt: { gte: new Date(new Date().toISOString().slice(0, 10)) } } });
    await setLimits(testDb(), { target: "user", id: w.marketerA.id, dailyRenderLimit: queued + 1 });
    const before = await count();
    await expect(queueBatch(testDb(), w.marketerA, { campaignId: w.campaignA.id, preset: "preview", hooks: ["One", "Two"], voices: [] } as never)).rejects.toThrow(/account may queue/);
    expect(await count()).toBe(before);
    await setLimits(testDb(), { target: "user", id: w.marketerA.id, dailyRenderLimit: null });
  });

  it("a read-only token cannot queue (403 insufficient scope) but can read", async () => {
    const t = await createApiToken(testDb(), w.marketerA.id, { name: "reader", scopes: ["read"] });
    const before = await count();
    const res = await post(t.token);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { type: string }).type).toBe("/api-reference#problem-insufficient-scope");
    expect(await count()).toBe(before);
    const list = await getRenders(new Request(`${env().PUBLIC_URL}/api/v1/renders`, { headers: { authorization: `Bearer ${t.token}` } }));
    expect(list.status).toBe(200);
  });

  it("an expired token is refused (401)", async () => {
    const t = await createApiToken(testDb(), w.marketerA.id, { name: "short-lived", expiresInDays: 1 });
    await testDb().apiToken.update({ where: { id: t.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await post(t.token)).status).toBe(401);
  });

  it("an admin's token without the admin scope sees only its own team", async () => {
    const t = await createApiToken(testDb(), w.admin.id, { name: "admin-no-scope" });
    await testDb().render.create({ data: { campaignId: (await createCampaign(testDb(), { name: "B's", product: "Boots", audience: "Hikers", message: "Dry feet.", targetSeconds: 8 }, { userId: w.marketerB.id, teamId: w.teamB.id })).id, queuedById: w.marketerB.id, status: "failed", stage: "failed", settings: {} } });
    const list = (await (await getRenders(new Request(`${env().PUBLIC_URL}/api/v1/renders`, { headers: { authorization: `Bearer ${t.token}` } }))).json()) as { items: { campaignId: string }[] };
    const teamB = new Set((await testDb().campaign.findMany({ where: { teamId: w.teamB.id }, select: { id: true } })).map((c) => c.id));
    expect(list.items.some((r) => teamB.has(r.campaignId))).toBe(false);
  });

  it("the estimate is the providers' cost models summed (local providers: free) and is recorded on the render", async () => {
    expect(estimateRenderCostUsd({ targetSeconds: 30, musicMood: "upbeat", preset: "final" })).toBeGreaterThanOrEqual(0);
    const caller = appRouter.createCaller({ db: testDb(), user: w.marketerA, headers: new Headers(), sameOrigin: true } as never);
    const est = await caller.render.estimate({ campaignId: w.campaignA.id, preset: "final", count: 2 });
    expect(est.estimatedUsd).toBeCloseTo(est.estimatedUsdEach * 2, 6);
  });
});
