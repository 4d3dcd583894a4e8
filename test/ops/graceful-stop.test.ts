/**
 * A worker stopped gracefully (SIGTERM's path) while a provider call is in flight: the call it
 * interrupts says nothing about the provider, so the asset goes back to the queue (pending, a job
 * waiting) instead of failing or falling back, and another worker finishes the render with the
 * same provider. The case that fell back before: a voiceover whose Gemini TTS call had already
 * been retried twice after 503s, where the interruption counted as a third timeout.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type FakeGemini } from "~/plugins/google/fake-server";
import { workerUtils } from "~/server/jobs";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender } from "~/server/services/renders";
import { MAX_TRANSIENT_RETRIES } from "~/server/services/pipeline/retry-policy";
import { startWorker } from "../../worker/runner";
import { testDb, waitFor } from "../helpers/db";
import { useFakeGemini } from "../helpers/google";

let fake: FakeGemini | undefined;
afterAll(async () => {
  await fake?.close();
});

type Attempt = { providerId: string; outcome: string; code?: string; message?: string };

describe("a worker stopped while a provider call is in flight", () => {
  it("puts the interrupted asset back in the queue, and another worker finishes the render with the same provider", async () => {
    const db = testDb();
    fake = await useFakeGemini();
    // Gemini TTS answers 503 until a voiceover has been retried MAX_TRANSIENT_RETRIES times; then it hangs.
    fake.setFault("voiceover", { fault: { type: "unavailable" }, times: 100 });
    const c = await createCampaign(db, { name: "Stop test", product: "Trail boots", audience: "Hikers", message: "Waterproof. Light.", targetSeconds: 6, musicMood: "none" });
    const r = await queueRender(db, { campaignId: c.id, preset: "preview" });
    const a = await startWorker({ handleSignals: false, stopGraceMs: 500, log: () => {} });
    const voice = await waitFor(
      async () => db.renderAsset.findFirst({ where: { renderId: r.id, kind: "voiceover", retries: { gte: MAX_TRANSIENT_RETRIES } } }),
      120_000,
      "a voiceover retried after 503s",
    );
    fake.clearFaults();
    fake.setLatency("voiceover", 600_000);
    // Its next call (the backoff is 4-5 s) reaches the fake API and hangs there.
    await waitFor(
      async () => {
        const row = await db.renderAsset.findUniqueOrThrow({ where: { id: voice.id } });
        return row.status === "running" && (row.attempts as Attempt[]).length >= MAX_TRANSIENT_RETRIES;
      },
      60_000,
      "the voiceover's call after its retries",
    );
    await new Promise((res) => setTimeout(res, 1_500));
    await a.stop();

    // Back in the queue: pending, no provider given up on, a job waiting for it.
    const after = await db.renderAsset.findUniqueOrThrow({ where: { id: voice.id } });
    const attempts = after.attempts as Attempt[];
    console.log(`[graceful-stop] the voiceover after the stop: ${after.status}, attempts ${JSON.stringify(attempts.map((x) => `${x.providerId} ${x.outcome} ${x.code ?? ""}`))}`);
    expect(after.status).toBe("pending");
    expect(attempts.filter((x) => x.outcome === "failed" || x.outcome === "skipped")).toEqual([]);
    // Cut during the call: the cancelled call is recorded as a retry of the same provider. (Cut
    // just before it, while its concurrency slot or the breaker was asked, the job itself went back.)
    if (attempts.length > MAX_TRANSIENT_RETRIES) expect(attempts.at(-1)).toMatchObject({ providerId: "google-tts", outcome: "retry", code: "timeout" });
    const jobs = await (await workerUtils()).withPgClient((cl) => cl.query("select locked_by from graphile_worker._private_jobs where key = $1", [`asset:${voice.id}`]));
    expect(jobs.rows).toEqual([{ locked_by: null }]);

    // Another worker finishes the render, with Gemini TTS for every voiceover: nothing fell back.
    fake.setLatency("voiceover", 0);
    const b = await startWorker({ handleSignals: false, log: () => {} });
    try {
      const done = await waitFor(
        async () => {
          const row = await db.render.findUniqueOrThrow({ where: { id: r.id } });
          return row.status === "succeeded" || row.status === "failed" ? row : null;
        },
        240_000,
        "the other worker to finish the render",
      );
      expect(done.error).toBeNull();
      expect(done.status).toBe("succeeded");
    } finally {
      await b.stop();
    }
    const voices = await db.renderAsset.findMany({ where: { renderId: r.id, kind: "voiceover" } });
    expect(voices.map((v) => [v.status, v.providerId, v.fallbackReason])).toEqual(voices.map(() => ["succeeded", "google-tts", null]));
  }, 420_000);
});
