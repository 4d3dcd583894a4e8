/**
 * Admin → Cache: the encoded-segment cache (CacheEntry rows, files under storage cache/segments):
 * entries and bytes against CACHE_MAX_BYTES, hit rate per day (from renders' segment hits and
 * misses), time saved (hits x build time), the biggest savers, and a purge. Beside it, reused
 * assets (pipeline/asset-reuse.ts): entries, hits, money saved and the assets that saved most.
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
  const reusedAssets = await reusedAssetsOverview(db);
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
    reusedAssets,
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

/**
 * Content-addressed assets, every team: `entries` distinct (team, request) pairs paid for and
 * indexed, `hits` assets that reused one, `savedUsd` the cost models' estimate of the calls
 * avoided; per kind; and the ten assets whose reuse saved most (with the render that paid).
 */
export async function reusedAssetsOverview(db: Db) {
  const [entries, perKind, top] = await Promise.all([
    db.$queryRaw<{ n: bigint; bytes: bigint | null }[]>`
      select count(distinct ("reuseScope", "contentKey"))::bigint as n, null::bigint as bytes
      from "RenderAsset" where "contentKey" is not null and status = 'succeeded' and "reusedFromAssetId" is null`,
    db.$queryRaw<{ kind: string; hits: bigint; saved: number | null }[]>`
      select kind::text as kind, count(*)::bigint as hits, sum("savedUsd")::float8 as saved
      from "RenderAsset" where "reusedFromAssetId" is not null group by kind order by saved desc nulls last`,
    db.$queryRaw<{ id: string; kind: string; sceneIndex: number; providerId: string | null; renderId: string; campaign: string; team: string | null; hits: bigint; saved: number; lastUsedAt: Date | null }[]>`
      select s.id, s.kind::text as kind, s."sceneIndex", s."providerId", s."renderId", c.name as campaign, t.name as team,
        count(*)::bigint as hits, sum(a."savedUsd")::float8 as saved, max(a."finishedAt") as "lastUsedAt"
      from "RenderAsset" a join "RenderAsset" s on s.id = a."reusedFromAssetId"
      join "Render" r on r.id = s."renderId" join "Campaign" c on c.id = r."campaignId" left join "Team" t on t.id = c."teamId"
      group by s.id, c.name, t.name order by saved desc, hits desc limit 10`,
  ]);
  const kinds = perKind.map((k) => ({ kind: k.kind, hits: Number(k.hits), savedUsd: k.saved ?? 0 }));
  return {
    entries: Number(entries[0]?.n ?? 0),
    hits: kinds.reduce((t, k) => t + k.hits, 0),
    savedUsd: kinds.reduce((t, k) => t + k.savedUsd, 0),
    perKind: kinds,
    biggestSavers: top.map((e) => ({ ...e, hits: Number(e.hits) })),
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
