import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type VoiceoverInput, type VoiceoverResult } from "../spec";
import { describeProviderContract } from "../spec/contract-kit";
import { type FakeGemini, startFakeGemini } from "../google/fake-server";
import { ffprobe, googleContext, providerErrorOf, runAgainstFake } from "../testing";
import { googleTtsProvider } from ".";

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini({ latencyMs: { voiceover: 80 } });
});
afterAll(() => fake.close());
beforeEach(() => fake.clearFaults());

const sample: VoiceoverInput = { text: "Hey runners, meet Stride. Lighter shoes, faster miles! Try Stride today.", voice: "Puck" };

describeProviderContract("google-tts", () => googleTtsProvider, (init) => googleContext(fake.baseUrl, init), sample, { abortMustReject: true });

describe("google-tts against the fake API (real SDK)", () => {
  it("wraps L16 PCM in a 24 kHz mono WAV with the right duration and word timings", async () => {
    fake.resetCalls();
    const result = (await runAgainstFake(googleTtsProvider, sample, fake.baseUrl)) as VoiceoverResult;
    expect(fake.callsOf("voiceover")[0]?.body).toMatchObject({
      generationConfig: { responseModalities: ["AUDIO"], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: "Puck" } } } },
    });
    const probe = await ffprobe(result.file);
    expect(probe.streams[0]).toMatchObject({ codec_name: "pcm_s16le", sample_rate: "24000", channels: 1 });
    expect(Number(probe.format.duration)).toBeCloseTo(result.durationSec!, 2);
    expect(result.words).toHaveLength(sample.text.split(" ").length);
    expect(result.words![0]!.start).toBeGreaterThan(0.1); // the fake's 0.2 s of leading silence
  });

  it("a campaign voice Gemini lacks: warning and the default voice", async () => {
    const result = await runAgainstFake(googleTtsProvider, { ...sample, voice: "slt" }, fake.baseUrl);
    expect(result.warnings).toEqual([expect.objectContaining({ setting: "voice" })]);
  });

  it("0-byte audio -> malformed_response", async () => {
    fake.setFault("voiceover", { type: "empty_audio" });
    const error = await providerErrorOf(runAgainstFake(googleTtsProvider, sample, fake.baseUrl));
    expect(error).toMatchObject({ code: "malformed_response", retryable: false });
    expect(error.message).toMatch(/0 bytes/);
  });
});
