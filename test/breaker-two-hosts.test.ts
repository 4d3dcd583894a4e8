/**
 * Two worker processes share one breaker through PostgreSQL: once either host sees Veo's daily
 * 429, neither calls Veo again, and every render still succeeds on the fallback.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeGemini } from "~/plugins/google/fake-server";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender } from "~/server/services/renders";
import { spawnWorker, stopChild } from "./helpers/child-worker";
import { testDb, waitFor } from "./helpers/db";
import { FAST_PROVIDER_OPTIONS, useFakeGemini } from "./helpers/google";
import { withWorker } from "./helpers/worker";

let fake: FakeGemini;
beforeAll(async () => {
  // The suite shares one database: start from no breaker state (an earlier file may have left Veo open until
  // midnight Pacific, and then neither host would call Veo at all).
  await testDb().providerBreaker.deleteMany({});
  fake = await useFakeGemini({ latencyMs: { voiceover: 300, image: 300, video: 400 }, faults: { video: { type: "quota_day" } } });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
  await testDb().$disconnect();
});

describe("breaker shared by two worker hosts", () => {
  it("no Veo call is admitted on either host after the first daily 429", async () => {
    const db = testDb();
    const child = spawnWorker({ GEMINI_API_KEY: "test-gemini-key-123", GEMINI_BASE_URL: fake.baseUrl, PROVIDER_OPTIONS: JSON.stringify(FAST_PROVIDER_OPTIONS), WORKER_CONCURRENCY: "3" });
    try {
      await waitFor(() => db.workerHost.findFirst({ where: { pid: child.pid, stoppedAt: null } }), 60_000, "the child worker to register").catch((e) => {
        throw new Error(`${(e as Error).message}\n${child.output()}`);
      });
      const renders = await withWorker(async () => {
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          const c = await createCampaign(db, { name: `Batch ${i}`, product: "Boots", audience: "Hikers", message: "Waterproof. Light.", targetSeconds: 6, musicMood: "none" });
          ids.push((await queueRender(db, { campaignId: c.id, preset: "preview" })).id);
        }
        return waitFor(async () => {
          const rs = await db.render.findMany({ where: { id: { in: ids } }, include: { assets: true } });
          return rs.every((r) => r.status === "succeeded" || r.status === "failed") ? rs : null;
        }, 240_000, "the batch to finish");
      }, 3);
      expect(renders.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
      const breaker = await db.providerBreaker.findUniqueOrThrow({ where: { providerId_model: { providerId: "google-veo", model: "veo-3.1-fast-generate-preview" } } });
      expect(breaker.state).toBe("open");
      type A = { providerId: string; outcome: string; at: string; admittedAt?: string; host?: string };
      const attempts = renders.flatMap((r) => r.assets.flatMap((a) => a.attempts as A[]));
      const veo = attempts.filter((x) => x.providerId === "google-veo" && x.outcome === "failed");
      expect(veo.length).toBe(fake.callsOf("video").length);
      // The first call of the quota window went alone (a probe, across both hosts): one refused call in all.
      expect(fake.callsOf("video")).toHaveLength(1);
      // A call admitted while the opening write was in flight can trail openedAt by that write's
      // latency (a few ms); nothing is admitted later than that.
      for (const x of veo) expect(Date.parse(x.admittedAt!)).toBeLessThanOrEqual(breaker.openedAt!.getTime() + 500);
      // And the breaker is read again as each request leaves: what reached the API left before the opening
      // (the margin is the two processes' scheduling under load, not a window the gate leaves open).
      for (const c of fake.callsOf("video")) expect(c.startedAt).toBeLessThanOrEqual(breaker.openedAt!.getTime() + 250);
      // Both hosts did work, and at least one of them was turned away by the breaker the other opened.
      const hosts = new Set(attempts.map((x) => x.host));
      expect(hosts.size).toBeGreaterThanOrEqual(2);
      expect(attempts.filter((x) => x.providerId === "google-veo" && x.outcome === "skipped").length).toBeGreaterThan(0);
    } finally {
      await stopChild(child);
    }
  });
});
