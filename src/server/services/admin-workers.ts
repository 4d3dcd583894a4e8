/**
 * Admin → Worker hosts: each host from its heartbeats. Online = not stopped and heard from
 * within WORKER_OFFLINE_AFTER_SECONDS (the same rule the sweep uses to release a dead host's jobs),
 * judged on PostgreSQL's clock like the heartbeats and the sweep: the web server's own clock may
 * disagree with the database's, and a live host would then show offline (or a dead one online).
 */
import { z } from "zod";
import { env } from "~/env";
import { type Db } from "~/server/db";

/** Hosts stopped longer ago than this are not listed. Default 7 days. */
const FORGET_AFTER_MS = 7 * 86_400_000;

/** PostgreSQL's `now()`: the one clock heartbeats are written with. */
export async function databaseNow(db: Db): Promise<Date> {
  const [row] = await db.$queryRaw<{ now: Date }[]>`select now() as now`;
  return row!.now;
}

/** Every host not stopped for over 7 days, newest heartbeat first (at most 200), with its state on the database's clock. */
export async function workerHosts(db: Db) {
  const offlineAfterMs = env().WORKER_OFFLINE_AFTER_SECONDS * 1000;
  const now = await databaseNow(db);
  const hosts = await db.workerHost.findMany({
    where: { OR: [{ stoppedAt: null }, { stoppedAt: { gt: new Date(now.getTime() - FORGET_AFTER_MS) } }] },
    orderBy: [{ lastHeartbeatAt: "desc" }],
    take: 200,
  });
  return hosts.map((h) => {
    const silentMs = now.getTime() - h.lastHeartbeatAt.getTime();
    const online = h.stoppedAt === null && silentMs < offlineAfterMs;
    return {
      id: h.id,
      hostname: h.hostname,
      pid: h.pid,
      online,
      /** offline: stopped, or marked so by a sweep; silent: missed heartbeats, not swept yet. */
      state: online ? ("online" as const) : h.stoppedAt ? ("offline" as const) : ("silent" as const),
      startedAt: h.startedAt,
      lastHeartbeatAt: h.lastHeartbeatAt,
      stoppedAt: h.stoppedAt,
      currentJob: online ? h.currentJob : null,
      ffmpegVersion: h.ffmpegVersion,
      encoders: z.array(z.string()).catch([]).parse(h.encoders),
      encoderInUse: h.encoderInUse,
      rendersDone: h.rendersDone,
    };
  });
}
