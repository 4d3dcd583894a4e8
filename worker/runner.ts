/**
 * A worker host: one graphile-worker pool plus its WorkerHost row and heartbeat.
 *
 * Invariants:
 * - The host heartbeats every HEARTBEAT_MS. Any host's sweep marks a host whose heartbeat is
 *   older than WORKER_OFFLINE_AFTER_SECONDS offline and releases the jobs its graphile workers
 *   had locked (graphile-worker would otherwise keep a crashed worker's jobs locked for hours),
 *   so another host finishes the render.
 * - On SIGTERM/SIGINT the pool shuts down gracefully: running jobs finish, or are released when
 *   they outlive the grace period; the row is marked stopped.
 */
import os from "node:os";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { Logger, run, type Runner, type WorkerEvents } from "graphile-worker";
import { env } from "~/env";
import { db } from "~/server/db";
import { prepareDatabase } from "~/server/db/bootstrap";
import { closeQueue, workerUtils } from "~/server/jobs";
import { describeHostMedia } from "~/server/services/host-media";
import { checkProviderOptions } from "~/server/services/providers";
import { checkProviderCredentials } from "~/server/services/provider-health";
import { taskHost, taskList } from "./tasks";

const HEARTBEAT_MS = 5_000;

export interface WorkerHandle {
  hostId: string;
  runner: Runner;
  /** Graceful: lets running jobs finish (up to the grace period), then releases them. */
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  concurrency?: number;
  /** Shown in the dashboard; default `<hostname>-<pid>-<random>`. */
  hostId?: string;
  log?: (m: string) => void;
  /** Default true: stop gracefully on SIGTERM/SIGINT. */
  handleSignals?: boolean;
}

export async function startWorker(opts: StartWorkerOptions = {}): Promise<WorkerHandle> {
  const log = opts.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const e = env();
  checkProviderOptions();
  const url = await prepareDatabase(log);
  const hostId = opts.hostId ?? `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  taskHost.id = hostId;
  const media = await describeHostMedia();
  await db().workerHost.upsert({
    where: { id: hostId },
    create: { id: hostId, hostname: os.hostname(), pid: process.pid, ffmpegVersion: media.ffmpegVersion, encoders: media.encoders, encoderInUse: media.best },
    update: { lastHeartbeatAt: new Date(), stoppedAt: null },
  });

  await checkProviderCredentials(db(), log);

  const workerIds: string[] = [];
  const running = new Map<string, string>(); // graphile job id -> "task renderId"
  // Listeners go on before run(): the pool creates its workers (and emits worker:create) inside it.
  const events: WorkerEvents = new EventEmitter() as WorkerEvents;
  // graphile-worker 0.18 locks jobs in the pool's name (locked_by = pool id); older paths use
  // each worker's id. Both are recorded, and both are released if this host goes silent.
  events.on("pool:create", ({ workerPool }) => {
    workerIds.push(workerPool.id);
  });
  events.on("worker:create", ({ worker }) => {
    workerIds.push(worker.workerId);
    void db().workerHost.update({ where: { id: hostId }, data: { workerIds } }).catch(() => {});
  });
  events.on("job:start", ({ job }) => {
    running.set(job.id, `${job.task_identifier} ${(job.payload as { renderId?: string })?.renderId ?? ""}`.trim());
  });
  events.on("job:complete", ({ job }) => {
    running.delete(job.id);
  });
  const runner = await run({
    connectionString: url,
    concurrency: opts.concurrency ?? e.WORKER_CONCURRENCY,
    taskList,
    noHandleSignals: true,
    // New jobs arrive by LISTEN/NOTIFY at once; this bounds the delay of scheduled ones (Veo polls, retries).
    pollInterval: 500,
    gracefulShutdownAbortTimeout: 20_000,
    logger: jobLogger(e.LOG_LEVEL),
    events,
  });
  await db().workerHost.update({ where: { id: hostId }, data: { workerIds } });

  const beat = async () => {
    await db().workerHost.update({
      where: { id: hostId },
      data: { lastHeartbeatAt: new Date(), currentJob: [...running.values()].join(", ") || null, workerIds },
    });
    await sweepOfflineHosts(log);
  };
  const timer = setInterval(() => void beat().catch((err) => log(`heartbeat failed: ${(err as Error).message}`)), HEARTBEAT_MS);
  timer.unref();
  log(`host ${hostId} started: concurrency ${opts.concurrency ?? e.WORKER_CONCURRENCY}, ffmpeg ${media.ffmpegVersion ?? "missing"}, encoders ${media.encoders.join(", ") || "none"}`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(timer);
      log(`host ${hostId} stopping`);
      await runner.stop("shutdown").catch(() => {});
      await db()
        .workerHost.update({ where: { id: hostId }, data: { stoppedAt: new Date(), currentJob: null } })
        .catch(() => {});
      await closeQueue();
    })());

  if (opts.handleSignals ?? true) {
    for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, () => void stop().then(() => process.exit(0)));
  }
  return { hostId, runner, stop };
}

const LEVELS = { debug: 0, info: 1, warning: 2, error: 3 } as const;

/** graphile-worker's log lines at LOG_LEVEL and above (default info; the CLI shows warnings only). */
function jobLogger(level: "debug" | "info" | "warn" | "error") {
  const min = LEVELS[level === "warn" ? "warning" : level];
  return new Logger((scope) => (lvl, message) => {
    if (LEVELS[lvl] < min) return;
    const line = `[jobs${scope.taskIdentifier ? ` ${scope.taskIdentifier}` : ""}] ${message}`;
    if (lvl === "error") console.error(line);
    else if (lvl === "warning") console.warn(line);
    else console.log(line);
  });
}

/**
 * Marks hosts without a recent heartbeat offline and releases their locked jobs. Safe to run on
 * every host at once: the UPDATE ... RETURNING claims each dead host exactly once.
 */
export async function sweepOfflineHosts(log: (m: string) => void = () => {}) {
  const cutoff = new Date(Date.now() - env().WORKER_OFFLINE_AFTER_SECONDS * 1000);
  const dead = await db().$queryRaw<{ id: string; workerIds: string[] }[]>`
    update "WorkerHost" set "stoppedAt" = now(), "currentJob" = null
    where "stoppedAt" is null and "lastHeartbeatAt" < ${cutoff}
    returning id, "workerIds"`;
  for (const h of dead) {
    const ids = Array.isArray(h.workerIds) ? h.workerIds : [];
    if (ids.length) await (await workerUtils()).forceUnlockWorkers(ids);
    log(`host ${h.id} missed its heartbeats: marked offline, released jobs of ${ids.length} worker(s)`);
  }
  return dead.map((d) => d.id);
}
