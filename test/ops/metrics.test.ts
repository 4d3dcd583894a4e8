/**
 * GET /api/metrics: admins only, and right across processes. A render is made by a worker in
 * another OS process (spawned like `npm run worker`); this process scrapes the route before and
 * after and checks that each family moved by what the database says happened: renders by status,
 * queue jobs, the render and stage duration histograms, provider calls by outcome, cache counters;
 * a breaker opened by hand shows as open.
 */
import { type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import * as metricsRoute from "~/app/api/metrics/route";
import { createApiToken } from "~/server/services/api-tokens";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender } from "~/server/services/renders";
import { testDb, waitFor } from "../helpers/db";
import { spawnWorker, stopChild } from "../helpers/child-worker";
import { browserHeaders, makeWorld, type World } from "../auth/fixtures";

let w: World;
let tokens: { admin: string; adminNoScope: string; marketer: string };
let child: ChildProcess | undefined;

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The Prometheus text format's samples (`name{a="x",b="y"} value`); # lines skipped. */
function parse(text: string): Sample[] {
  return text
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(l);
      if (!m) throw new Error(`not a sample line: ${l}`);
      const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

/** Sum of the samples named `name` whose labels include `match`. */
const sum = (s: Sample[], name: string, match: Record<string, string> = {}) =>
  s.filter((x) => x.name === name && Object.entries(match).every(([k, v]) => x.labels[k] === v)).reduce((a, x) => a + x.value, 0);

async function scrape(auth: { bearer?: string; cookie?: string } = {}) {
  const headers = browserHeaders(auth.cookie);
  if (auth.bearer) headers.set("authorization", `Bearer ${auth.bearer}`);
  return metricsRoute.GET(new Request(`${env().PUBLIC_URL}/api/metrics`, { headers }));
}

async function samples() {
  const res = await scrape({ bearer: tokens.admin });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

beforeAll(async () => {
  w = await makeWorld();
  const db = testDb();
  tokens = {
    admin: (await createApiToken(db, w.admin.id, { name: "prometheus", scopes: ["read", "admin"] })).token,
    adminNoScope: (await createApiToken(db, w.admin.id, { name: "no admin scope", scopes: ["read", "render"] })).token,
    marketer: (await createApiToken(db, w.marketerA.id, { name: "marketer", scopes: ["read", "render", "admin"] })).token,
  };
});

afterAll(async () => {
  if (child) await stopChild(child);
});

describe("GET /api/metrics", () => {
  it("answers admins only: an admin-scoped token of an admin or an admin's session", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ cookie: w.cookies.a })).status).toBe(403);
    expect((await scrape({ bearer: tokens.marketer })).status).toBe(403);
    expect((await scrape({ bearer: tokens.adminNoScope })).status).toBe(403);
    expect((await scrape({ bearer: "rf_not-a-token" })).status).toBe(401);
    expect((await scrape({ cookie: w.cookies.admin })).status).toBe(200);
    expect((await scrape({ bearer: tokens.admin })).status).toBe(200);
  });

  it("moves after a real render made by a worker in another process", async () => {
    const db = testDb();
    const c = await createCampaign(db, { name: "Metrics", product: "Trailblazer boots", audience: "hikers", message: "Waterproof all day. Light as a sneaker.", targetSeconds: 6, musicMood: "calm" });
    const before = await samples();
    const r = await queueRender(db, { campaignId: c.id, preset: "preview" });

    // Queued, no worker yet: the render counts as queued and its start job waits in the queue.
    const queued = await samples();
    expect(sum(queued, "reelfarm_renders", { status: "queued" })).toBe(sum(before, "reelfarm_renders", { status: "queued" }) + 1);
    expect(sum(queued, "reelfarm_queue_jobs", { task: "render:start", state: "ready" })).toBeGreaterThanOrEqual(sum(before, "reelfarm_queue_jobs", { task: "render:start", state: "ready" }) + 1);
    expect(sum(queued, "reelfarm_queue_depth")).toBeGreaterThanOrEqual(1);

    child = spawnWorker({ GEMINI_API_KEY: "" });
    const done = await waitFor(
      async () => {
        const row = await db.render.findUniqueOrThrow({ where: { id: r.id } });
        return row.status === "succeeded" || row.status === "failed" ? row : null;
      },
      240_000,
      "the render",
    );
    expect(done.status).toBe("succeeded");
    const after = await samples();

    // Renders by status.
    expect(sum(after, "reelfarm_renders", { status: "succeeded" })).toBe(sum(before, "reelfarm_renders", { status: "succeeded" }) + 1);
    expect(sum(after, "reelfarm_renders", { status: "queued" })).toBe(sum(before, "reelfarm_renders", { status: "queued" }));
    expect(sum(after, "reelfarm_queue_jobs", { task: "render:start", state: "ready" })).toBe(0);

    // Render duration: one more observation, its sum grown by this render's wall time.
    const lbl = { status: "succeeded", preset: "preview" };
    const wallS = (done.finishedAt!.getTime() - done.startedAt!.getTime()) / 1000;
    expect(sum(after, "reelfarm_render_duration_seconds_count", lbl)).toBe(sum(before, "reelfarm_render_duration_seconds_count", lbl) + 1);
    expect(sum(after, "reelfarm_render_duration_seconds_sum", lbl) - sum(before, "reelfarm_render_duration_seconds_sum", lbl)).toBeCloseTo(wallS, 2);
    const inf = sum(after, "reelfarm_render_duration_seconds_bucket", { ...lbl, le: "+Inf" });
    expect(inf).toBe(sum(after, "reelfarm_render_duration_seconds_count", lbl));
    // Cumulative buckets: non-decreasing in le, and this render lands in the first bucket >= its wall time.
    const buckets = after.filter((x) => x.name === "reelfarm_render_duration_seconds_bucket" && x.labels.status === "succeeded" && x.labels.preset === "preview" && x.labels.le !== "+Inf");
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    const le = buckets.find((b) => Number(b.labels.le) >= wallS)!.labels.le!;
    expect(sum(after, "reelfarm_render_duration_seconds_bucket", { ...lbl, le }) - sum(before, "reelfarm_render_duration_seconds_bucket", { ...lbl, le })).toBe(1);

    // Stage durations: each stage this render timed gained one observation.
    const stages = Object.keys(done.stageTimings as Record<string, number>);
    expect(stages.length).toBeGreaterThan(2);
    for (const stage of stages) expect(sum(after, "reelfarm_render_stage_duration_seconds_count", { stage })).toBe(sum(before, "reelfarm_render_stage_duration_seconds_count", { stage }) + 1);

    // Provider calls: at least one success per asset this render made, by provider and outcome.
    const assets = await db.renderAsset.findMany({ where: { renderId: r.id, status: "succeeded", providerId: { not: null } } });
    expect(assets.length).toBeGreaterThan(2);
    expect(sum(after, "reelfarm_provider_calls_total", { outcome: "success" }) - sum(before, "reelfarm_provider_calls_total", { outcome: "success" })).toBeGreaterThanOrEqual(assets.length);
    for (const provider of new Set(assets.map((a) => a.providerId!))) {
      expect(sum(after, "reelfarm_provider_calls_total", { provider, outcome: "success" })).toBeGreaterThan(sum(before, "reelfarm_provider_calls_total", { provider, outcome: "success" }));
      expect(sum(after, "reelfarm_provider_requests_total", { provider })).toBeGreaterThan(sum(before, "reelfarm_provider_requests_total", { provider }));
    }

    // Cache: the counters moved by this render's hits and misses; bytes match the index.
    expect(sum(after, "reelfarm_cache_hits_total") - sum(before, "reelfarm_cache_hits_total")).toBe(done.cacheHits);
    expect(sum(after, "reelfarm_cache_misses_total") - sum(before, "reelfarm_cache_misses_total")).toBe(done.cacheMisses);
    const [idx] = await db.$queryRaw<{ bytes: number }[]>`select coalesce(sum(bytes), 0)::float8 as bytes from "CacheEntry"`;
    expect(sum(after, "reelfarm_cache_bytes")).toBe(idx!.bytes);

    // The worker host in the other process is online.
    expect(sum(after, "reelfarm_worker_hosts", { state: "online" })).toBeGreaterThanOrEqual(1);
  }, 300_000);

  it("shows a breaker's state", async () => {
    const db = testDb();
    await db.providerBreaker.upsert({
      where: { providerId_model: { providerId: "metrics-test", model: "m1" } },
      create: { providerId: "metrics-test", model: "m1", state: "open", reason: "quota_day", openedAt: new Date(), resetAt: new Date(Date.now() + 3_600_000), failures: 3 },
      update: { state: "open", failures: 3 },
    });
    const s = await samples();
    expect(sum(s, "reelfarm_breaker_state", { provider: "metrics-test", model: "m1", state: "open" })).toBe(1);
    expect(sum(s, "reelfarm_breaker_state", { provider: "metrics-test", model: "m1", state: "closed" })).toBe(0);
    expect(sum(s, "reelfarm_breaker_failures", { provider: "metrics-test", model: "m1" })).toBe(3);
    await db.providerBreaker.update({ where: { providerId_model: { providerId: "metrics-test", model: "m1" } }, data: { state: "closed", failures: 0 } });
    const s2 = await samples();
    expect(sum(s2, "reelfarm_breaker_state", { provider: "metrics-test", model: "m1", state: "closed" })).toBe(1);
    await db.providerBreaker.delete({ where: { providerId_model: { providerId: "metrics-test", model: "m1" } } });
  });
});
