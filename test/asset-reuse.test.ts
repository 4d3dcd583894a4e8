/**
 * Content-addressed assets (issue 13 item 2): renders through the real @google/genai SDK against
 * the fake Gemini API, a real worker and PostgreSQL. A request that already succeeded in the team
 * reuses its stored file (no call reaches the API); never across teams; `regenerate` calls again;
 * a corrupt stored file is a miss; a batch of variants pays once per unique request.
 */
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type CallKind, type FakeGemini } from "~/plugins/google/fake-server";
import { createCampaign } from "~/server/services/campaigns";
import { reusedAssetsOverview } from "~/server/services/admin-cache";
import { queueBatch, renderDetail } from "~/server/services/dashboard";
import { queueRender } from "~/server/services/renders";
import { storage } from "~/server/storage";
import { testDb, waitFor } from "./helpers/db";
import { useFakeGemini } from "./helpers/google";
import { withWorker } from "./helpers/worker";

let fake: FakeGemini;
const db = () => testDb();
const brief = { name: "Reuse", product: "Trailblazer boots", audience: "hikers", message: "Waterproof all day. Light as a sneaker.", targetSeconds: 6, voice: "Kore" as const, musicMood: "upbeat" as const };
const PAID: CallKind[] = ["script", "voiceover", "image", "video", "music"];

beforeAll(async () => {
  fake = await useFakeGemini({ latencyMs: { script: 100, voiceover: 300, music: 300, image: 300, video: 400 } });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
  await testDb().$disconnect();
});
beforeEach(async () => {
  fake.clearFaults();
  fake.resetCalls();
  await db().providerBreaker.deleteMany({});
});

/** A team with one marketer. */
async function team() {
  const tag = randomUUID().slice(0, 8);
  const t = await db().team.create({ data: { name: `Reuse ${tag}` } });
  const user = await db().user.create({ data: { name: "Marketer", email: `reuse-${tag}@test.local`, role: "marketer", teamId: t.id } });
  return { team: t, user };
}

const calls = () => Object.fromEntries(PAID.map((k) => [k, fake.callsOf(k).length])) as Record<CallKind, number>;
const diff = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(PAID.map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)]));

async function finished(ids: string[]) {
  return waitFor(async () => {
    const rs = await db().render.findMany({ where: { id: { in: ids } }, include: { assets: { orderBy: [{ kind: "asc" }, { sceneIndex: "asc" }] } } });
    return rs.every((r) => ["succeeded", "failed", "cancelled"].includes(r.status)) ? rs : null;
  }, 240_000, "renders to finish");
}

async function render(campaignId: string, opts: { regenerate?: boolean } = {}) {
  const r = await queueRender(db(), { campaignId, preset: "preview", ...opts });
  const [x] = await finished([r.id]);
  expect(x!.error).toBeNull();
  expect(x!.status).toBe("succeeded");
  return x!;
}

