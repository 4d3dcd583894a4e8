/**
 * Operations on the database's clock and as cron: the offline sweep judges heartbeats by
 * PostgreSQL's now() (a host whose own clock is an hour ahead changes nothing); the periodic
 * work is graphile-worker cron registered from code and runs through the queue; the temp-file
 * sweep and the prunes remove only what is old; a cancelled render's unmade assets end cancelled.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "~/env";
import { workerUtils } from "~/server/jobs";
import { createCampaign } from "~/server/services/campaigns";
import { cancelRender, queueRender } from "~/server/services/renders";
import { pruneOldRows, sweepOfflineHosts, sweepTempFiles } from "~/server/services/maintenance";
import { workerHosts } from "~/server/services/admin-workers";
import { adminOverview } from "~/server/services/admin";
import { testDb, waitFor } from "../helpers/db";
import { withWorker } from "../helpers/worker";

const db = () => testDb();
/** A WorkerHost row whose heartbeat (and stop, if given) lie that far back on the database's clock. */
const host = (id: string, heartbeatSecondsAgo: number, stoppedDaysAgo: number | null = null) =>
  db().$executeRaw`insert into "WorkerHost" (id, hostname, pid, "lastHeartbeatAt", "stoppedAt")
    values (${id}, 'test', 1, now() - make_interval(secs => ${heartbeatSecondsAgo}::int),
            case when ${stoppedDaysAgo}::int is null then null else now() - make_interval(days => ${stoppedDaysAgo}::int) end)`;

afterEach(() => {
  vi.useRealTimers();
});

describe("the offline sweep", () => {
  it("judges heartbeats on PostgreSQL's clock, not this process's", async () => {
    const tag = Date.now().toString(36);
    await host(`live-${tag}`, 1);
    await host(`silent-${tag}`, Number(env().WORKER_OFFLINE_AFTER_SECONDS) + 30);
    // This host's clock runs an hour ahead: with its own clock, the live host would look dead.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 3_600_000 });
    const swept = await sweepOfflineHosts(db());
    vi.useRealTimers();
    expect(swept).toContain(`silent-${tag}`);
    expect(swept).not.toContain(`live-${tag}`);
    const live = await db().workerHost.findUniqueOrThrow({ where: { id: `live-${tag}` } });
    expect(live.stoppedAt).toBeNull();
  });
});

describe("the admin pages' online hosts", () => {
  it("are judged on PostgreSQL's clock, not the web server's", async () => {
    const tag = Date.now().toString(36);
    await host(`page-live-${tag}`, 1);
    await host(`page-silent-${tag}`, Number(env().WORKER_OFFLINE_AFTER_SECONDS) + 30);
    const state = async () => {
      const hosts = await workerHosts(db());
      return [hosts.find((h) => h.id === `page-live-${tag}`)?.state, hosts.find((h) => h.id === `page-silent-${tag}`)?.state];
    };
    const onlineCount = async () => (await adminOverview(db())).workersOnline;
    expect(await state()).toEqual(["online", "silent"]);
    // The web server's clock an hour ahead, then an hour behind: with its own clock the live host
    // would show silent (ahead, and the overview would count 0 online) and the silent one online
    // (behind). Nothing may change. (Other files' hosts may cross the limit meanwhile: the count
    // is compared with one taken just before.)
    for (const skew of [3_600_000, -3_600_000]) {
      const online = await onlineCount();
      expect(online).toBeGreaterThanOrEqual(1);
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + skew });
      const seen = { state: await state(), online: await onlineCount() };
      vi.useRealTimers();
      expect(seen).toEqual({ state: ["online", "silent"], online });
    }
  });
});

