/**
 * A worker host killed with SIGKILL mid-render: it stops heartbeating, another host's sweep marks
 * it offline and releases the jobs it had locked, and the other host finishes the render — with
 * exactly one output. Bound: done within KILL_TO_DONE_MS of the kill (offline after 6 s + up to
 * a minute until the next cron run of the offline sweep + the assembly run again).
 */
import { type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender } from "~/server/services/renders";
import { storage } from "~/server/storage";
import { testDb, waitFor } from "../helpers/db";
import { spawnWorker } from "../helpers/child-worker";
import { describeVideo } from "../helpers/media";

const KILL_TO_DONE_MS = 120_000;
const children: ChildProcess[] = [];

/** A worker host as its own OS process, local providers only. */
function spawnNamedWorker(name: string) {
  const child = Object.assign(spawnWorker({ WORKER_OFFLINE_AFTER_SECONDS: "6", GEMINI_API_KEY: "" }), { name });
  children.push(child);
  return child;
}

const hostOf = (pid: number) => testDb().workerHost.findFirst({ where: { pid }, orderBy: { startedAt: "desc" } });

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      await new Promise<void>((r) => {
        c.once("exit", () => r());
        c.kill("SIGTERM");
        setTimeout(() => c.kill("SIGKILL"), 25_000).unref();
      });
    }
  }
});

describe("a worker host killed mid-render", () => {
  it("is marked offline, its jobs are released, and another host finishes the render once", async () => {
    const db = testDb();
    const c = await createCampaign(db, { name: "Kill test", product: "Trailblazer boots", audience: "hikers", message: "Waterproof all day. Light as a sneaker. Grip on wet rock.", targetSeconds: 12, musicMood: "calm" });
    const r = await queueRender(db, { campaignId: c.id, preset: "final" });

    const a = spawnNamedWorker("A");
    // Kill A once the assembly (ffmpeg) is under way on it: the only host running.
    await waitFor(
      async () => {
        const row = await db.render.findUniqueOrThrow({ where: { id: r.id } });
        if (row.status !== "queued" && row.status !== "running") throw new Error(`render ended early: ${row.status} ${row.error}\n${a.output()}`);
        return row.stage === "assemble" && row.progress > 52;
      },
      150_000,
      "the assembly to run on worker A",
    );
    const hostA = await hostOf(a.pid!);
    expect(hostA?.stoppedAt).toBeNull();
    a.kill("SIGKILL");
    const killedAt = Date.now();
    await new Promise((res) => a.once("exit", res));

    const b = spawnNamedWorker("B");
    const done = await waitFor(
      async () => {
        const row = await db.render.findUniqueOrThrow({ where: { id: r.id } });
        return row.status === "succeeded" || row.status === "failed" ? row : null;
      },
      KILL_TO_DONE_MS + 30_000,
      "worker B to finish the render",
    ).catch(async (e: Error) => {
      const hosts = await db.workerHost.findMany({ where: { pid: { in: [a.pid!, b.pid!] } } });
      const jobs = await db.$queryRawUnsafe(`select task_identifier, attempts, max_attempts, locked_by, locked_at, run_at, last_error from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where payload->>'renderId' = $1`, r.id);
      const row = await db.render.findUnique({ where: { id: r.id } });
      throw new Error(`${e.message}\nrender: ${JSON.stringify(row)}\nhosts: ${JSON.stringify(hosts)}\njobs: ${JSON.stringify(jobs)}\nA: ${a.output()}\nB: ${b.output()}`);
    });
    const tookMs = Date.now() - killedAt;
    console.log(`[worker-kill] killed A at the assembly; B finished the render ${(tookMs / 1000).toFixed(1)} s later`);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(tookMs).toBeLessThan(KILL_TO_DONE_MS);

    // A was marked offline by B's sweep; B did the render.
    const [afterA, hostB] = [await db.workerHost.findUniqueOrThrow({ where: { id: hostA!.id } }), await hostOf(b.pid!)];
    expect(afterA.stoppedAt).not.toBeNull();
    expect(afterA.rendersDone).toBe(0);
    expect(hostB?.rendersDone).toBe(1);

    // Exactly one output: one MP4 under the render's key, no temp files, a playable video.
    const store = await storage();
    const dir = path.dirname(await store.localPath(`renders/${r.id}/output.mp4`));
    // (Other records, e.g. onscreen.json, may sit beside it: the video files and temp files are what count.)
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".mp4") || f.includes(".tmp-"));
    expect(files).toEqual(["output.mp4"]);
    expect(done.outputFile).toBe(`renders/${r.id}/output.mp4`);
    const v = await describeVideo(await store.localPath(done.outputFile!));
    expect(v).toMatchObject({ width: 1080, height: 1920, videoCodec: "h264" });
    expect(v.durationSec).toBeGreaterThan(5);
    // The render went through once: no second attempt, each asset made once.
    expect(done.attempt).toBe(1);
    const assets = await db.renderAsset.findMany({ where: { renderId: r.id } });
    expect(new Set(assets.map((x) => `${x.kind}:${x.sceneIndex}`)).size).toBe(assets.length);
  }, 360_000);
});
