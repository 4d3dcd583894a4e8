/**
 * Generated assets are checked where they are made: real answers of the real SDK against the
 * fake Gemini API (faults: silence, noise, a wrong declared rate, a tiny or truncated image, a
 * 1 s clip) are refused as malformed with the reason, and in a render the chain falls back to
 * the local provider and records why.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeGemini } from "~/plugins/google/fake-server";
import { googleImageProvider } from "~/plugins/google-image";
import { googleTtsProvider } from "~/plugins/google-tts";
import { googleVeoProvider } from "~/plugins/google-veo";
import { localVoiceProvider } from "~/plugins/local-voice";
import { ProviderError } from "~/plugins/spec";
import { localContext, runAgainstFake, tempDir } from "~/plugins/testing";
import { createCampaign } from "~/server/services/campaigns";
import { checkGeneratedAsset } from "~/server/services/pipeline/asset-checks";
import { queueRender } from "~/server/services/renders";
import { testDb, waitFor } from "./helpers/db";
import { useFakeGemini } from "./helpers/google";
import { withWorker } from "./helpers/worker";

let fake: FakeGemini;
const KEY = "test-gemini-key-123";
const signal = () => new AbortController().signal;
const text = "Waterproof all day, light as a sneaker, and ready for every trail you love.";

beforeAll(async () => {
  fake = await useFakeGemini({ latencyMs: { video: 300 } });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
  await testDb().$disconnect();
});
beforeEach(() => fake.clearFaults());

async function refusal(kind: string, providerId: string, result: { file: string; mimeType: string }, expected = {}) {
  const e = await checkGeneratedAsset(kind, providerId, result, expected, signal()).then(() => null, (x: unknown) => x);
  expect(ProviderError.isInstance(e), `expected a refusal, got ${String(e)}`).toBe(true);
  expect((e as ProviderError).code).toBe("malformed_response");
  return (e as ProviderError).message;
}

describe("asset checks on real answers", () => {
  it("a voiceover: speech passes; silence, noise and a wrong declared rate are refused, saying why", async () => {
    const tts = (fault?: "silent_audio" | "noise_audio" | "wrong_rate_audio") => {
      fake.setFault("voiceover", fault ? { type: fault } : null);
      return runAgainstFake(googleTtsProvider, { text, language: "en" }, fake.baseUrl, undefined, KEY);
    };
    await expect(checkGeneratedAsset("voiceover", "google-tts", await tts(), { text, language: "en" }, signal())).resolves.toBeUndefined();
    expect(await refusal("voiceover", "google-tts", await tts("silent_audio"), { text })).toMatch(/no voiced span/);
    expect(await refusal("voiceover", "google-tts", await tts("noise_audio"), { text })).toMatch(/noise, not speech/);
    expect(await refusal("voiceover", "google-tts", await tts("wrong_rate_audio"), { text })).toMatch(/sample rate 8000 Hz/);
  });

  it("the offline voice in Arabic passes (espeak-ng speech, not flite's silence)", async () => {
    const ar = "ضوء دافئ لا يبهر العين. يشحن في ساعة ويدوم أسبوعا كاملا";
    const ctx = localContext({ signal: signal(), outputDir: await tempDir(), options: localVoiceProvider.optionsSchema.parse(undefined) });
    const r = await localVoiceProvider.doSynthesize({ text: ar, voice: "espeak-f", language: "ar" }, ctx);
    await expect(checkGeneratedAsset("voiceover", "local-voice", r, { text: ar, language: "ar" }, signal())).resolves.toBeUndefined();
  });

  it("an image: a real one passes; a tiny or truncated one is refused", async () => {
    const img = (fault?: "tiny_image" | "corrupt_image") => {
      fake.setFault("image", fault ? { type: fault } : null);
      return runAgainstFake(googleImageProvider, { prompt: "boots on a trail", aspectRatio: "9:16" }, fake.baseUrl, undefined, KEY);
    };
    await expect(checkGeneratedAsset("image", "google-image", await img(), {}, signal())).resolves.toBeUndefined();
    expect(await refusal("image", "google-image", await img("tiny_image"))).toMatch(/64x64 is too small to frame/);
    expect(await refusal("image", "google-image", await img("corrupt_image"))).toMatch(/corrupt or truncated|could not open/);
  });

  it("a video clip: 8 s passes; a 1 s clip for 8 s asked is refused", async () => {
    const clip = (fault?: "short_video") => {
      fake.setFault("video", fault ? { type: fault } : null);
      return runAgainstFake(googleVeoProvider, { prompt: "boots", durationSec: 8, aspectRatio: "9:16" }, fake.baseUrl, { firstPollDelayMs: 50, pollIntervalMs: 50 }, KEY);
    };
    await expect(checkGeneratedAsset("video", "google-veo", await clip(), { durationSec: 8 }, signal())).resolves.toBeUndefined();
    expect(await refusal("video", "google-veo", await clip("short_video"), { durationSec: 8 })).toMatch(/far shorter than the 8 s asked/);
  });
});

describe("in a render", () => {
  it("a TTS answer of pure silence falls back to the offline voice, with the reason recorded", async () => {
    fake.setFault("voiceover", { type: "silent_audio" });
    const db = testDb();
    const c = await createCampaign(db, { name: "Silent TTS", product: "Trailblazer boots", audience: "hikers", message: "Waterproof all day.", targetSeconds: 6, musicMood: "none", voice: "Kore" });
    const r = await queueRender(db, { campaignId: c.id, preset: "preview" });
    const done = await withWorker(() =>
      waitFor(async () => {
        const x = await db.render.findUniqueOrThrow({ where: { id: r.id }, include: { assets: true } });
        return ["succeeded", "failed"].includes(x.status) ? x : null;
      }, 150_000, "render"),
    );
    expect(done.status).toBe("succeeded");
    const voices = done.assets.filter((a) => a.kind === "voiceover");
    expect(voices.length).toBeGreaterThan(0);
    expect(fake.callsOf("voiceover").length).toBeGreaterThanOrEqual(voices.length);
    for (const v of voices) {
      expect(v.providerId).toBe("local-voice");
      expect(v.fallbackReason).toMatch(/^google-tts: malformed_response \(google-tts: unusable voiceover: no voiced span/);
      const attempts = v.attempts as { providerId: string; outcome: string; code?: string; message?: string }[];
      expect(attempts).toContainEqual(expect.objectContaining({ providerId: "google-tts", outcome: "failed", code: "malformed_response", message: expect.stringMatching(/no voiced span/) }));
    }
  }, 180_000);
});
