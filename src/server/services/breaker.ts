/**
 * The quota circuit breaker: everything that stands between a call and a provider's quota. One per
 * provider and model, stored in PostgreSQL so every worker host shares it.
 *
 *   closed ──daily quota──▶ open (until resetAt: midnight Pacific for Gemini; no call reaches
 *     ▲                       │   the provider, assets go straight to their fallback)
 *     │                       ▼ resetAt passed: the first caller claims the one trial call
 *     └──trial succeeds── half_open ──trial fails──▶ open again
 *
 * A call meets the breaker's parts in this order (`BreakerCall` runs them):
 *  1. Admission (`BreakerCall.admit`), once the call holds its concurrency slot: open refuses,
 *     half_open lets only the trial's owner through, closed lets the call go...
 *  2. ...unless the window is unproven: the first call of a quota window. While a closed breaker
 *     has seen no successful call since the provider's quota window began (`quotaWindowStart`:
 *     midnight Pacific for Gemini) or since an admin reset it, exactly one call (`probeOwner`) goes
 *     out. The others are held: in this process they wait for its answer; on another host they are
 *     told to come back shortly (`retryInMs`). Its success releases them all; its daily 429 opens
 *     the breaker and they fall back. Without it, several assets starting at once send two or more
 *     Veo requests in the same few ms, and a spent quota costs more than one refused call.
 *  3. The check as the request leaves (`BreakerCall.fetch`): building a request takes time (a Veo
 *     start reads and base64-encodes the scene's still) and another host may open the breaker
 *     meanwhile, so the row is read again right before the first request is sent.
 *  4. The hold while a 429 is decided: a daily 429 opens the breaker a few ms after it arrives (the
 *     answer is parsed, then the row written); meanwhile this process's other calls to that
 *     provider wait at step 3 rather than race the opening.
 *  5. The outcome (`succeeded`, `failed`, `end`): an answer closes the breaker and proves the
 *     window; a daily quota opens it; any other failure releases the trial or the probe so the
 *     next caller may try.
 *
 * Per-minute limits and 5xx do not open the breaker: the asset job reschedules itself with backoff
 * (see ./pipeline/retry-policy). Invariants: in half_open exactly one call (trialOwner) may call;
 * in an unproven window exactly one call (probeOwner) may call; a trial or probe that never
 * answers is reclaimable after TRIAL_STALE_MS / PROBE_STALE_MS (on the database's clock).
 */
import { randomUUID } from "node:crypto";
import { type Db } from "~/server/db";
import { type Provider, type ProviderError } from "~/plugins/spec";

/** A half-open trial unanswered this long (ms) may be claimed by another caller. */
export const TRIAL_STALE_MS = 120_000;
/** A first-call probe unanswered this long (ms) may be claimed by another caller. */
export const PROBE_STALE_MS = 120_000;
/** Bounds (ms) of the delay after which a call held by another host's probe asks again. */
export const PROBE_RECHECK_MIN_MS = 300;
export const PROBE_RECHECK_MAX_MS = 5_000;

export type Refusal =
  | { allowed: false; state: "open" | "half_open"; resetAt: Date | null; reason: string | null }
  /** Another host's first call of the window is out: ask again in `retryInMs`, do not fall back. */
  | { allowed: false; state: "probing"; resetAt: null; reason: string; retryInMs: number };
export type Admission = { allowed: true; trial: boolean; probe: boolean } | Refusal;

/** What the breaker needs of a provider. */
export type BreakerProvider = Pick<Provider, "id" | "model" | "quotaWindowStart">;

type BreakerRow = {
  state: "closed" | "open" | "half_open";
  resetAt: Date | null;
  reason: string | null;
  trialOwner: string | null;
  lastSuccessAt: Date | null;
  probeOwner: string | null;
  probeAt: Date | null;
  /** The database's clock as the row was read. */
  now: Date;
};

/**
 * Reads the breaker with a share lock. The row always exists (created closed on first use), so a
 * read that races an opening waits for it to commit and then sees it open: no call is admitted
 * in the moment between another host's 429 and its write becoming visible.
 */
async function readLocked(db: Db, providerId: string, model: string): Promise<BreakerRow> {
  const read = () =>
    db.$queryRaw<BreakerRow[]>`
      select state::text as state, "resetAt", reason, "trialOwner", "lastSuccessAt", "probeOwner", "probeAt", clock_timestamp()::timestamp(3) as now
      from "ProviderBreaker" where "providerId" = ${providerId} and model = ${model} for share`;
  let rows = await read();
  if (!rows.length) {
    await db.$executeRaw`insert into "ProviderBreaker" ("providerId", model, state, "updatedAt") values (${providerId}, ${model}, 'closed', now()) on conflict do nothing`;
    rows = await read();
  }
  return rows[0]!;
}

