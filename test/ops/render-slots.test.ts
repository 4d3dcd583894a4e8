/**
 * WORKER_RENDER_SLOTS is enforced: a host with 2 render slots (and 4 workers for everything else)
 * given 4 renders at once never runs more than 2 assemblies at the same time. Measured from the
 * queue every 50 ms: render:assemble jobs locked (running) and ready but waiting.
 */
import { describe, expect, it } from "vitest";
import { workerUtils } from "~/server/jobs";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender } from "~/server/services/renders";
import { testDb, waitFor } from "../helpers/db";
import { startWorker } from "../../worker/runner";

describe("render slots", () => {
  it("2 slots, 4 renders queued: never more than 2 assembling at once", async () => {
    const db = testDb();
    const c = await createCampaign(db, { name: "Slots", product: "Trailblazer boots", audience: "hikers", message: "Waterproof all day. Light as a sneaker.", targetSeconds: 6, musicMood: "calm" });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await queueRender(db, { campaignId: c.id, preset: "preview" })).id);
    const u = await workerUtils();
    const samples: { running: number; waiting: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const q = await u.withPgClient((cl) =>
          cl.query<{ running: number; waiting: number }>(
            `select count(*) filter (where j.locked_at is not null)::int as running,
                    count(*) filter (where j.locked_at is null and j.run_at <= now())::int as waiting
             from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
             where t.identifier = 'render:assemble' and j.payload->>'renderId' = any($1::text[])`,
            [ids],
          ),
        );
        samples.push(q.rows[0]!);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const w = await startWorker({ concurrency: 4, renderSlots: 2, handleSignals: false, log: () => {} });
    try {
      await waitFor(async () => (await db.render.count({ where: { id: { in: ids }, status: { in: ["succeeded", "failed", "cancelled"] } } })) === 4, 300_000, "the 4 renders");
    } finally {
      sampling = false;
      await sampler;
      await w.stop();
    }
    const renders = await db.render.findMany({ where: { id: { in: ids } } });
    expect(renders.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
    const maxRunning = Math.max(...samples.map((s) => s.running));
    const queuedBehind = samples.filter((s) => s.running === 2 && s.waiting > 0).length;
    console.log(`[render-slots] ${samples.length} samples: at most ${maxRunning} assembling at once; ${queuedBehind} samples with 2 running and more waiting`);
    expect(maxRunning).toBe(2);
    // The limit was exercised: assemblies were ready and waited while both slots were busy.
    expect(queuedBehind).toBeGreaterThan(0);
  }, 360_000);
});
