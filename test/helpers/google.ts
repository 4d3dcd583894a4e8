import { vi } from "vitest";
import { startFakeGemini, type FakeGemini, type FakeGeminiOptions } from "~/plugins/google/fake-server";

/** Fast provider options for tests: Veo polls every 100 ms instead of 10-20 s. */
export const FAST_PROVIDER_OPTIONS = { "google-veo": { firstPollDelayMs: 200, pollIntervalMs: 150, operationTimeoutMs: 5_000 } };

/** Starts the fake Gemini API and points this test process's Reelfarm at it (real SDK). */
export async function useFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const fake = await startFakeGemini({ apiKey: "test-gemini-key-123", ...options });
  vi.stubEnv("GEMINI_API_KEY", "test-gemini-key-123");
  vi.stubEnv("GEMINI_BASE_URL", fake.baseUrl);
  vi.stubEnv("PROVIDER_OPTIONS", JSON.stringify(FAST_PROVIDER_OPTIONS));
  return fake;
}
