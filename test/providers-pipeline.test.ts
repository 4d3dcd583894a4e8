/**
 * Renders through the Google plugins — the real @google/genai SDK against the fake Gemini API
 * on 127.0.0.1 — with quota errors, overloads and the breaker shared through PostgreSQL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeGemini } from "~/plugins/google/fake-server";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender } from "~/server/services/renders";
import { testDb, waitFor } from "./helpers/db";
import { useFakeGemini } from "./helpers/google";
import { withWorker } from "./helpers/worker";

let fake: FakeGemini;
const db = () => testDb();
const brief = { name: "Google render", product: "Trailblazer boots", audience: "hikers", message: "Waterproof all day. Light as a sneaker.", targetSeconds: 6, musicMood: "upbeat" as "upbeat" | "none" };

beforeAll(async () => {
  fake = await useFakeGemini({ latencyMs: { script: 100, voiceover: 700, music: 900, image: 500, video: 600 } });
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

async function renderOnce(extra: Partial<typeof brief> = {}) {
  const c = await createCampaign(db(), { ...brief, ...extra });
  const r = await queueRender(db(), { campaignId: c.id, preset: "preview" });
  return waitFor(async () => {
    const x = await db().render.findUniqueOrThrow({ where: { id: r.id }, include: { assets: true } });
    return ["succeeded", "failed", "cancelled"].includes(x.status) ? x : null;
  }, 150_000, "render to finish");
}

type Attempt = { providerId: string; outcome: string; code?: string; host?: string; at: string };
const attemptsOf = (a: { attempts: unknown }) => a.attempts as Attempt[];

describe("Google providers in the pipeline", () => {
  it("fans out: asset jobs overlap in time and the assembly starts after the last one", async () => {
    const r = await withWorker(() => renderOnce(), 6);
    expect(r.error).toBeNull();
    expect(r.status).toBe("succeeded");
    const byKind = (k: string) => r.assets.filter((a) => a.kind === k);
    expect(byKind("script")[0]!.providerId).toBe("google-gemini-script");
    expect(byKind("voiceover").every((a) => a.providerId === "google-tts")).toBe(true);
    expect(byKind("music")[0]!.providerId).toBe("google-lyria");
    expect(byKind("video").every((a) => a.providerId === "google-veo" && a.mimeType === "video/mp4")).toBe(true);
    const gen = r.assets.filter((a) => a.kind !== "script");
    const latestStart = Math.max(...gen.map((a) => a.startedAt!.getTime()));
    const earliestEnd = Math.min(...gen.map((a) => a.finishedAt!.getTime()));
    // Overlap: some asset started before another had finished (a waterfall would have latestStart >= every end).
    const overlapping = gen.filter((a) => gen.some((b) => a !== b && a.startedAt! < b.finishedAt! && b.startedAt! < a.finishedAt!));
    expect(overlapping.length).toBeGreaterThan(gen.length / 2);
    expect(earliestEnd).toBeLessThan(latestStart + 5_000);
    // The assembly waits for every asset the video needs; the music only where the soundtrack is mixed.
    const needed = gen.filter((a) => a.kind !== "music");
    expect(r.assembleStartedAt!.getTime()).toBeGreaterThanOrEqual(Math.max(...needed.map((a) => a.finishedAt!.getTime())));
  });

  it("the assembly starts before slow music is done, encodes meanwhile, and mixes the music in once it arrives", async () => {
    fake.setLatency("music", 9000);
    try {
      const r = await withWorker(() => renderOnce(), 6);
      expect(r.error).toBeNull();
      expect(r.status).toBe("succeeded");
      const music = r.assets.find((a) => a.kind === "music")!;
      expect(music.providerId).toBe("google-lyria");
      expect(music.status).toBe("succeeded");
      // Started before the music was made, and waited for it only at the mix.
      expect(r.assembleStartedAt!.getTime()).toBeLessThan(music.finishedAt!.getTime() - 1000);
      const t = r.stageTimings as Record<string, number>;
      expect(t["assemble.musicWait"]).toBeGreaterThan(500);
      // Its cost is counted although it settled after the assembly began.
      expect(r.costUsd).toBeCloseTo(r.assets.reduce((a, x) => a + x.costUsd, 0), 6);
      expect(music.costUsd).toBeGreaterThan(0);
      // The music is in the soundtrack: the end card (no narration) is not silent.
      const { storage } = await import("~/server/storage");
      const out = await (await storage()).localPath(r.outputFile!);
      const { runFfmpeg } = await import("~/render");
      const end = r.durationSec! - 0.8;
      const vol = await runFfmpeg(["-hide_banner", "-nostats", "-ss", end.toFixed(3), "-t", "0.5", "-i", out, "-af", "volumedetect", "-f", "null", "-"], { raw: true });
      const mean = Number(/mean_volume: (-?[\d.]+) dB/.exec(vol.stderr)?.[1]);
      expect(mean).toBeGreaterThan(-45);
    } finally {
      fake.setLatency("music", 900);
    }
  });

  it("a daily 429 opens the breaker until midnight Pacific and falls back at once; no Veo call after it", async () => {
    fake.setFault("video", { type: "quota_day" });
    const r = await withWorker(() => renderOnce(), 6);
    expect(r.status).toBe("succeeded");
    const videos = r.assets.filter((a) => a.kind === "video");
    expect(videos.every((a) => a.providerId === "local-kenburns" && a.fallbackReason?.startsWith("google-veo"))).toBe(true);
    const breaker = await db().providerBreaker.findUniqueOrThrow({ where: { providerId_model: { providerId: "google-veo", model: "veo-3.1-fast-generate-preview" } } });
    expect(breaker.state).toBe("open");
    const pacific = new Intl.DateTimeFormat("en-US", { timeZone: "America/Los_Angeles", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(breaker.resetAt!);
    expect(pacific).toBe("00:00");
    expect(breaker.resetAt!.getTime() - Date.now()).toBeLessThanOrEqual(25 * 3600_000);
    // Calls already in flight when the first 429 came back may still get their own 429; once the
    // breaker is open (a few ms later) nothing reaches Veo.
    const veo = fake.callsOf("video");
    expect(veo.every((c) => c.status === 429)).toBe(true);
    // The window's first call went alone (the probe): the spent quota cost one refused call.
    expect(veo).toHaveLength(1);
    // Every call the fake saw is one recorded attempt, and each was admitted before the breaker
    // opened (start = recorded end - duration); nothing admitted after it reached Veo.
    const veoAttempts = videos.flatMap((a) => attemptsOf(a).filter((x) => x.providerId === "google-veo" && x.outcome === "failed"));
    expect(veoAttempts.length).toBe(veo.length);
    // (a call admitted while the opening write was in flight may trail openedAt by a few ms)
    for (const x of veoAttempts) expect(Date.parse((x as { admittedAt?: string }).admittedAt!)).toBeLessThanOrEqual(breaker.openedAt!.getTime() + 500);
    // Every other scene skipped Veo without calling it: the breaker said no.
    expect(videos.filter((a) => attemptsOf(a).some((x) => x.code === "breaker_open")).length).toBe(videos.length - veo.length);
    // No per-day retry ever: each scene tried Veo at most once.
    expect(videos.every((a) => attemptsOf(a).filter((x) => x.providerId === "google-veo" && x.outcome === "retry").length === 0)).toBe(true);
  });

  it("after the reset one half-open trial decides: success closes the breaker", async () => {
    await db().providerBreaker.create({ data: { providerId: "google-tts", model: "gemini-2.5-flash-preview-tts", state: "open", reason: "quota", resetAt: new Date(Date.now() - 1000) } });
    const r = await withWorker(() => renderOnce({ musicMood: "none" }), 6);
    expect(r.status).toBe("succeeded");
    const b = await db().providerBreaker.findUniqueOrThrow({ where: { providerId_model: { providerId: "google-tts", model: "gemini-2.5-flash-preview-tts" } } });
    expect(b.state).toBe("closed");
    // The trial's asset used Google; assets that asked while the trial ran fell back without calling.
    const vo = r.assets.filter((a) => a.kind === "voiceover");
    const google = vo.filter((a) => a.providerId === "google-tts");
    expect(google.length).toBeGreaterThanOrEqual(1);
    expect(fake.callsOf("voiceover").length).toBe(google.length);
    expect(vo.filter((a) => a.providerId === "local-voice").every((a) => attemptsOf(a).some((x) => x.code === "breaker_open"))).toBe(true);
  });

  it("a failed half-open trial opens it again; the other assets don't call while the trial runs", async () => {
    fake.setFault("voiceover", { type: "quota_day" });
    await db().providerBreaker.create({ data: { providerId: "google-tts", model: "gemini-2.5-flash-preview-tts", state: "open", reason: "quota", resetAt: new Date(Date.now() - 1000) } });
    const r = await withWorker(() => renderOnce({ musicMood: "none" }), 6);
    expect(r.status).toBe("succeeded");
    const b = await db().providerBreaker.findUniqueOrThrow({ where: { providerId_model: { providerId: "google-tts", model: "gemini-2.5-flash-preview-tts" } } });
    expect(b.state).toBe("open");
    expect(b.resetAt!.getTime()).toBeGreaterThan(Date.now());
    expect(fake.callsOf("voiceover").length).toBe(1);
    expect(r.assets.filter((a) => a.kind === "voiceover").every((a) => a.providerId === "local-voice")).toBe(true);
  });

  it("a per-minute 429 reschedules the job (no sleep) and then succeeds on the same provider", async () => {
    fake.setFault("voiceover", { fault: { type: "quota_minute", retryDelaySec: 1 }, times: 1 });
    const r = await withWorker(() => renderOnce({ musicMood: "none" }), 6);
    expect(r.status).toBe("succeeded");
    const retried = r.assets.filter((a) => attemptsOf(a).some((x) => x.outcome === "retry" && x.code === "quota"));
    expect(retried).toHaveLength(1);
    expect(retried[0]!.providerId).toBe("google-tts");
    expect(await db().providerBreaker.count({ where: { state: "open" } })).toBe(0);
  });

  it("400/403 and filtered videos fall back at once without retrying", async () => {
    fake.setFault("music", { type: "permission_denied" });
    fake.setFault("video", { type: "filtered" });
    const r = await withWorker(() => renderOnce(), 6);
    expect(r.status).toBe("succeeded");
    const music = r.assets.find((a) => a.kind === "music")!;
    expect(music.providerId).toBe("local-music");
    expect(attemptsOf(music).map((x) => [x.providerId, x.outcome, x.code])).toEqual([
      ["google-lyria", "failed", "auth"],
      ["local-music", "succeeded", undefined],
    ]);
    for (const v of r.assets.filter((a) => a.kind === "video")) {
      expect(v.providerId).toBe("local-kenburns");
      expect(attemptsOf(v).find((x) => x.providerId === "google-veo")?.code).toBe("content_filtered");
    }
    const stats = await db().providerDailyStat.findMany({ where: { providerId: { in: ["google-lyria", "google-veo"] } } });
    expect(stats.every((s) => s.fallbacks >= 1 && s.calls >= 1)).toBe(true);
  });
});

describe("start-up and long operations", () => {
  it("an invalid API key is a clear start-up error; renders still succeed on local fallbacks", async () => {
    fake.setFault("models", { type: "bad_key" });
    fake.setFault("script", { type: "bad_key" });
    const { checkProviderCredentials } = await import("~/server/services/provider-health");
    const lines: string[] = [];
    const res = await checkProviderCredentials(db(), (m) => lines.push(m));
    expect(res.refused.sort()).toEqual(["google-gemini-script", "google-image", "google-lyria", "google-tts", "google-veo"]);
    expect(lines.join("\n")).toMatch(/GEMINI_API_KEY was refused/);
    expect(await db().providerBreaker.count({ where: { state: "open", reason: { startsWith: "auth" } } })).toBe(5);
    fake.resetCalls();
    const r = await withWorker(() => renderOnce({ musicMood: "none" }), 6);
    expect(r.status).toBe("succeeded");
    expect(r.assets.every((a) => a.providerId?.startsWith("local-"))).toBe(true);
    expect(fake.calls.filter((c) => c.kind !== "models")).toEqual([]);
  });

  it("a Veo operation that never finishes ends at its deadline (5 s here) and falls back", async () => {
    fake.setFault("video", { type: "never_finish" });
    const r = await withWorker(() => renderOnce({ musicMood: "none" }), 6);
    expect(r.status).toBe("succeeded");
    for (const v of r.assets.filter((a) => a.kind === "video")) {
      expect(v.providerId).toBe("local-kenburns");
      expect(attemptsOf(v).find((x) => x.providerId === "google-veo")).toMatchObject({ outcome: "failed", code: "timeout" });
    }
    expect(fake.callsOf("operation").length).toBeGreaterThan(0);
  });
});
