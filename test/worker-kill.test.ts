/**
 * A worker host killed mid-render (SIGKILL: no goodbye, jobs left locked) is noticed by another
 * host when its heartbeats stop; its jobs are released and the render finishes there, once.
 * Bound: the render must finish within 120 s of the kill (offline after 6 s here, sweep every 5 s,
 * then the assembly runs again from the start).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender } from "~/server/services/renders";
import { storage } from "~/server/storage";
import { spawnWorker, stopChild } from "./helpers/child-worker";
import { testDb, waitFor } from "./helpers/db";
import { withWorker } from "./helpers/worker";

afterAll(() => testDb().$disconnect());

describe("a killed worker", () => {
  it("its render finishes on another host with exactly one output", { timeout: 300_000 }, async () => {
    const db = testDb();
    const child = spawnWorker({ WORKER_CONCURRENCY: "4" });
    try {
      const host = await waitFor(() => db.workerHost.findFirst({ where: { pid: child.pid, stoppedAt: null } }), 60_000, "the child worker to register");
      const c = await createCampaign(db, { name: "Killed mid-render", product: "Boots", audience: "Hikers", message: "Waterproof all day. Light as a sneaker. Grip on wet rock.", targetSeconds: 12, fps: 30, musicMood: "calm" });
      const r = await queueRender(db, { campaignId: c.id, preset: "final" });
      await waitFor(async () => {
        const x = await db.render.findUniqueOrThrow({ where: { id: r.id } });
        return x.stage === "assemble" && x.assembleStartedAt ? x : null;
      }, 120_000, "the assembly to start on the child");
      child.kill("SIGKILL");
      const killedAt = Date.now();
      await new Promise((res) => child.once("exit", res));

      const done = await withWorker(() =>
        waitFor(async () => {
          const x = await db.render.findUniqueOrThrow({ where: { id: r.id } });
          return x.status === "succeeded" || x.status === "failed" ? x : null;
        }, 120_000, "the render to finish on the surviving host").catch(async (e) => {
          const hosts = await db.workerHost.findMany();
          const jobs = await db.$queryRawUnsafe(`select id, task_identifier, locked_by, locked_at, attempts, max_attempts, run_at, last_error from graphile_worker.jobs`);
          const x = await db.render.findUniqueOrThrow({ where: { id: r.id } });
          throw new Error(`${(e as Error).message}\nrender ${x.status}/${x.stage}\nhosts ${JSON.stringify(hosts)}\njobs ${JSON.stringify(jobs, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`);
        }),
      );
      expect(done.status).toBe("succeeded");
      expect(Date.now() - killedAt).toBeLessThan(120_000);
      const dead = await db.workerHost.findUniqueOrThrow({ where: { id: host.id } });
      expect(dead.stoppedAt).not.toBeNull();
      // Exactly one output: one file in the render's folder, the one the row points at.
      const dir = path.dirname(await (await storage()).localPath(done.outputFile!));
      expect(fs.readdirSync(dir).filter((f) => f !== "assets")).toEqual(["output.mp4"]);
    } finally {
      await stopChild(child, "SIGKILL");
    }
  });
});