const generated = (r: Awaited<ReturnType<typeof render>>) => r.assets.filter((a) => a.kind !== "clip");
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("content-addressed assets", () => {
  it("reuse across renders and campaigns of one team, never across teams; regenerate calls again", { timeout: 300_000 }, async () => {
    const a = await team();
    const b = await team();
    await withWorker(async () => {
      const c1 = await createCampaign(db(), brief, { userId: a.user.id, teamId: a.team.id });
      const before = calls();
      const r1 = await render(c1.id);
      const cold = diff(before, calls());
      expect(cold.video).toBeGreaterThan(0);
      expect(generated(r1).every((x) => x.reusedFromRenderId === null && x.savedUsd === 0)).toBe(true);
      expect(generated(r1).filter((x) => x.providerId?.startsWith("google")).every((x) => x.contentKey?.length === 64)).toBe(true);

      // Another campaign of the same team with the same brief (the name is the script's brand name): nothing reaches the API.
      const c2 = await createCampaign(db(), brief, { userId: a.user.id, teamId: a.team.id });
      const mid = calls();
      const r2 = await render(c2.id);
      expect(diff(mid, calls())).toEqual({ script: 0, voiceover: 0, image: 0, video: 0, music: 0 });
      expect(r2.costUsd).toBe(0);
      for (const x of generated(r2)) {
        const src = r1.assets.find((y) => y.kind === x.kind && y.sceneIndex === x.sceneIndex)!;
        expect(x.reusedFromRenderId, `${x.kind} ${x.sceneIndex}`).toBe(r1.id);
        expect(x.reusedFromAssetId).toBe(src.id);
        expect(x.sha256).toBe(src.sha256);
        expect(x.costUsd).toBe(0);
        expect(x.savedUsd).toBeGreaterThan(0);
        expect((x.attempts as { outcome: string }[]).at(-1)?.outcome).toBe("reused");
      }
      // What the render page and the admin cache page show.
      const detail = await renderDetail(db(), r2.id);
      const savedR2 = generated(r2).reduce((t, x) => t + x.savedUsd, 0);
      expect(detail.reusedAssets).toBe(generated(r2).length);
      expect(detail.savedUsd).toBeCloseTo(savedR2, 9);
      expect(detail.assets.find((x) => x.kind === "video")!.reusedFrom).toMatchObject({ renderId: r1.id, campaignName: brief.name });
      const overview = await reusedAssetsOverview(db());
      expect(overview.hits).toBeGreaterThanOrEqual(generated(r2).length);
      expect(overview.savedUsd).toBeGreaterThanOrEqual(savedR2 - 1e-9);
      expect(overview.perKind.find((k) => k.kind === "video")!.savedUsd).toBeGreaterThan(0);
      const topVideo = overview.biggestSavers.find((e) => e.renderId === r1.id && e.kind === "video");
      expect(topVideo).toMatchObject({ hits: 1, campaign: brief.name, team: a.team.name });
      // The reused file reads back as the original.
      const clip = r2.assets.find((x) => x.kind === "video")!;
      expect(sha(await (await storage()).read(clip.file!))).toBe(r1.assets.find((x) => x.kind === "video" && x.sceneIndex === clip.sceneIndex)!.sha256);

      // Team B, same brief: pays for everything itself.
      const c3 = await createCampaign(db(), brief, { userId: b.user.id, teamId: b.team.id });
      const beforeB = calls();
      const r3 = await render(c3.id);
      expect(diff(beforeB, calls())).toEqual(cold);
      expect(generated(r3).every((x) => x.reusedFromRenderId === null)).toBe(true);

      // regenerate: team A calls every provider again, and the new files become the index entries.
      const beforeRegen = calls();
      const r4 = await render(c1.id, { regenerate: true });
      expect(diff(beforeRegen, calls())).toEqual(cold);
      expect(generated(r4).every((x) => x.reusedFromRenderId === null && x.savedUsd === 0)).toBe(true);
      const r5 = await render(c2.id);
      expect(generated(r5).filter((x) => x.kind === "image").every((x) => x.reusedFromRenderId === r4.id)).toBe(true);
    });
  });

  it("a corrupt or missing stored file is a miss: the provider is called and the bad entry leaves the index", { timeout: 300_000 }, async () => {
    const a = await team();
    await withWorker(async () => {
      const c = await createCampaign(db(), { ...brief, name: "Reuse, corrupt" }, { userId: a.user.id, teamId: a.team.id });
      const r1 = await render(c.id);
      const store = await storage();
      const still = r1.assets.find((x) => x.kind === "image" && x.sceneIndex === 0)!;
      const voice = r1.assets.find((x) => x.kind === "voiceover" && x.sceneIndex === 0)!;
      // Same size, other bytes (only the checksum can tell), and a voiceover line whose file is gone.
      const bytes = await store.read(still.file!);
      await store.putBuffer(still.file!, Buffer.from(bytes.map((v, i) => (i > 100 && i < 200 ? v ^ 0xff : v))));
      await store.delete(voice.file!);
      const before = calls();
      const r2 = await render(c.id);
      const paid = diff(before, calls());
      expect(paid.image).toBe(1);
      expect(paid.voiceover).toBe(1);
      const still2 = r2.assets.find((x) => x.kind === "image" && x.sceneIndex === 0)!;
      const voice2 = r2.assets.find((x) => x.kind === "voiceover" && x.sceneIndex === 0)!;
      for (const [fresh, bad] of [[still2, still], [voice2, voice]] as const) {
        expect(fresh.reusedFromRenderId).toBeNull();
        expect(fresh.file).not.toBe(bad.file);
        expect(fresh.contentKey).toBe(bad.contentKey);
        expect(sha(await store.read(fresh.file!))).toBe(fresh.sha256);
        expect((await db().renderAsset.findUniqueOrThrow({ where: { id: bad.id } })).contentKey).toBeNull();
      }
      // The rest was intact and reused.
      expect(r2.assets.filter((x) => x.kind === "image" && x.sceneIndex > 0).every((x) => x.reusedFromRenderId === r1.id)).toBe(true);
    });
  });

  it("a 4-variant batch pays once for each unique Veo clip, still and TTS line", { timeout: 300_000 }, async () => {
    const a = await team();
    // Slow enough that the four renders ask for the same assets while the first requests are out.
    fake.setLatency("image", 1500);
    fake.setLatency("video", 1500);
    try {
      await withWorker(async () => {
        const c = await createCampaign(db(), { ...brief, name: "Reuse, batch" }, { userId: a.user.id, teamId: a.team.id });
        const batch = await queueBatch(db(), { id: a.user.id, email: a.user.email, name: a.user.name, role: "marketer", teamId: a.team.id }, {
          campaignId: c.id,
          preset: "preview",
          hooks: ["Dry feet, all day.", "Light as a trail runner."],
          voices: ["Kore", "Puck"],
        });
        const rs = await finished(batch.renderIds);
        expect(rs.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
        const all = rs.flatMap((r) => r.assets);
        const unique = (k: string) => new Set(all.filter((x) => x.kind === k).map((x) => x.contentKey)).size;
        expect(all.filter((x) => x.kind !== "clip" && x.kind !== "script").every((x) => x.contentKey?.length === 64)).toBe(true);
        // Hook variants share every still and clip; voices share nothing of the narration.
        expect(unique("video")).toBeLessThan(all.filter((x) => x.kind === "video").length);
        expect(fake.callsOf("video")).toHaveLength(unique("video"));
        expect(fake.callsOf("image")).toHaveLength(unique("image"));
        expect(fake.callsOf("voiceover")).toHaveLength(unique("voiceover"));
        expect(fake.callsOf("music")).toHaveLength(unique("music"));
        const reused = all.filter((x) => x.reusedFromRenderId);
        for (const k of ["video", "image", "voiceover", "music"]) expect(reused.filter((x) => x.kind === k).length, k).toBe(all.filter((x) => x.kind === k).length - unique(k));
        expect(reused.every((x) => batch.renderIds.includes(x.reusedFromRenderId!) && x.reusedFromRenderId !== x.renderId)).toBe(true);
      }, 8);
    } finally {
      fake.setLatency("image", 300);
      fake.setLatency("video", 400);
    }
  });
});
