/**
 * Periodic upkeep, run as graphile-worker cron tasks (worker/runner.ts CRONTAB), so each runs
 * once per period across every worker host (graphile-worker's cron takes each slot once, by its
 * known_crontabs row), never as a per-process timer. Times are PostgreSQL's `now()` throughout:
 * hosts' clocks may disagree, the database's is the one clock they share.
 *
 * - sweepOfflineHosts: hosts silent for WORKER_OFFLINE_AFTER_SECONDS are marked offline and
 *   their locked jobs released (every minute);
 * - sweepTempFiles: temp files of killed cache builds (`*.tmp-*` under the clip cache) and of
 *   killed storage writes, older than an hour (hourly);
 * - pruneWorkerHosts: rows of hosts stopped more than 7 days ago (daily);
 * - pruneRateLimits (auth/rate-limit.ts) and expired Idempotency-Key answers (daily).
 */
import fs from "node:fs/promises";
import path from "node:path";
import { env } from "~/env";
import { type Db } from "~/server/db";
import { workerUtils } from "~/server/jobs";
import { pruneRateLimits } from "~/server/auth/rate-limit";
import { IDEMPOTENCY_TTL_MS } from "~/server/api/rest/idempotency";

/** A stopped host's row is kept this long for the admin page, then deleted (days). */
export const WORKER_HOST_RETENTION_DAYS = 7;
/** Temp files untouched this long belong to a killed build or write (ms; a render takes minutes). */
export const TEMP_MAX_AGE_MS = 3_600_000;

/**
 * Marks hosts without a heartbeat for WORKER_OFFLINE_AFTER_SECONDS (on the database's clock)
 * offline and releases the jobs they had locked. Safe on every host at once: the UPDATE …
 * RETURNING claims each dead host exactly once. Returns the ids marked offline.
 */
export async function sweepOfflineHosts(db: Db, log: (m: string) => void = () => {}): Promise<string[]> {
  const dead = await db.$queryRaw<{ id: string; workerIds: unknown }[]>`
    update "WorkerHost" set "stoppedAt" = now(), "currentJob" = null
    where "stoppedAt" is null and "lastHeartbeatAt" < now() - make_interval(secs => ${env().WORKER_OFFLINE_AFTER_SECONDS}::int)
    returning id, "workerIds"`;
  for (const h of dead) {
    const ids = Array.isArray(h.workerIds) ? (h.workerIds as string[]) : [];
    if (ids.length) await (await workerUtils()).forceUnlockWorkers(ids);
    log(`host ${h.id} missed its heartbeats: marked offline, released jobs of ${ids.length} worker(s)`);
  }
  return dead.map((d) => d.id);
}

/**
 * Deletes temp files (`name.tmp-…`) older than `olderThanMs` (ms) under the storage directory
 * (`root`, default STORAGE_DIR): a killed cache build's clip and a killed storage write leave
 * one each. Returns how many.
 */
export async function sweepTempFiles(olderThanMs = TEMP_MAX_AGE_MS, root = env().STORAGE_DIR): Promise<number> {
  let n = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const d of entries) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) await walk(p);
      else if (d.name.includes(".tmp-")) {
        const s = await fs.stat(p).catch(() => null);
        if (s && Date.now() - s.mtimeMs > olderThanMs && (await fs.rm(p, { force: true }).then(() => true, () => false))) n++;
      }
    }
  };
  await walk(root);
  return n;
}

/** Deletes rows of hosts stopped more than `days` days ago (database clock). Returns how many. */
export async function pruneWorkerHosts(db: Db, days = WORKER_HOST_RETENTION_DAYS): Promise<number> {
  return db.$executeRaw`delete from "WorkerHost" where "stoppedAt" < now() - make_interval(days => ${days}::int)`;
}

/** Deletes stored Idempotency-Key answers past their 24 h replay window. Returns how many. */
export async function pruneIdempotencyKeys(db: Db): Promise<number> {
  return db.$executeRaw`delete from "ApiIdempotencyKey" where "createdAt" < now() - make_interval(secs => ${IDEMPOTENCY_TTL_MS / 1000}::int)`;
}

/** The daily prune: old hosts, rate-limit windows and idempotency answers. */
export async function pruneOldRows(db: Db) {
  return { workerHosts: await pruneWorkerHosts(db), rateLimits: await pruneRateLimits(db), idempotencyKeys: await pruneIdempotencyKeys(db) };
}