/** Has a closed breaker seen a successful call in the provider's current quota window? */
function windowProven(p: BreakerProvider, row: BreakerRow): boolean {
  const start = p.quotaWindowStart?.(row.now);
  return !start || (row.lastSuccessAt !== null && row.lastSuccessAt >= start);
}

function refusal(row: BreakerRow): Refusal {
  if (row.state === "closed") {
    const age = row.probeAt ? row.now.getTime() - row.probeAt.getTime() : 0;
    // The longer the probe has been out, the longer its answer is likely to take.
    const retryInMs = Math.min(PROBE_RECHECK_MAX_MS, Math.max(PROBE_RECHECK_MIN_MS, age));
    return { allowed: false, state: "probing", resetAt: null, reason: `first call of the quota window in flight (${row.probeOwner ?? "?"})`, retryInMs };
  }
  return { allowed: false, state: row.state, resetAt: row.resetAt, reason: row.reason };
}

/** Claims the half-open trial when it is due. One statement, so two hosts racing for it cannot both win. */
async function claimTrial(db: Db, providerId: string, model: string, caller: string): Promise<boolean> {
  const claimed = await db.$executeRaw`
    update "ProviderBreaker" set state = 'half_open', "trialOwner" = ${caller}, "trialAt" = clock_timestamp(), "updatedAt" = clock_timestamp()
    where "providerId" = ${providerId} and model = ${model}
      and ((state = 'open' and ("resetAt" is null or "resetAt" <= clock_timestamp()))
        or (state = 'half_open' and ("trialAt" is null or "trialAt" < clock_timestamp() - make_interval(secs => ${TRIAL_STALE_MS / 1000}))))`;
  return claimed === 1;
}

/** Claims the first call of an unproven window. One statement: one winner across every host. */
async function claimProbe(db: Db, p: BreakerProvider, caller: string, windowStart: Date): Promise<boolean> {
  const claimed = await db.$executeRaw`
    update "ProviderBreaker" set "probeOwner" = ${caller}, "probeAt" = clock_timestamp(), "updatedAt" = clock_timestamp()
    where "providerId" = ${p.id} and model = ${p.model} and state = 'closed'
      and ("lastSuccessAt" is null or "lastSuccessAt" < ${windowStart})
      and ("probeOwner" is null or "probeAt" < clock_timestamp() - make_interval(secs => ${PROBE_STALE_MS / 1000}))`;
  return claimed === 1;
}

/**
 * Is a call `caller` was admitted for still allowed, right before its request leaves? A closed
 * breaker, or the half-open trial this caller holds, lets it go.
 */
export async function stillAdmitted(db: Db, providerId: string, model: string, caller: string): Promise<Admission> {
  const row = await readLocked(db, providerId, model);
  if (row.state === "closed" || (row.state === "half_open" && row.trialOwner === caller)) return { allowed: true, trial: row.state === "half_open", probe: false };
  return refusal(row);
}

/** A call was answered: close the breaker (ends a half-open trial), prove the window, end any probe. */
export async function recordSuccess(db: Db, providerId: string, model: string) {
  await db.$executeRaw`
    update "ProviderBreaker" set state = 'closed', reason = null, "openedAt" = null, "resetAt" = null, "trialOwner" = null, "trialAt" = null,
      failures = 0, "lastSuccessAt" = clock_timestamp(), "probeOwner" = null, "probeAt" = null, "updatedAt" = clock_timestamp()
    where "providerId" = ${providerId} and model = ${model}`;
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
      "trialOwner" = null, "trialAt" = null, "probeOwner" = null, "probeAt" = null,
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

/** A probe ended without an answer that proves the window: the next caller becomes the probe. */
export async function releaseProbe(db: Db, providerId: string, model: string, caller: string) {
  await db.providerBreaker.updateMany({ where: { providerId, model, probeOwner: caller }, data: { probeOwner: null, probeAt: null } });
}

/** Admin: close it by hand. The window counts as unproven again, so the next call is a probe. */
export async function reset(db: Db, providerId: string, model: string) {
  await db.providerBreaker.updateMany({
    where: { providerId, model },
    data: { state: "closed", reason: null, openedAt: null, resetAt: null, trialOwner: null, trialAt: null, failures: 0, lastSuccessAt: null, probeOwner: null, probeAt: null },
  });
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

type Deferred = { promise: Promise<void>; resolve: () => void };
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves with `p`, or rejects when `signal` aborts first. */
function abortable(p: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return p;
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, reject);
  });
}

/** Per provider/model in this process: the first-call probe this process sent, until it answers. */
const localProbes = new Map<string, Deferred>();
/** Per provider/model in this process: a 429 being decided. */
const deciding = new Map<string, Promise<void>>();

