/**
 * Every Google plugin, through the real SDK (or our fetch for Veo's start),
 * against the fake answering each HTTP error class: the same ProviderError
 * fields come out whichever client path made the call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Provider } from "../spec";
import { geminiScriptProvider } from "../google-gemini-script";
import { googleImageProvider } from "../google-image";
import { googleLyriaProvider } from "../google-lyria";
import { googleTtsProvider } from "../google-tts";
import { googleVeoProvider } from "../google-veo";
import { providerErrorOf, runAgainstFake } from "../testing";
import { type CallKind, type FakeGemini, type Fault, startFakeGemini } from "./fake-server";
import { nextMidnightPacific } from "./pacific-time";

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini({ latencyMs: { video: 50 } });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.clearFaults();
  fake.resetCalls();
});

const veoFast = { firstPollDelayMs: 0, pollIntervalMs: 20 };
const CASES: { name: string; provider: Provider; kind: CallKind; input: unknown; options?: unknown }[] = [
  { name: "script", provider: geminiScriptProvider, kind: "script", input: { campaign: { product: "Stride", audience: "runners", message: "Run faster." } } },
  { name: "image", provider: googleImageProvider, kind: "image", input: { prompt: "shoes" } },
  { name: "voiceover", provider: googleTtsProvider, kind: "voiceover", input: { text: "Run faster with Stride." } },
  { name: "music (interactions)", provider: googleLyriaProvider, kind: "music", input: { mood: "upbeat", durationSec: 30 } },
  { name: "video start (predictLongRunning, plain fetch)", provider: googleVeoProvider, kind: "video", input: { prompt: "shoes", durationSec: 4 }, options: veoFast },
  { name: "video poll (operations GET)", provider: googleVeoProvider, kind: "operation", input: { prompt: "shoes", durationSec: 4 }, options: veoFast },
  { name: "video download (files)", provider: googleVeoProvider, kind: "download", input: { prompt: "shoes", durationSec: 4 }, options: veoFast },
];

const EXPECTED: { fault: Fault; expect: Record<string, unknown> }[] = [
  { fault: { type: "quota_minute", retryDelaySec: 17 }, expect: { code: "quota", quotaScope: "minute", retryable: true, retryAfterMs: 17_000, status: 429 } },
  { fault: { type: "unavailable" }, expect: { code: "unavailable", retryable: true, status: 503 } },
  { fault: { type: "internal" }, expect: { code: "unavailable", retryable: true, status: 500 } },
  { fault: { type: "bad_key" }, expect: { code: "auth", retryable: false, status: 400 } },
  { fault: { type: "permission_denied" }, expect: { code: "auth", retryable: false, status: 403 } },
  { fault: { type: "invalid_argument" }, expect: { code: "invalid_request", retryable: false, status: 400 } },
];

describe.each(CASES)("$name", ({ provider, kind, input, options }) => {
  const run = () => runAgainstFake(provider, input, fake.baseUrl, options);

  it.each(EXPECTED)("$fault.type -> $expect.code", async ({ fault, expect: fields }) => {
    fake.setFault(kind, fault);
    const error = await providerErrorOf(run());
    expect(error).toMatchObject({ ...fields, providerId: provider.id, contentFiltered: false });
    // One call per attempt: the SDK's own retries are off, we own retries.
    expect(fake.callsOf(kind)).toHaveLength(1);
  });

  it("quota_day -> quota/day, not retryable, resetAt = next midnight Pacific, no retryAfter", async () => {
    fake.setFault(kind, { type: "quota_day" });
    const before = nextMidnightPacific(new Date()).getTime();
    const error = await providerErrorOf(run());
    const after = nextMidnightPacific(new Date()).getTime();
    expect(error).toMatchObject({ code: "quota", quotaScope: "day", retryable: false, status: 429 });
    expect(error.retryAfterMs).toBeUndefined();
    expect([before, after]).toContain(error.resetAt?.getTime());
  });

  it("a fault limited to one call clears: the next attempt succeeds", async () => {
    fake.setFault(kind, { fault: { type: "unavailable" }, times: 1 });
    await providerErrorOf(run());
    const result = await run();
    expect(result.file).toBeTruthy();
  });
});

describe("API key checks", () => {
  it("a key the server does not know -> auth (400 API_KEY_INVALID)", async () => {
    const strict = await startFakeGemini({ apiKey: "the-right-key" });
    try {
      const error = await providerErrorOf(runAgainstFake(geminiScriptProvider, CASES[0]!.input, strict.baseUrl, undefined, "a-wrong-key"));
      expect(error).toMatchObject({ code: "auth", status: 400 });
      const ok = await runAgainstFake(geminiScriptProvider, CASES[0]!.input, strict.baseUrl, undefined, "the-right-key");
      expect(ok.file).toBeTruthy();
    } finally {
      await strict.close();
    }
  });

  it("a server that is down -> unavailable (retryable)", async () => {
    const gone = await startFakeGemini();
    const url = gone.baseUrl;
    await gone.close();
    expect(await providerErrorOf(runAgainstFake(googleTtsProvider, CASES[2]!.input, url))).toMatchObject({ code: "unavailable", retryable: true });
  });
});