describe("periodic work as graphile-worker cron", () => {
  it("is registered from code when a worker starts, and each task runs through the queue", async () => {
    const tag = Date.now().toString(36);
    await host(`silent2-${tag}`, Number(env().WORKER_OFFLINE_AFTER_SECONDS) + 30);
    await withWorker(async () => {
      const u = await workerUtils();
      const known = await u.withPgClient((c) => c.query<{ identifier: string }>("select identifier from graphile_worker._private_known_crontabs"));
      expect(known.rows.map((r) => r.identifier).sort()).toEqual(["offline-sweep", "prune", "temp-sweep"]);
      // The cron task itself (as cron would add it, with a _cron payload) marks the silent host offline.
      const job = await u.addJob("maintenance:offline-sweep", { _cron: { ts: new Date().toISOString(), backfilled: false } }, { maxAttempts: 1 });
      await waitFor(async () => (await db().workerHost.findUniqueOrThrow({ where: { id: `silent2-${tag}` } })).stoppedAt, 20_000, "the cron task to sweep");
      await waitFor(
        async () => (await u.withPgClient((c) => c.query("select 1 from graphile_worker._private_jobs where id = $1", [job.id]))).rowCount === 0,
        20_000,
        "the cron job to complete",
      );
    });
  });

  it("sweeps only old temp files and prunes only old rows", async () => {
    const dir = path.join(env().STORAGE_DIR, "cache", "kenburns", "ab");
    fs.mkdirSync(dir, { recursive: true });
    const old = path.join(dir, "clip.raw.tmp-123-deadbeef.raw");
    const fresh = path.join(dir, "clip2.raw.tmp-456-cafe.raw");
    const done = path.join(dir, "clip3.raw");
    for (const f of [old, fresh, done]) fs.writeFileSync(f, "x");
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    fs.utimesSync(old, twoHoursAgo, twoHoursAgo);
    fs.utimesSync(done, twoHoursAgo, twoHoursAgo);
    expect(await sweepTempFiles()).toBeGreaterThanOrEqual(1);
    expect([fs.existsSync(old), fs.existsSync(fresh), fs.existsSync(done)]).toEqual([false, true, true]);

    const tag = Date.now().toString(36);
    await host(`gone-${tag}`, 9 * 86_400, 8);
    await host(`recent-${tag}`, 86_400, 1);
    await db().rateLimit.createMany({ data: [{ key: `old-${tag}`, count: 3, windowStart: new Date(Date.now() - 3 * 86_400_000) }, { key: `new-${tag}`, count: 3 }] });
    const pruned = await pruneOldRows(db());
    expect(pruned.workerHosts).toBeGreaterThanOrEqual(1);
    expect(await db().workerHost.findUnique({ where: { id: `gone-${tag}` } })).toBeNull();
    expect(await db().workerHost.findUnique({ where: { id: `recent-${tag}` } })).not.toBeNull();
    expect(await db().rateLimit.findUnique({ where: { key: `old-${tag}` } })).toBeNull();
    expect(await db().rateLimit.findUnique({ where: { key: `new-${tag}` } })).not.toBeNull();
  });
});

describe("a cancelled render", () => {
  it("leaves no asset pending or running: the unmade ones end cancelled", async () => {
    const c = await createCampaign(db(), { name: "Cancel test", product: "Trailblazer boots", audience: "hikers", message: "Waterproof all day. Light as a sneaker.", targetSeconds: 12, musicMood: "calm" });
    const r = await queueRender(db(), { campaignId: c.id, preset: "preview" });
    await withWorker(async () => {
      // Cancel as soon as the fan-out has created the assets (some still pending).
      await waitFor(async () => (await db().renderAsset.count({ where: { renderId: r.id, status: "pending" } })) > 0, 60_000, "the fan-out");
      expect(await cancelRender(db(), r.id)).toBe(true);
      // Jobs already queued for those assets run, find the render cancelled and stop.
      await waitFor(
        async () => {
          const jobs = await (await workerUtils()).withPgClient((cl) => cl.query("select 1 from graphile_worker._private_jobs where payload->>'renderId' = $1 and (locked_at is not null or run_at < now() + interval '5 seconds')", [r.id]));
          return jobs.rowCount === 0;
        },
        60_000,
        "the render's jobs to finish",
      );
    }, 2);
    const assets = await db().renderAsset.findMany({ where: { renderId: r.id } });
    const counts = Object.fromEntries(["pending", "running", "cancelled", "succeeded", "failed"].map((s) => [s, assets.filter((a) => a.status === s).length]));
    expect(counts.pending).toBe(0);
    expect(counts.running).toBe(0);
    expect(counts.cancelled).toBeGreaterThan(0);
    const render = await db().render.findUniqueOrThrow({ where: { id: r.id } });
    expect(render.status).toBe("cancelled");
  });
});