/**
 * One call to a provider through the breaker. Create one per call (its id owns a trial or a
 * probe), pass `fetch` to the provider, `admit` inside the concurrency slot right before the
 * call, then report `succeeded` or `failed`, and always `end` (in a finally).
 */
export class BreakerCall {
  /** Identifies this call (host + random) as the owner of a half-open trial or a probe. */
  readonly id: string;
  /** Set when the breaker refused the request as it was about to leave (step 3). */
  refusedAsSent?: Refusal;
  private readonly key: string;
  private checked = false;
  private probe?: Deferred;
  private trial = false;
  /** Set when the provider answered 429: releases this process's other calls once decided. */
  private release?: () => void;

  constructor(
    private readonly db: Db,
    private readonly p: BreakerProvider,
    host: string,
  ) {
    this.id = `${host}/${randomUUID().slice(0, 8)}`;
    this.key = `${p.id}\n${p.model}`;
  }

  /**
   * Steps 1 and 2. Waits while this process's own probe for the provider is out (rejects when
   * `signal` aborts); a refusal with state "probing" means another host's probe is out.
   */
  async admit(signal?: AbortSignal): Promise<Admission> {
    const { db, p, id } = this;
    for (;;) {
      const row = await readLocked(db, p.id, p.model);
      if (row.state !== "closed") {
        if (!(await claimTrial(db, p.id, p.model, id))) return refusal(row);
        this.trial = true;
        return { allowed: true, trial: true, probe: false };
      }
      if (windowProven(p, row)) return { allowed: true, trial: false, probe: false };
      const local = localProbes.get(this.key);
      if (local) {
        await abortable(local.promise, signal);
        continue;
      }
      // Registered (synchronously after the check above) before the claim is tried, so this
      // process's other calls wait for this one rather than race it to the database.
      const mine = deferred();
      localProbes.set(this.key, mine);
      let claimed = false;
      try {
        claimed = await claimProbe(db, p, id, p.quotaWindowStart!(row.now));
      } finally {
        if (claimed) this.probe = mine;
        else this.settleLocalProbe(mine);
      }
      if (claimed) return { allowed: true, trial: false, probe: true };
      // Lost the claim to another host: its probe may just have answered (proven, or opened).
      const again = await readLocked(db, p.id, p.model);
      if (again.state === "closed" && windowProven(p, again)) return { allowed: true, trial: false, probe: false };
      return refusal(again);
    }
  }

  /** Steps 3 and 4: the provider's fetch, checked as its first request leaves. */
  readonly fetch: typeof globalThis.fetch = async (input, init) => {
    if (!this.checked) {
      this.checked = true;
      await deciding.get(this.key);
      const again = await stillAdmitted(this.db, this.p.id, this.p.model, this.id);
      if (!again.allowed) {
        this.refusedAsSent = again;
        throw new Error(`${this.p.id}: breaker ${again.state} before the request was sent`);
      }
    }
    const res = await globalThis.fetch(input, init);
    if (res.status === 429 && !this.release && !deciding.has(this.key)) {
      const held = new Promise<void>((resolve) => (this.release = resolve));
      deciding.set(this.key, held);
      void held.then(() => deciding.delete(this.key));
    }
    return res;
  };

  /** The provider answered (a finished asset, or a started operation): close and prove the window. */
  async succeeded() {
    await recordSuccess(this.db, this.p.id, this.p.model);
    this.probe = this.settleLocalProbe(this.probe);
  }

  /**
   * The call failed with `err`. `resetAt` (a daily quota) opens the breaker, first, before any
   * bookkeeping: every host must stop calling as soon as possible. Otherwise a trial or a probe
   * this call held is released for the next caller.
   */
  async failed(err: ProviderError, resetAt?: Date) {
    try {
      if (resetAt) await open(this.db, this.p.id, this.p.model, resetAt, `${err.code}: ${err.message.slice(0, 200)}`);
      else {
        if (this.trial) await releaseTrial(this.db, this.p.id, this.p.model, this.id, err);
        if (this.probe) await releaseProbe(this.db, this.p.id, this.p.model, this.id);
      }
    } finally {
      this.probe = this.settleLocalProbe(this.probe);
      this.release?.();
    }
  }

  /** However the call ended (thrown before it reached the provider, a 429 the plugin recovered from). */
  async end() {
    this.release?.();
    if (!this.probe) return;
    try {
      await releaseProbe(this.db, this.p.id, this.p.model, this.id);
    } finally {
      this.probe = this.settleLocalProbe(this.probe);
    }
  }

  private settleLocalProbe(d: Deferred | undefined): undefined {
    if (d && localProbes.get(this.key) === d) localProbes.delete(this.key);
    d?.resolve();
    return undefined;
  }
}
