/**
 * The quota circuit breaker, one per provider and model, stored in PostgreSQL so every worker
 * host shares it.
 *
 *   closed ──daily quota──▶ open (until resetAt: midnight Pacific for Gemini; no call reaches
 *     ▲                       │   the provider, assets go straight to their fallback)
 *     │                       ▼ resetAt passed: the first caller claims the one trial call
 *     └──trial succeeds── half_open ──trial fails──▶ open again
 *
 * Per-minute limits and 5xx do not open the breaker: the asset job reschedules itself with
 * backoff (see ./retry-policy). Invariant: in half_open exactly one caller (trialOwner) may
 * call; a trial that never answers is reclaimable after TRIAL_STALE_MS.
 */
import { type Db } from "~/server/db";
import { type ProviderError } from "~/plugins/spec";

export const TRIAL_STALE_MS = 120_000;

export type Admission = { allowed: true; trial: boolean } | { allowed: false; state: "open" | "half_open"; resetAt: Date | null; reason: string | null };

type BreakerRow = { state: "closed" | "open" | "half_open"; resetAt: Date | null; reason: string | null; trialOwner: string | null };

/**
 * Reads the breaker with a share lock. The row always exists (created closed on first use), so a
 * read that races an opening waits for it to commit and then sees it open: no call is admitted
 * in the moment between another host's 429 and its write becoming visible.
 */
async function readLocked(db: Db, providerId: string, model: string): Promise<BreakerRow> {
  const read = () =>
    db.$queryRaw<BreakerRow[]>`select state::text as state, "resetAt", reason, "trialOwner" from "ProviderBreaker" where "providerId" = ${providerId} and model = ${model} for share`;
  let rows = await read();
  if (!rows.length) {
    await db.$executeRaw`insert into "ProviderBreaker" ("providerId", model, state, "updatedAt") values (${providerId}, ${model}, 'closed', now()) on conflict do nothing`;
    rows = await read();
  }
  return rows[0]!;
}

/** May `caller` call this provider/model now? Claims the half-open trial when it is due. */
export async function admit(db: Db, providerId: string, model: string, caller: string): Promise<Admission> {
  const row = await readLocked(db, providerId, model);
  if (row.state === "closed") return { allowed: true, trial: false };
  const now = new Date();
  const staleTrial = new Date(now.getTime() - TRIAL_STALE_MS);
  // One statement claims the trial, so two hosts racing for it cannot both win.
  const claimed = await db.$executeRaw`
    update "ProviderBreaker" set state = 'half_open', "trialOwner" = ${caller}, "trialAt" = ${now}, "updatedAt" = ${now}
    where "providerId" = ${providerId} and model = ${model}
      and ((state = 'open' and ("resetAt" is null or "resetAt" <= ${now}))
        or (state = 'half_open' and ("trialAt" is null or "trialAt" < ${staleTrial})))`;
  if (claimed === 1) return { allowed: true, trial: true };
  return { allowed: false, state: row.state === "half_open" ? "half_open" : "open", resetAt: row.resetAt, reason: row.reason };
}

/**
 * Is a call `caller` was admitted for still allowed, right before its request leaves? Another
 * host's daily 429 may have opened the breaker between the admission and the send (the request
 * is built in between: a Veo start reads and encodes the scene's still). A closed breaker, or the
 * half-open trial this caller holds, lets it go.
 */
export async function stillAdmitted(db: Db, providerId: string, model: string, caller: string): Promise<Admission> {
  const row = await readLocked(db, providerId, model);
  if (row.state === "closed" || (row.state === "half_open" && row.trialOwner === caller)) return { allowed: true, trial: row.state === "half_open" };
  return { allowed: false, state: row.state, resetAt: row.resetAt, reason: row.reason };
}

/** A call succeeded: close the breaker (ends a half-open trial). */
export async function recordSuccess(db: Db, providerId: string, model: string) {
  await db.providerBreaker.updateMany({
    where: { providerId, model, state: { not: "closed" } },
    data: { state: "closed", reason: null, openedAt: null, resetAt: null, trialOwner: null, trialAt: null, failures: 0 },
  });
}

/**
 * A daily quota opens the breaker until `resetAt`. Calls already in flight may report the same
 * 429 a moment later: they keep the first opening's time and reason. openedAt is the database's
 * clock as the row is written, i.e. when other hosts can start to see it.
 */
export async function open(db: Db, providerId: string, model: string, resetAt: Date, reason: string) {
  const now = new Date();
  await db.$executeRaw`
    insert into "ProviderBreaker" ("providerId", model, state, reason, "openedAt", "resetAt", failures, "updatedAt")
    values (${providerId}, ${model}, 'open', ${reason}, clock_timestamp(), ${resetAt}, 1, ${now})
    on conflict ("providerId", model) do update set
      failures = "ProviderBreaker".failures + 1,
      "updatedAt" = ${now},
      "trialOwner" = null, "trialAt" = null,
      reason = case when "ProviderBreaker".state = 'open' then "ProviderBreaker".reason else excluded.reason end,
      "openedAt" = case when "ProviderBreaker".state = 'open' then "ProviderBreaker"."openedAt" else excluded."openedAt" end,
      "resetAt" = greatest(coalesce("ProviderBreaker"."resetAt", excluded."resetAt"), excluded."resetAt"),
      state = 'open'`;
}

/** A half-open trial failed without a daily-quota answer: release it so the next caller may try. */
export async function releaseTrial(db: Db, providerId: string, model: string, caller: string, err: ProviderError) {
  await db.providerBreaker.updateMany({
    where: { providerId, model, state: "half_open", trialOwner: caller },
    data: { state: "open", reason: `trial failed: ${err.code}`, resetAt: new Date(Date.now() + 60_000), trialOwner: null, trialAt: null },
  });
}

/** Admin: close it by hand. */
export async function reset(db: Db, providerId: string, model: string) {
  await recordSuccess(db, providerId, model);
}

export type StatField = "calls" | "successes" | "quotaErrors" | "errors" | "fallbacks";

/** Counts per provider/model per UTC day (calls, successes, quota errors, fallbacks, cost). */
export async function countStat(db: Db, providerId: string, model: string, field: StatField, costUsd = 0) {
  const day = new Date(new Date().toISOString().slice(0, 10));
  await db.providerDailyStat.upsert({
    where: { providerId_model_day: { providerId, model, day } },
    create: { providerId, model, day, [field]: 1, costUsd },
    update: { [field]: { increment: 1 }, costUsd: { increment: costUsd } },
  });
}
