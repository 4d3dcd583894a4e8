import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ImageInput } from "../spec";
import { describeProviderContract } from "../spec/contract-kit";
import { type FakeGemini, startFakeGemini } from "../google/fake-server";
import { FFMPEG, ffprobe, googleContext, providerErrorOf, runAgainstFake } from "../testing";
import { googleImageProvider } from ".";

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini({ latencyMs: { image: 80 } });
});
afterAll(() => fake.close());
beforeEach(() => fake.clearFaults());

const sample: ImageInput = { prompt: "Stride running shoes on a wet track at dawn", brandColor: "#e63946" };

describeProviderContract("google-image", () => googleImageProvider, (init) => googleContext(fake.baseUrl, init), sample, { abortMustReject: true });

describe("google-image against the fake API (real SDK)", () => {
  it("asks for IMAGE at 9:16 and writes a decodable 9:16 PNG", async () => {
    const result = await runAgainstFake(googleImageProvider, sample, fake.baseUrl);
    expect(result.mimeType).toBe("image/png");
    const stream = (await ffprobe(result.file)).streams[0]!;
    expect(stream.codec_name).toBe("png");
    expect(stream.width! / stream.height!).toBeCloseTo(9 / 16, 1);
  });

  it("sends the uploaded reference image inline", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-"));
    const ref = join(dir, "ref.png");
    execFileSync(FFMPEG, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=64x64", "-frames:v", "1", ref]);
    fake.resetCalls();
    const result = await runAgainstFake(googleImageProvider, { ...sample, referenceImage: { file: ref, mimeType: "image/png" } }, fake.baseUrl);
    expect(fake.callsOf("image")[0]?.body).toMatchObject({
      contents: [{ parts: [{ text: expect.stringContaining("#e63946") }, { inlineData: { mimeType: "image/png" } }] }],
      generationConfig: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio: "9:16" } },
    });
    expect(result.file).toMatch(/google-image\.png$/);
  });

  it("a safety block -> content_filtered", async () => {
    fake.setFault("image", { type: "filtered" });
    expect(await providerErrorOf(runAgainstFake(googleImageProvider, sample, fake.baseUrl))).toMatchObject({ code: "content_filtered" });
  });
});
