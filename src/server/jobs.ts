/**
 * The job queue (graphile-worker). Glossary: a *job* is a row in graphile_worker's jobs table;
 * a *task* is the function (worker/tasks/*) that runs it.
 *
 * Every task name is typed (declaration merging below) and every payload has a zod schema that
 * the task parses at run time. Every job is added with an explicit maxAttempts (graphile's
 * default of 25 is ruinous against paid APIs) and a jobKey, so adding it twice is harmless.
 */
import { makeWorkerUtils, type WorkerUtils } from "graphile-worker";
import { z } from "zod";

const id = z.string().min(1).max(64);
/** graphile-worker cron adds `_cron: {ts, backfilled}` to the item's (empty) payload. */
const cronPayload = z.object({ _cron: z.object({ ts: z.string(), backfilled: z.boolean() }).optional() }).strict();

export const payloadSchemas = {
  /** Snapshot the campaign, write the script, fan out one job per asset. */
  "render:start": z.object({ renderId: id }),
  /** Generate one asset (voiceover, music, a scene's image or video) through its provider chain. */
  "asset:generate": z.object({ renderId: id, assetId: id }),
  /** Check a long provider operation (Veo) started by asset:generate; rescheduled until done. */
  "asset:poll": z.object({ renderId: id, assetId: id, polls: z.number().int().min(0).default(0) }),
  /** Fan in: compose the video once every asset is done or has fallen back. */
  "render:assemble": z.object({ renderId: id }),
  /** Tell the API token that queued a render that it finished (signed, retried a few times). */
  "webhook:deliver": z.object({ renderId: id, tokenId: id, event: z.enum(["render.succeeded", "render.failed", "render.cancelled"]) }),
  /** Cron (worker/runner.ts CRONTAB): mark silent hosts offline and release their jobs. */
  "maintenance:offline-sweep": cronPayload,
  /** Cron: delete temp files of killed cache builds and storage writes. */
  "maintenance:temp-sweep": cronPayload,
  /** Cron: delete old worker hosts, rate-limit windows and idempotency answers. */
  "maintenance:prune": cronPayload,
} as const;

export type TaskName = keyof typeof payloadSchemas;
export type Payload<T extends TaskName> = z.input<(typeof payloadSchemas)[T]>;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- graphile-worker's typing mechanism
  namespace GraphileWorker {
    interface Tasks {
      "render:start": Payload<"render:start">;
      "asset:generate": Payload<"asset:generate">;
      "asset:poll": Payload<"asset:poll">;
      "render:assemble": Payload<"render:assemble">;
      "webhook:deliver": Payload<"webhook:deliver">;
      "maintenance:offline-sweep": Payload<"maintenance:offline-sweep">;
      "maintenance:temp-sweep": Payload<"maintenance:temp-sweep">;
      "maintenance:prune": Payload<"maintenance:prune">;
    }
  }
}

export interface EnqueueOptions {
  /** Idempotence key: a second add with the same key replaces the pending job instead of duplicating it. */
  jobKey: string;
  maxAttempts: number;
  runAt?: Date;
  priority?: number;
  /** `preserve_run_at` keeps a scheduled poll's time; default `replace`. */
  jobKeyMode?: "replace" | "preserve_run_at" | "unsafe_dedupe";
}

let utils: Promise<WorkerUtils> | undefined;

export function workerUtils(): Promise<WorkerUtils> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not resolved: call prepareDatabase() first.");
  utils ??= makeWorkerUtils({ connectionString: url });
  return utils;
}

export async function enqueue<T extends TaskName>(task: T, payload: Payload<T>, opts: EnqueueOptions) {
  const parsed = payloadSchemas[task].parse(payload);
  const u = await workerUtils();
  // The payload was just validated against the task's schema; graphile's conditional type can't see that.
  return u.addJob(task as string, parsed as never, opts);
}

export async function closeQueue() {
  if (utils) {
    const u = await utils;
    utils = undefined;
    await u.release();
  }
}
