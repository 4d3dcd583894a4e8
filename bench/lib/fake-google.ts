/**
 * The fake Gemini API set up as the provider benches use it (bench:providers, bench:batch): per-call latencies
 * close to Google's (script 2 s, voiceover 3 s, music 5 s, image 3 s, each Veo clip 8 s of generation), a script of
 * `scenes` scenes, Veo polled when its clip should be ready and then every second (the plugin's defaults, 20 s / 10
 * s, are for real clips), and the environment pointing Reelfarm at it. Call before the first server import: the
 * environment is read once per process (src/env.ts).
 */
import { type CallKind, type FakeGemini, startFakeGemini } from "~/plugins/google/fake-server";

export const BENCH_LATENCY_MS = { script: 2000, voiceover: 3000, music: 5000, image: 3000, video: 8000 } satisfies Partial<Record<CallKind, number>>;
const API_KEY = "bench-gemini-key-0001";

/** Starts the fake API and sets DATA_DIR, EMBEDDED_PG_PORT (unless set), LOG_LEVEL, the key, the URL and options. */
export async function benchGemini(opts: { dataDir: string; pgPort: string; scenes: number; concurrency: number }): Promise<FakeGemini> {
  const fake = await startFakeGemini({ apiKey: API_KEY, latencyMs: BENCH_LATENCY_MS, faults: { script: { type: "scene_count", count: opts.scenes } } });
  Object.assign(process.env, {
    DATA_DIR: opts.dataDir,
    EMBEDDED_PG_PORT: process.env.EMBEDDED_PG_PORT ?? opts.pgPort,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
    GEMINI_API_KEY: API_KEY,
    GEMINI_BASE_URL: fake.baseUrl,
    PROVIDER_OPTIONS: JSON.stringify({ "google-veo": { firstPollDelayMs: BENCH_LATENCY_MS.video, pollIntervalMs: 1000 } }),
    WORKER_CONCURRENCY: String(opts.concurrency),
  });
  delete process.env.DATABASE_URL;
  return fake;
}
