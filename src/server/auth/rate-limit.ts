/**
 * Fixed-window rate limits stored in PostgreSQL (table RateLimit), shared by every web process.
 * One statement counts and decides, so concurrent requests cannot all slip through a stale read.
 *
 * Used for sign-in: per client IP (better-auth's limiter, with this as its storage) and per email
 * (a hook in ./index), so neither one address nor a botnet can guess one account's password.
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

/** Forgets a key (e.g. an email's failures after a successful sign-in). */
export async function clearRateLimit(db: Db, key: string) {
  await db.rateLimit.deleteMany({ where: { key } });
}

/** Drops windows that ended long ago; cheap enough to run on each sign-in. */
export async function pruneRateLimits(db: Db, olderThanSec = 86_400) {
  await db.rateLimit.deleteMany({ where: { windowStart: { lt: new Date(Date.now() - olderThanSec * 1000) } } });
}
