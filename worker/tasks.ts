/**
 * The task list: each task parses its payload with the job's zod schema, then calls a service.
 * Tasks stay thin; the logic lives in src/server/services so the web app and tests share it.
 */
import { setMaxListeners } from "node:events";
import { type JobHelpers, type Task, type TaskList } from "graphile-worker";
import { db } from "~/server/db";
import { isDatabaseConnectionError } from "~/server/db/connection-errors";
import { payloadSchemas, type TaskName } from "~/server/jobs";
import { runAsset } from "~/server/services/pipeline/assets";
import { assembleRender } from "~/server/services/pipeline/assemble";
import { startRender } from "~/server/services/pipeline/start";
import { failRender } from "~/server/services/pipeline/fanout";
import { USER_ERRORS } from "~/server/services/pipeline/user-error";
import { deliverWebhook } from "~/server/services/webhooks";
import { pruneOldRows, sweepOfflineHosts, sweepTempFiles } from "~/server/services/maintenance";

/** Tasks run by the host's assembly pool (WORKER_RENDER_SLOTS workers); the rest run in the main pool. */
export const ASSEMBLY_TASKS: readonly string[] = ["render:assemble"];

/** Identifies this process to the breaker (half-open trial owner) and the render's host. */
export const taskHost = { id: `pid-${process.pid}` };

function task<T extends TaskName>(name: T, run: (payload: ReturnType<(typeof payloadSchemas)[T]["parse"]>, helpers: JobHelpers) => Promise<string | void>): Task {
  return async (raw, helpers) => {
    // Every job of a pool shares one abort signal; each running job adds a listener or two.
    setMaxListeners(1000, helpers.abortSignal);
    const parsed = payloadSchemas[name].safeParse(raw);
    if (!parsed.success) {
      // A malformed payload can never succeed: log it and drop the job instead of retrying it.
      helpers.logger.error(`${name}: invalid payload ${JSON.stringify(raw)}: ${parsed.error.message}`);
      return;
    }
    try {
      const outcome = await run(parsed.data as never, helpers);
      if (outcome) helpers.logger.info(`${name} ${JSON.stringify(raw)}: ${outcome}`);
    } catch (e) {
      const stopping = helpers.abortSignal.aborted;
      if ((stopping || isDatabaseConnectionError(e)) && helpers.job.key && !name.startsWith("maintenance:")) {
        // Cut short by the worker stopping, or by the database going away (a restart): not a
        // failure of the job. It goes back to the queue with its attempts unspent (a new job under
        // the same key; graphile-worker retires the interrupted one), for any host to pick up. If
        // the database is still away, the job's failure is lost too and a heartbeat gives it back.
        // An asset it was making shows as waiting again, not as being made.
        const assetId = (parsed.data as { assetId?: string }).assetId;
        if (assetId) await db().renderAsset.updateMany({ where: { id: assetId, status: "running" }, data: { status: "pending" } }).catch(() => {});
        const requeued = await helpers
          .addJob(name, raw as never, { jobKey: helpers.job.key, maxAttempts: helpers.job.max_attempts, priority: helpers.job.priority, runAt: new Date(Date.now() + (stopping ? 0 : 2_000)) })
          .then(() => true, () => false);
        if (requeued) {
          helpers.logger.info(`${name} ${JSON.stringify(raw)}: interrupted by ${stopping ? "the worker stopping" : "a lost database connection"}; queued again`);
          return;
        }
      }
      // The last attempt of a render's job failed: the render can't go on, so it fails with
      // the reason instead of staying "running" forever.
      const renderId = (parsed.data as { renderId?: string }).renderId;
      if (renderId && helpers.job.attempts >= helpers.job.max_attempts && !helpers.abortSignal.aborted) {
        // Users get a stable sentence; the error itself is logged by graphile-worker below.
        await failRender(db(), renderId, USER_ERRORS.stuck).catch(() => {});
      }
      throw e;
    }
  };
}

const logger = (h: JobHelpers) => ({
  debug: (m: string, f?: Record<string, unknown>) => h.logger.debug(m, f),
  info: (m: string, f?: Record<string, unknown>) => h.logger.info(m, f),
  warn: (m: string, f?: Record<string, unknown>) => h.logger.warn(m, f),
  error: (m: string, f?: Record<string, unknown>) => h.logger.error(m, f),
});

export const taskList: TaskList = {
  "render:start": task("render:start", (p) => startRender(db(), p.renderId)),
  "asset:generate": task("asset:generate", (p, h) => runAsset(db(), p.renderId, p.assetId, { signal: h.abortSignal, logger: logger(h), caller: taskHost.id })),
  "asset:poll": task("asset:poll", (p, h) => runAsset(db(), p.renderId, p.assetId, { signal: h.abortSignal, logger: logger(h), caller: taskHost.id }, { polls: p.polls })),
  "render:assemble": task("render:assemble", (p, h) => assembleRender(db(), p.renderId, { signal: h.abortSignal, hostId: taskHost.id })),
  "webhook:deliver": task("webhook:deliver", (p) => deliverWebhook(db(), p)),
  "maintenance:offline-sweep": task("maintenance:offline-sweep", async (_p, h) => {
    const dead = await sweepOfflineHosts(db(), (m) => h.logger.warn(m));
    return dead.length ? `${dead.length} host(s) marked offline` : undefined;
  }),
  "maintenance:temp-sweep": task("maintenance:temp-sweep", async () => {
    const n = await sweepTempFiles();
    return n ? `${n} temp file(s) removed` : undefined;
  }),
  "maintenance:prune": task("maintenance:prune", async () => JSON.stringify(await pruneOldRows(db()))),
};
