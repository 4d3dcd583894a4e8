/**
 * A worker host: two graphile-worker pools (jobs, and assemblies) plus its WorkerHost row and
 * heartbeat.
 *
 * Invariants:
 * - Assemblies (render:assemble, one ffmpeg encode each) run in their own pool of
 *   WORKER_RENDER_SLOTS workers; every other job runs in the main pool of WORKER_CONCURRENCY.
 *   A pool only takes jobs of the tasks it has, so a host never runs more assemblies at once
 *   than it has slots, and waiting assemblies never hold the main pool's workers.
 * - The host heartbeats every HEARTBEAT_MS on the database's clock (`now()`). Periodic work
 *   (the offline sweep, the temp-file sweep, pruning old rows) is graphile-worker cron
 *   (CRONTAB below, services/maintenance.ts): each runs once per period across all hosts. The
 *   sweep marks a host whose heartbeat is older than WORKER_OFFLINE_AFTER_SECONDS offline and
 *   releases the jobs its pools had locked (graphile-worker would otherwise keep a crashed
 *   worker's jobs locked for hours), so another host finishes the render.
 * - On SIGTERM/SIGINT the pools shut down gracefully: running jobs finish, or are aborted when
 *   they outlive the grace period (stopGraceMs) and go back to the queue, not failed: an asset's
 *   interrupted provider call is a cancelled ProviderError that the asset job queues again, and a
 *   job cut short otherwise is added again under its key (worker/tasks.ts); the row is marked stopped.
 * - A database restart (or any lost connection) is survived: graphile-worker's listener and pool
 *   reconnect by themselves, but in 0.18 a job's completion that fails on a dead connection is an
 *   unhandled rejection (`completeJob` is not awaited) that would end the process. A process that
 *   owns its worker keeps running through those (connection errors only; anything else still ends
 *   it), and each heartbeat gives back the jobs whose completion was lost: still locked by this
 *   host's pools, not running here, locked over ORPHAN_AFTER_SECONDS ago (database clock). A host
 *   that the offline sweep marked stopped while the database was away is listed as running again.
 * - Temp files: a process that owns its worker gets a temp folder of its own (worker/host-temp.ts)
 *   as its TMPDIR, removed when it stops; at start every worker removes the folders of worker
 *   processes that are provably gone (a SIGKILLed or crashed one's), never a live one's.
 */
import fs from "node:fs/promises";
import os from "node:os";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { Logger, parseCronItems, run, type Runner, type TaskList, type WorkerEvents } from "graphile-worker";
import { storage } from "~/server/storage";
import { env } from "~/env";
import { db } from "~/server/db";
import { prepareDatabase } from "~/server/db/bootstrap";
import { isConnectionError } from "~/server/db/connection-errors";
import { closeQueue } from "~/server/jobs";
import { logFor } from "~/server/log";
import { describeHostMedia } from "~/server/services/host-media";
import { checkProviderOptions } from "~/server/services/providers";
import { checkProviderCredentials } from "~/server/services/provider-health";
import { sweepOfflineHosts as sweep } from "~/server/services/maintenance";
import { ASSEMBLY_TASKS, taskHost, taskList } from "./tasks";
import { createHostTemp, currentOwner, sweepDeadHostTemp } from "./host-temp";

const HEARTBEAT_MS = 5_000;
/**
 * A job locked by this host's pools that is not running here and was locked longer ago than this
 * (seconds, database clock) lost its completion to a dropped connection and is given back. Above
 * the gap between a pool locking a job and starting it (milliseconds) with a wide margin.
 */
export const ORPHAN_AFTER_SECONDS = 20;


/**
 * Periodic work, in code (no crontab file). graphile-worker's cron runs each item once per
 * matching minute across every host; `backfillPeriod: 0`: a missed run is not made up.
 */
export const CRONTAB = parseCronItems([
  { task: "maintenance:offline-sweep", match: "* * * * *", identifier: "offline-sweep", options: { backfillPeriod: 0, maxAttempts: 1 } },
  { task: "maintenance:temp-sweep", match: "17 * * * *", identifier: "temp-sweep", options: { backfillPeriod: 0, maxAttempts: 1 } },
  { task: "maintenance:prune", match: "41 3 * * *", identifier: "prune", options: { backfillPeriod: 0, maxAttempts: 1 } },
]);

