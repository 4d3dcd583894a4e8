/**
 * PostgreSQL restarted under a running worker (the soak's database fault, short): a real embedded
 * PostgreSQL of this file's own is stopped (fast shutdown: every connection terminated) while the
 * worker process is generating assets, and started again. The worker process must still be running
 * and heartbeating afterwards, and every render must finish (no render left "running", no job left
 * locked). Before the fix, graphile-worker's completion of a job on a dropped connection was an
 * unhandled rejection that ended the worker process, and the renders stayed "running".
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "~/server/db";
import { ensureEmbeddedPostgres, type EmbeddedHandle } from "~/server/db/embedded";
import { applyMigrations } from "~/server/db/migrate";
import { closeQueue } from "~/server/jobs";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender } from "~/server/services/renders";
import { spawnWorker, stopChild } from "../helpers/child-worker";
import { waitFor } from "../helpers/db";

const root = path.join(process.env.DATA_DIR!, `db-restart-${process.pid}`);
let pg: EmbeddedHandle | undefined;
let db: Db | undefined;
let worker: ReturnType<typeof spawnWorker> | undefined;
const suiteDatabaseUrl = process.env.DATABASE_URL;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

afterAll(async () => {
  if (worker) await stopChild(worker);
  await db?.$disconnect();
  await closeQueue();
  process.env.DATABASE_URL = suiteDatabaseUrl;
  await pg?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe("a PostgreSQL restart under a running worker", () => {
  it("leaves the worker process running, and every render finishes", async () => {
    const port = await freePort();
    const start = () => ensureEmbeddedPostgres({ dataDir: path.join(root, "pg"), port, database: "reelfarm" });
    pg = await start();
    expect(pg.owner).toBe(true);
    await applyMigrations(pg.url);
    db = createDb(pg.url);
    // This file's queue (enqueue reads DATABASE_URL when it first connects).
    await closeQueue();
    process.env.DATABASE_URL = pg.url;
    const storageDir = path.join(root, "storage");
    fs.mkdirSync(storageDir, { recursive: true });
    worker = spawnWorker({ DATABASE_URL: pg.url, STORAGE_DIR: storageDir, GEMINI_API_KEY: "", WORKER_OFFLINE_AFTER_SECONDS: "6", LOG_LEVEL: "info" });
    const w = worker;
    await waitFor(async () => (w.exitCode !== null ? Promise.reject(new Error(`worker exited:\n${w.output()}`)) : db!.workerHost.findFirst({ where: { pid: w.pid, stoppedAt: null } })), 120_000, "the worker to start");

    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await createCampaign(db, { name: `Restart ${i}`, product: "Trail boots", audience: "Hikers", message: "Waterproof. Light.", targetSeconds: 6, musicMood: "none" });
      ids.push((await queueRender(db, { campaignId: c.id, preset: "preview" })).id);
    }
    await closeQueue();
    // Stop the database while assets are being made and jobs complete (fast shutdown: connections terminated).
    await waitFor(async () => (await db!.renderAsset.count({ where: { renderId: { in: ids }, status: { in: ["running", "succeeded"] }, kind: { not: "script" } } })) > 0, 120_000, "assets to be made");
    await db.$disconnect();
    await pg.stop();
    await new Promise((r) => setTimeout(r, 2_000));
    pg = await start();
    expect(pg.owner).toBe(true);
    const restartedAt = Date.now();

    const settled = await waitFor(
      async () => {
        if (w.exitCode !== null || w.signalCode !== null) throw new Error(`the worker process ended (${w.exitCode ?? w.signalCode}):\n${w.output().slice(-4000)}`);
        const rows = await db!.render.findMany({ where: { id: { in: ids } } });
        return rows.every((r) => ["succeeded", "failed", "cancelled"].includes(r.status)) ? rows : null;
      },
      240_000,
      "every render to finish after the restart",
    ).catch(async (e: Error) => {
      const rows = await db!.render.findMany({ where: { id: { in: ids } }, include: { assets: true } });
      const jobs = await db!.$queryRawUnsafe(`select t.identifier, j.attempts, j.max_attempts, j.locked_by, j.run_at, j.last_error from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id`);
      throw new Error(`${e.message}\nrenders: ${JSON.stringify(rows.map((r) => [r.status, r.stage, r.assets.map((a) => `${a.kind}${a.sceneIndex}:${a.status}`)]))}\njobs: ${JSON.stringify(jobs)}\n${w.output().slice(-3000)}`);
    });
    console.log(`[db-restart] 3 renders settled ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart: ${settled.map((r) => r.status).join(", ")}`);
    expect(settled.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(await db.renderAsset.count({ where: { renderId: { in: ids }, status: { in: ["pending", "running"] } } })).toBe(0);

    // Still the same process, heartbeating on the database's clock, with no job of these renders left.
    expect(w.exitCode).toBeNull();
    expect(w.signalCode).toBeNull();
    await waitFor(
      async () => (await db!.$queryRaw<{ n: number }[]>`select count(*)::int as n from "WorkerHost" where pid = ${w.pid} and "stoppedAt" is null and "lastHeartbeatAt" > now() - interval '6 seconds'`)[0]!.n === 1,
      15_000,
      "a fresh heartbeat of the same worker process",
    );
    // Jobs whose completion the restart lost are given back by a heartbeat and then run once more as no-ops (their
    // asset or render is already done): wait for them, and name any that stay.
    const left = () =>
      db!.$queryRaw<{ identifier: string; attempts: number; locked_by: string | null; run_at: Date }[]>`select t.identifier, j.attempts, j.locked_by, j.run_at from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier not like 'maintenance:%'`;
    await waitFor(async () => (await left()).length === 0, 60_000, "no job of these renders left").catch(async (e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(await left())}`);
    });
  }, 420_000);
});
