/**
 * Admin → Overview: the farm at a glance — render queue and outcomes over the last 24 hours,
 * open breakers, cache fill, worker hosts online.
 */
import { env } from "~/env";
import { type Db } from "~/server/db";
import { databaseNow } from "./admin-workers";

/** The overview's figures; times (the last 24 h, hosts online) on PostgreSQL's clock, as heartbeats are written. */
export async function adminOverview(db: Db) {
  const now = await databaseNow(db);
  const since = new Date(now.getTime() - 86_400_000);
  const onlineSince = new Date(now.getTime() - env().WORKER_OFFLINE_AFTER_SECONDS * 1000);
  const [byStatus, active, breakers, cache, hosts, users, oldestQueued] = await Promise.all([
    db.render.groupBy({ by: ["status"], where: { createdAt: { gte: since } }, _count: true }),
    db.render.groupBy({ by: ["status"], where: { status: { in: ["queued", "running"] } }, _count: true }),
    db.providerBreaker.count({ where: { state: { not: "closed" } } }),
    db.cacheEntry.aggregate({ _count: true, _sum: { bytes: true } }),
    db.workerHost.count({ where: { stoppedAt: null, lastHeartbeatAt: { gte: onlineSince } } }),
    db.user.count(),
    db.render.findFirst({ where: { status: "queued" }, orderBy: { createdAt: "asc" }, select: { createdAt: true } }),
  ]);
  const count = (rows: { status: string; _count: number }[], s: string) => rows.find((r) => r.status === s)?._count ?? 0;
  return {
    last24h: { succeeded: count(byStatus, "succeeded"), failed: count(byStatus, "failed"), cancelled: count(byStatus, "cancelled"), total: byStatus.reduce((a, r) => a + r._count, 0) },
    queued: count(active, "queued"),
    running: count(active, "running"),
    oldestQueuedAt: oldestQueued?.createdAt ?? null,
    openBreakers: breakers,
    cache: { entries: cache._count, bytes: Number(cache._sum.bytes ?? 0), capBytes: env().CACHE_MAX_BYTES },
    workersOnline: hosts,
    users,
  };
}
