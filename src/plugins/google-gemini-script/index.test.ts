import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ScriptInput } from "../spec";
import { describeProviderContract } from "../spec/contract-kit";
import { type FakeGemini, startFakeGemini } from "../google/fake-server";
import { googleContext, providerErrorOf, runAgainstFake, tempDir } from "../testing";
import { headlineWords } from "../shared/headline";
import { geminiScriptProvider } from ".";

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini({ latencyMs: { script: 80 } });
});
afterAll(() => fake.close());
beforeEach(() => fake.clearFaults());

const sample: ScriptInput = {
  campaign: { product: "Stride running shoes", audience: "weekend runners", message: "Lighter shoes for faster miles.", tone: "bold" },
  targetDurationSec: 25,
};

describeProviderContract("google-gemini-script", () => geminiScriptProvider, (init) => googleContext(fake.baseUrl, init), sample, { abortMustReject: true });

const run = (options?: unknown) => runAgainstFake(geminiScriptProvider, sample, fake.baseUrl, options);

describe("google-gemini-script against the fake API (real SDK)", () => {
  it("sends the prompt with a JSON response schema and the key header; returns a validated script", async () => {
    fake.resetCalls();
    const result = await run();
    const call = fake.callsOf("script")[0];
    expect(call).toMatchObject({ apiVersion: "v1beta", model: "gemini-2.5-flash", status: 200 });
    expect(call?.body).toMatchObject({
      contents: [{ role: "user", parts: [{ text: expect.stringContaining("Product: Stride running shoes") }] }],
      generationConfig: { responseMimeType: "application/json", responseSchema: { type: "OBJECT", required: expect.arrayContaining(["scenes"]) } },
    });
    if (!("script" in result)) throw new Error("no script");
    const script = (result as { script: { scenes: unknown[]; title: string } }).script;
    expect(script.scenes.length).toBeGreaterThanOrEqual(3);
    expect(script.title).toMatch(/Stride running shoes/);
    expect(result.costUsd).toBeGreaterThan(0);
  });

  it("an answer without a must-say line or the CTA is asked again once, naming what was wrong; still wrong -> warnings", async () => {
    fake.resetCalls();
    const input: ScriptInput = { ...sample, campaign: { ...sample.campaign, mustSay: ["Free returns for 60 days"], callToAction: "Find your pair at stride.example" } };
    const result = await runAgainstFake(geminiScriptProvider, input, fake.baseUrl);
    const calls = fake.callsOf("script");
    expect(calls).toHaveLength(2);
    const prompt = (i: number) => JSON.stringify(calls[i]?.body);
    expect(prompt(0)).toContain("Free returns for 60 days");
    expect(prompt(1)).toContain("does not say");
    expect(result.warnings.map((w) => ("message" in w ? w.message : ""))).toEqual(expect.arrayContaining([expect.stringContaining("Free returns for 60 days")]));
    expect(result.costUsd).toBeGreaterThan(0);
  });

  it("asks for on-screen headlines of at most 6 words and shortens longer ones at phrase boundaries, never with an ellipsis", async () => {
    fake.resetCalls();
    // The fake writes "<product> #n" as each scene's onScreenText: 10 words here.
    const input: ScriptInput = { ...sample, campaign: { ...sample.campaign, product: "The Nucleo-F4 Discovery Kit for embedded engineering students and their teachers" } };
    const result = await runAgainstFake(geminiScriptProvider, input, fake.baseUrl);
    expect(JSON.stringify(fake.callsOf("script")[0]?.body)).toContain("onScreenText is a headline of at most 6 words");
    const script = (result as unknown as { script: { scenes: { onScreenText: string }[] } }).script;
    for (const s of script.scenes) {
      expect(headlineWords(s.onScreenText)).toBeLessThanOrEqual(6);
      expect(s.onScreenText).not.toContain("…");
      expect(s.onScreenText).toBe("Nucleo-F4 Discovery Kit");
    }
    expect(result.warnings.some((w) => "message" in w && /shortened to "Nucleo-F4 Discovery Kit"/.test(w.message))).toBe(true);
  });

  it("model is configurable through options", async () => {
    fake.resetCalls();
    await run({ model: "gemini-2.5-pro" });
    expect(fake.callsOf("script")[0]?.model).toBe("gemini-2.5-pro");
  });

  it("malformed JSON -> malformed_response (not retryable)", async () => {
    fake.setFault("script", { type: "malformed_json" });
    expect(await providerErrorOf(run())).toMatchObject({ code: "malformed_response", retryable: false, providerId: "google-gemini-script" });
  });

  it.each([0, 200])("a script with %i scenes -> malformed_response naming scenes", async (count) => {
    fake.setFault("script", { type: "scene_count", count });
    const error = await providerErrorOf(run());
    expect(error.code).toBe("malformed_response");
    expect(error.message).toMatch(/scenes/);
  });

  it("a safety block (HTTP 200 with promptFeedback) -> content_filtered", async () => {
    fake.setFault("script", { type: "filtered" });
    expect(await providerErrorOf(run())).toMatchObject({ code: "content_filtered", contentFiltered: true, retryable: false });
  });

  it("a slow answer past timeoutMs -> timeout (retryable)", async () => {
    fake.setLatency("script", 1500);
    try {
      expect(await providerErrorOf(run({ timeoutMs: 200 }))).toMatchObject({ code: "timeout", retryable: true });
    } finally {
      fake.setLatency("script", 80);
    }
  });

  it("no API key -> auth, without any request", async () => {
    fake.resetCalls();
    const outputDir = await tempDir();
    const ctx = { ...googleContext(fake.baseUrl, { signal: new AbortController().signal, outputDir, options: geminiScriptProvider.optionsSchema.parse(undefined) }), secrets: {} };
    expect(await providerErrorOf(geminiScriptProvider.doGenerateScript(sample, ctx))).toMatchObject({ code: "auth" });
    expect(fake.calls).toHaveLength(0);
  });

  it("doCheckCredentials: passes with a good key, auth error with a bad one", async () => {
    const outputDir = await tempDir();
    const ctx = googleContext(fake.baseUrl, { signal: new AbortController().signal, outputDir, options: geminiScriptProvider.optionsSchema.parse(undefined) });
    await expect(geminiScriptProvider.doCheckCredentials!(ctx)).resolves.toBeUndefined();
    fake.setFault("models", { type: "bad_key" });
    expect(await providerErrorOf(geminiScriptProvider.doCheckCredentials!(ctx))).toMatchObject({ code: "auth", status: 400 });
  });
});
