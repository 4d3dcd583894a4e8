/**
 * The short fault soak (scripts/soak.ts; `npm run soak` is the long one, 50 renders with a
 * database restart): 6 renders on two worker processes with provider 5xx and hung Veo operations,
 * one ffmpeg killed and one worker SIGKILLed. Every render settles, succeeded or failed with a
 * short error; none is rendered twice; one output per success; no worker process ends by itself;
 * no temp file is left (the SIGKILLed worker's folder is swept by its replacement at start).
 */
import { afterAll, describe, expect, it } from "vitest";
import { startFakeGemini, type FakeGemini } from "~/plugins/google/fake-server";
import { soak } from "../scripts/soak";

let fake: FakeGemini | undefined;
afterAll(async () => {
  await fake?.close();
});

describe("fault soak (short)", () => {
  it("6 renders survive provider faults, a killed ffmpeg and a SIGKILLed worker", async () => {
    fake = await startFakeGemini({ apiKey: "soak-gemini-key-0001", latencyMs: { script: 200, voiceover: 300, image: 300, video: 1500 } });
    const r = await soak({ renders: 6, databaseUrl: process.env.TEST_DATABASE_URL!, storageDir: process.env.STORAGE_DIR!, fake, deadlineMs: 420_000, log: (m) => console.log(`[soak] ${m}`) });
    console.log(`[soak] ${JSON.stringify({ ...r, tempLeft: r.tempLeft.slice(0, 10) })}`);
    expect(r.faults.workerKilled).toBe(true);
    expect(r.faults.providerFaults).toBeGreaterThan(0);
    expect(r.stuck).toBe(0);
    expect(r.succeeded + r.failed).toBe(6);
    expect(r.violations).toEqual([]);
    expect(r.tempLeftByKilled).toEqual([]);
    expect(r.workersDied).toEqual([]);
    // Faults cost retries and fallbacks, not renders: the fallbacks carry every asset.
    expect(r.succeeded).toBeGreaterThanOrEqual(5);
  }, 900_000);
});
