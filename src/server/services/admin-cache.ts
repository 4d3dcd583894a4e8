/**
 * Admin → Cache: the encoded-segment cache (CacheEntry rows, files under storage cache/segments):
 * entries and bytes against CACHE_MAX_BYTES, hit rate per day (from renders' segment hits and
 * misses), time saved (hits x build time), the biggest savers, and a purge.
 */
import { env } from "~/env";
import { type Db } from "~/server/db";
import { storage } from "~/server/storage";
import { lastDays } from "./admin-providers";

/** A purge keeps segments used this recently: a running render may be joining them. Default 5 min. */
export const PURGE_KEEP_RECENT_MS = 5 * 60_000;

export async function cacheOverview(db: Db, now = new Date()) {
  const days = lastDays(14, now);
  const since = new Date(`${days[0]}T00:00:00Z`);
  const [agg, top, perDay, renders, saved] = await Promise.all([
    db.cacheEntry.aggregate({ _count: true, _sum: { bytes: true, hits: true } }),
    // Biggest savers: what each entry's hits saved (hits x build time).
    db.$queryRaw<{ key: string; bytes: bigint; hits: number; buildMs: number; params: unknown; lastUsedAt: Date }[]>`
      select key, bytes, hits, "buildMs", params, "lastUsedAt" from "CacheEntry"
      order by hits::bigint * "buildMs" desc, "lastUsedAt" desc limit 10`,
    db.$queryRaw<{ day: Date; hits: bigint; misses: bigint }[]>`
      select date_trunc('day', "finishedAt" at time zone 'UTC') as day, sum("cacheHits")::bigint as hits, sum("cacheMisses")::bigint as misses
      from "Render" where "finishedAt" >= ${since} and status = 'succeeded' group by 1 order by 1`,
    db.render.aggregate({ where: { status: "succeeded" }, _sum: { cacheHits: true, cacheMisses: true } }),
    db.$queryRaw<{ ms: bigint | null }[]>`select sum(hits::bigint * "buildMs")::bigint as ms from "CacheEntry"`,
  ]);
  const hits = renders._sum.cacheHits ?? 0;
  const misses = renders._sum.cacheMisses ?? 0;
  return {
    entries: agg._count,
    bytes: Number(agg._sum.bytes ?? 0),
    capBytes: env().CACHE_MAX_BYTES,
    hits,
    misses,
    hitRate: hits + misses > 0 ? hits / (hits + misses) : null,
    timeSavedMs: Number(saved[0]?.ms ?? 0),
    daily: days.map((day) => {
      const d = perDay.find((x) => x.day.toISOString().slice(0, 10) === day);
      const h = Number(d?.hits ?? 0);
      const m = Number(d?.misses ?? 0);
      return { day, hits: h, misses: m, hitRatePct: h + m > 0 ? Math.round((1000 * h) / (h + m)) / 10 : null };
    }),
    biggestSavers: top.map((e) => {
      const p = (e.params ?? {}) as { kind?: unknown; scene?: unknown; frames?: unknown };
      return {
        key: e.key.slice(0, 12),
        kind: typeof p.kind === "string" ? p.kind : "segment",
        frames: typeof p.frames === "number" ? p.frames : null,
        bytes: Number(e.bytes),
        hits: e.hits,
        buildMs: e.buildMs,
        savedMs: e.hits * e.buildMs,
        lastUsedAt: e.lastUsedAt,
      };
    }),
  };
}

/** Deletes cache rows (then their files) not used within PURGE_KEEP_RECENT_MS. */
export async function purgeCache(db: Db, now = new Date()) {
  const rows = await db.cacheEntry.findMany({ where: { lastUsedAt: { lt: new Date(now.getTime() - PURGE_KEEP_RECENT_MS) } }, select: { key: true, file: true, bytes: true } });
  // Rows first: a segment whose row is gone is never served again, so deleting its file is safe.
  await db.cacheEntry.deleteMany({ where: { key: { in: rows.map((r) => r.key) } } });
  const store = await storage();
  let failed = 0;
  for (const r of rows) {
    try {
      await store.delete(r.file);
    } catch {
      failed++;
    }
  }
  return { entries: rows.length, bytes: rows.reduce((a, r) => a + Number(r.bytes), 0), filesNotDeleted: failed };
}
