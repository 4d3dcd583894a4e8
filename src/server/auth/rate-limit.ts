/**
 * Fixed-window rate limits stored in PostgreSQL (table RateLimit), shared by every web process.
 * One statement counts and decides, so concurrent requests cannot all slip through a stale read.
 *
 * Used for sign-in: per client IP (better-auth's limiter, with this as its storage), and a
 * progressive delay per email and client IP and per email (./index), so neither one address nor
 * a botnet can guess one account's password, and nobody can lock its owner out.
 * Times are PostgreSQL's `now()`, so every web process agrees whatever its own clock says.
 */
import { type Db } from "~/server/db";

export interface RateRule {
  /** Window length in seconds. */
  window: number;
  /** Requests allowed per window. */
  max: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window restarts (when refused). */
  retryAfter: number | null;
}

/** Counts one request against `key` and says whether it is within `rule`. */
export async function consumeRateLimit(db: Db, key: string, rule: RateRule): Promise<RateDecision> {
  const windowMs = rule.window * 1000;
  const rows = await db.$queryRaw<{ count: number; windowStart: Date }[]>`
    insert into "RateLimit" (key, count, "windowStart") values (${key}, 1, now())
    on conflict (key) do update set
      count = case when "RateLimit"."windowStart" < now() - make_interval(secs => ${rule.window}::int) then 1 else "RateLimit".count + 1 end,
      "windowStart" = case when "RateLimit"."windowStart" < now() - make_interval(secs => ${rule.window}::int) then now() else "RateLimit"."windowStart" end
    returning count, "windowStart"`;
  const row = rows[0]!;
  if (row.count <= rule.max) return { allowed: true, retryAfter: null };
  return { allowed: false, retryAfter: Math.max(1, Math.ceil((row.windowStart.getTime() + windowMs - Date.now()) / 1000)) };
}

/**
 * A progressive delay: the first `free` attempts go at once; after that, each attempt must wait
 * `baseSec * 2^(attempts - free)` seconds (capped at `capSec`) after the previous counted one.
 * An attempt made during the wait is refused and NOT counted, so hammering never extends the
 * wait: whoever waits it out gets one try. Attempts are forgotten `resetSec` after the last one.
 */
export interface DelayRule {
  free: number;
  baseSec: number;
  capSec: number;
  resetSec: number;
}

/**
 * Counts one attempt against `key` unless it falls inside the current delay. One statement
 * decides (a row lock serialises concurrent attempts). `retryAfter`: seconds to wait when refused.
 * (The column is timestamp(3): an attempt was counted when the row now carries this statement's
 * now() at that precision.)
 */
export async function consumeDelay(db: Db, key: string, rule: DelayRule): Promise<RateDecision> {
  const rows = await db.$queryRaw<{ counted: boolean; retryAfter: number }[]>`
    with r as (select ${rule.free}::int as free, ${rule.baseSec}::float8 as base, ${rule.capSec}::float8 as cap, ${rule.resetSec}::int as reset)
    insert into "RateLimit" (key, count, "windowStart") values (${key}, 1, now())
    on conflict (key) do update set
      count = case
        when "RateLimit"."windowStart" < now() - make_interval(secs => (select reset from r)) then 1
        when "RateLimit"."windowStart" + make_interval(secs => case when "RateLimit".count < (select free from r) then 0
             else least((select cap from r), (select base from r) * power(2, "RateLimit".count - (select free from r))) end) > now() then "RateLimit".count
        else "RateLimit".count + 1 end,
      "windowStart" = case
        when "RateLimit"."windowStart" < now() - make_interval(secs => (select reset from r)) then now()
        when "RateLimit"."windowStart" + make_interval(secs => case when "RateLimit".count < (select free from r) then 0
             else least((select cap from r), (select base from r) * power(2, "RateLimit".count - (select free from r))) end) > now() then "RateLimit"."windowStart"
        else now() end
    returning "windowStart" = now()::timestamp(3) as counted,
      greatest(0, extract(epoch from ("windowStart" + make_interval(secs => case when count < ${rule.free}::int then 0
        else least(${rule.capSec}::float8, ${rule.baseSec}::float8 * power(2, count - ${rule.free}::int)) end) - now())))::float8 as "retryAfter"`;
  const row = rows[0]!;
  return row.counted ? { allowed: true, retryAfter: null } : { allowed: false, retryAfter: Math.max(1, Math.ceil(row.retryAfter)) };
}

/** Forgets a key (e.g. an email's failures after a successful sign-in). */
export async function clearRateLimit(db: Db, key: string) {
  await db.rateLimit.deleteMany({ where: { key } });
}

/** Drops windows that ended long ago (on the database's clock); returns how many. */
export async function pruneRateLimits(db: Db, olderThanSec = 86_400) {
  return db.$executeRaw`delete from "RateLimit" where "windowStart" < now() - make_interval(secs => ${olderThanSec}::int)`;
}