/** Start-up failed because the database, reached at first, went away (a restart): try again. */
export class DatabaseInterruptedError extends Error {
  constructor(cause: unknown) {
    super(`the database went away during start-up: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = "DatabaseInterruptedError";
  }
}

export interface WorkerHandle {
  hostId: string;
  /** The main pool (every task but render:assemble). */
  runner: Runner;
  /** The assembly pool: WORKER_RENDER_SLOTS workers, render:assemble only. */
  assembler: Runner;
  /** Graceful: lets running jobs finish (up to the grace period), then releases them. */
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  concurrency?: number;
  /** Assemblies at once on this host; default WORKER_RENDER_SLOTS. */
  renderSlots?: number;
  /** Shown in the dashboard; default `<hostname>-<pid>-<random>`. */
  hostId?: string;
  log?: (m: string) => void;
  /** Default true: stop gracefully on SIGTERM/SIGINT. */
  handleSignals?: boolean;
  /**
   * This worker owns the process (default: `handleSignals`): it keeps running through unhandled
   * rejections of a lost database connection, and the process's TMPDIR becomes its own temp folder.
   * Off for workers inside another program's process (tests, benchmarks).
   */
  ownsProcess?: boolean;
  /**
   * On stop, running jobs get this long to finish before their abort signal fires (ms; default
   * 20 s); an interrupted job goes back to the queue for another host (worker/tasks.ts).
   */
  stopGraceMs?: number;
}

export async function startWorker(opts: StartWorkerOptions = {}): Promise<WorkerHandle> {
  const log = opts.log ?? ((m: string) => logFor("worker").info(m));
  const e = env();
  checkProviderOptions();
  await storage(); // STORAGE_URL: an object store that is down or refuses the credentials stops start-up here
  const url = await prepareDatabase(log).catch((err: unknown) => {
    // A server that is restarting (shutting down, starting up) is there and will be back: try again.
    throw /the database system is (starting up|shutting down)|terminating connection due to administrator command/.test(String((err as Error)?.message)) ? new DatabaseInterruptedError(err) : err;
  });
  const hostId = opts.hostId ?? `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  taskHost.id = hostId;
  const ownsProcess = opts.ownsProcess ?? opts.handleSignals ?? true;
  const tmpBase = os.tmpdir();
  const tempOwner = currentOwner(hostId);
  const swept = await sweepDeadHostTemp(tmpBase, tempOwner);
  if (swept.length) log(`removed ${swept.length} temp folder(s) of worker processes that are gone: ${swept.join(", ")}`);
  let hostTemp: string | undefined;
  if (ownsProcess) {
    // Everything this process and its children (ffmpeg) put in os.tmpdir() lands in one folder.
    hostTemp = await createHostTemp(tmpBase, tempOwner);
    process.env.TMPDIR = hostTemp;
  }
  let runner: Runner | undefined;
  let assembler: Runner | undefined;
  try {
    const media = await describeHostMedia();
    // Times on the database's clock (now()), never this host's: hosts' clocks may disagree.
    await db().$executeRaw`
      insert into "WorkerHost" (id, hostname, pid, "ffmpegVersion", encoders, "encoderInUse", "startedAt", "lastHeartbeatAt")
      values (${hostId}, ${os.hostname()}, ${process.pid}, ${media.ffmpegVersion}, ${JSON.stringify(media.encoders)}::jsonb, ${media.best}, now(), now())
      on conflict (id) do update set "lastHeartbeatAt" = now(), "stoppedAt" = null`;

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
    const slots = opts.renderSlots ?? e.WORKER_RENDER_SLOTS;
    const concurrency = opts.concurrency ?? e.WORKER_CONCURRENCY;
    const pool = (tasks: TaskList, n: number, cron: boolean) =>
      run({
        connectionString: url,
        concurrency: n,
        taskList: tasks,
        noHandleSignals: true,
        // New jobs arrive by LISTEN/NOTIFY at once; this bounds the delay of scheduled ones (Veo polls, retries).
        pollInterval: 500,
        gracefulShutdownAbortTimeout: opts.stopGraceMs ?? 20_000,
        logger: jobLogger(),
        events,
        // Cron from code only: without this graphile-worker looks for a ./crontab file and logs that it is missing.
        parsedCronItems: cron ? CRONTAB : [],
      });
    const mainTasks = Object.fromEntries(Object.entries(taskList).filter(([name]) => !ASSEMBLY_TASKS.includes(name)));
    const assemblyTasks = Object.fromEntries(Object.entries(taskList).filter(([name]) => ASSEMBLY_TASKS.includes(name)));
    runner = await pool(mainTasks, concurrency, true);
    assembler = await pool(assemblyTasks, slots, false);
    const [main, assembly] = [runner, assembler];
    await db().workerHost.update({ where: { id: hostId }, data: { workerIds } });

    let stopping: Promise<void> | undefined;
    const beat = async () => {
      const currentJob = [...running.values()].join(", ") || null;
      const alive = await db().$executeRaw`update "WorkerHost" set "lastHeartbeatAt" = now(), "currentJob" = ${currentJob}, "workerIds" = ${JSON.stringify(workerIds)}::jsonb where id = ${hostId} and "stoppedAt" is null`;
      if (!alive && !stopping) {
        // Swept while the database (or this host) was away: its jobs were released; it runs again.
        await db().$executeRaw`update "WorkerHost" set "lastHeartbeatAt" = now(), "stoppedAt" = null, "currentJob" = ${currentJob}, "workerIds" = ${JSON.stringify(workerIds)}::jsonb where id = ${hostId}`;
        log(`host ${hostId} had been marked offline while it was unreachable; heartbeating again`);
      }
      const given = await releaseOrphans(workerIds, [...running.keys()]);
      if (given.length) log(`gave back ${given.length} job(s) whose completion was lost with the database connection: ${given.join(", ")}`);
    };
    const timer = setInterval(() => void beat().catch((err) => log(`heartbeat failed: ${(err as Error).message}`)), HEARTBEAT_MS);
    timer.unref();
    const onRejection = (reason: unknown) => {
      if (isConnectionError(reason)) {
        log(`database connection lost (${(reason as Error).message ?? String(reason)}); the pools reconnect, and lost job completions are given back at a heartbeat`);
        return;
      }
      // Node's own behaviour for anything else: report and end the process.
      logFor("worker").fatal({ err: reason }, "unhandled rejection");
      process.exit(1);
    };
    if (ownsProcess) process.on("unhandledRejection", onRejection);
    log(`host ${hostId} started: concurrency ${concurrency}, render slots ${slots}, ffmpeg ${media.ffmpegVersion ?? "missing"}, encoders ${media.encoders.join(", ") || "none"}`);

    const stop = () =>
      (stopping ??= (async () => {
        clearInterval(timer);
        log(`host ${hostId} stopping`);
        await Promise.all([main.stop("shutdown").catch(() => {}), assembly.stop("shutdown").catch(() => {})]);
        await db()
          .$executeRaw`update "WorkerHost" set "stoppedAt" = now(), "currentJob" = null where id = ${hostId}`
          .catch(() => {});
        await closeQueue();
        if (ownsProcess) process.off("unhandledRejection", onRejection);
        if (hostTemp) {
          process.env.TMPDIR = tmpBase;
          await fs.rm(hostTemp, { recursive: true, force: true }).catch(() => {});
        }
      })());

    if (opts.handleSignals ?? true) {
      // `on`: a second Ctrl-C must not fall through to Node's default exit in the middle of stopping.
      for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => void stop().then(() => process.exit(0)));
    }
    return { hostId, runner: main, assembler: assembly, stop };
  } catch (err) {
    // Start-up cut short: nothing of this host keeps running, and its temp folder goes.
    await Promise.all([runner?.stop("start-up failed").catch(() => {}), assembler?.stop("start-up failed").catch(() => {})]);
    await db().$executeRaw`update "WorkerHost" set "stoppedAt" = now() where id = ${hostId}`.catch(() => {});
    if (hostTemp) {
      process.env.TMPDIR = tmpBase;
      await fs.rm(hostTemp, { recursive: true, force: true }).catch(() => {});
    }
    // The database was reached (prepareDatabase) and then went away: start-up can be tried again.
    throw isConnectionError(err) ? new DatabaseInterruptedError(err) : err;
  }
}

/** graphile-worker's log lines, through the server log at LOG_LEVEL (the CLI shows warnings only). */
function jobLogger() {
  const base = logFor("jobs");
  const method = { debug: "debug", info: "info", warning: "warn", error: "error" } as const;
  return new Logger((scope) => {
    const l = scope.taskIdentifier ? base.child({ task: scope.taskIdentifier, jobId: scope.jobId }) : base;
    return (lvl, message, meta) => {
      // The cron upkeep's info lines ("Completed task … (maintenance:…)") are debug: one a minute would fill an idle log.
      const upkeep = lvl === "info" && (scope.taskIdentifier?.startsWith("maintenance:") || /^Completed task \d+ \(maintenance:/.test(message));
      l[upkeep ? "debug" : method[lvl]](meta ?? {}, message);
    };
  });
}

/**
 * Gives back jobs locked by `lockIds` (this host's pool and worker ids) that are not among
 * `runningJobIds` and were locked over ORPHAN_AFTER_SECONDS ago: their completion (or failure) was
 * lost with the database connection. The attempt their lock counted is returned too (a job on its
 * last attempt would otherwise never run again and its render would wait forever). Reads
 * graphile-worker's private jobs table (0.18: `locked_by`, `locked_at`, `attempts`). Returns the ids.
 */
export async function releaseOrphans(lockIds: string[], runningJobIds: string[]): Promise<string[]> {
  if (!lockIds.length) return [];
  const rows = await db().$queryRaw<{ id: bigint }[]>`
    update graphile_worker._private_jobs
    set locked_by = null, locked_at = null, attempts = greatest(attempts - 1, 0), updated_at = now()
    where locked_by = any(${lockIds}::text[]) and locked_at < now() - make_interval(secs => ${ORPHAN_AFTER_SECONDS}::int)
      and not (id = any(${runningJobIds}::bigint[]))
    returning id`;
  return rows.map((r) => String(r.id));
}

/** The offline sweep (services/maintenance.ts), run by cron; exported for tests and tools. */
export function sweepOfflineHosts(log: (m: string) => void = () => {}) {
  return sweep(db(), log);
}
