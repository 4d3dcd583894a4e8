import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MusicInput } from "../spec";
import { describeProviderContract } from "../spec/contract-kit";
import { type FakeGemini, startFakeGemini } from "../google/fake-server";
import { ffprobe, googleContext, providerErrorOf, runAgainstFake } from "../testing";
import { googleLyriaProvider } from ".";

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini({ latencyMs: { music: 80 } });
});
afterAll(() => fake.close());
beforeEach(() => fake.clearFaults());

const sample: MusicInput = { mood: "upbeat", durationSec: 30 };

describeProviderContract("google-lyria", () => googleLyriaProvider, (init) => googleContext(fake.baseUrl, init), sample, { abortMustReject: true });

describe("google-lyria against the fake API (real SDK interactions client)", () => {
  it("writes the clip: a 30 s stereo 44.1 kHz MP3", async () => {
    const result = await runAgainstFake(googleLyriaProvider, sample, fake.baseUrl);
    const probe = await ffprobe(result.file);
    expect(probe.streams[0]).toMatchObject({ codec_name: "mp3", sample_rate: "44100", channels: 2 });
    expect(result.durationSec).toBeCloseTo(30, 0);
  });

  it("the interactions client makes exactly one call on a 429 (its retries are off)", async () => {
    fake.resetCalls();
    fake.setFault("music", { type: "quota_minute", retryDelaySec: 1 });
    expect(await providerErrorOf(runAgainstFake(googleLyriaProvider, sample, fake.baseUrl))).toMatchObject({ code: "quota", quotaScope: "minute", retryAfterMs: 1000 });
    expect(fake.callsOf("music")).toHaveLength(1);
  });

  it("longer than a clip: a warning, not an error", async () => {
    const result = await runAgainstFake(googleLyriaProvider, { mood: "calm", durationSec: 45 }, fake.baseUrl);
    expect(result.warnings).toEqual([expect.objectContaining({ setting: "durationSec" })]);
  });

  it("mood none: a silent track, no API call, no cost", async () => {
    fake.resetCalls();
    const result = await runAgainstFake(googleLyriaProvider, { mood: "none", durationSec: 5 }, fake.baseUrl);
    expect(result.costUsd).toBe(0);
    expect(fake.calls).toHaveLength(0);
  });

  it("0-byte audio -> malformed_response; a filtered prompt -> content_filtered", async () => {
    fake.setFault("music", { type: "empty_audio" });
    expect((await providerErrorOf(runAgainstFake(googleLyriaProvider, sample, fake.baseUrl))).code).toBe("malformed_response");
    fake.setFault("music", { type: "filtered" });
    expect((await providerErrorOf(runAgainstFake(googleLyriaProvider, sample, fake.baseUrl))).code).toBe("content_filtered");
  });
});
