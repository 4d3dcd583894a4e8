/**
 * Exact length with the Google chain: Gemini script + Gemini TTS through the real SDK against
 * the fake Gemini API, whose scripts ignore the word budget and leave out the brief's lines, and
 * whose clip lengths vary with the words (makeSpeechPcm).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeGemini } from "~/plugins/google/fake-server";
import { testDb } from "../helpers/db";
import { useFakeGemini } from "../helpers/google";
import { withWorker } from "../helpers/worker";
import { expectCoverage, renderAndMeasure, TARGETS } from "./fixture";

let fake: FakeGemini;
beforeAll(async () => {
  fake = await useFakeGemini({ latencyMs: { script: 50, voiceover: 100, image: 50, video: 100 } });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
  await testDb().$disconnect();
});

describe("exact length, Gemini script + Gemini TTS (fake API)", () => {
  it.each(TARGETS)("a %i s target: ffprobe duration <= target and >= target - 0.5 s; every required line said and shown", async (target) => {
    const m = await withWorker(() => renderAndMeasure(target, "Kore"), 6);
    expect(m.render.assets.find((a) => a.kind === "script")!.providerId).toBe("google-gemini-script");
    expect(m.render.assets.filter((a) => a.kind === "voiceover").every((a) => a.providerId === "google-tts")).toBe(true);
    expect(m.durationSec).toBeLessThanOrEqual(target);
    expect(m.durationSec).toBeGreaterThanOrEqual(target - 0.5);
    expectCoverage(m);
  }, 300_000);
});
