/**
 * The encoded-segment cache's index in PostgreSQL (table CacheEntry: key, file, bytes, sha256, hits, buildMs,
 * lastUsedAt), shared by every worker host; the segments live in the shared storage under cache/segments/.
 * Invariants (see src/render/segment-cache.ts): first writer wins on a key; LRU eviction never removes a protected
 * (in-use) segment; a row is written only after its file is in place.
 */
import { Prisma } from "~/server/generated/prisma/client";
import { env } from "~/env";
import { type NewSegmentEntry, SegmentCache, type SegmentIndex } from "~/render/segment-cache";
import { type Db } from "~/server/db";
import { storage } from "~/server/storage";

/** Where segments are stored. */
export const CACHE_PREFIX = "cache/segments";
/** The raw-frame Ken Burns clips of the retired clip cache (issue 13): deleted once per worker process. */
export const RETIRED_PREFIX = "cache/kenburns";

export class PrismaSegmentIndex implements SegmentIndex {
  constructor(private readonly db: Db) {}

  async get(key: string) {
    const r = await this.db.cacheEntry.findUnique({ where: { key }, select: { file: true, bytes: true, sha256: true } });
    return r ? { file: r.file, bytes: Number(r.bytes), sha256: r.sha256 } : null;
  }

  async recordHit(key: string) {
    await this.db.cacheEntry.updateMany({ where: { key }, data: { hits: { increment: 1 }, lastUsedAt: new Date() } });
  }

  async put(e: NewSegmentEntry) {
    const data = { key: e.key, file: e.file, bytes: BigInt(e.bytes), sha256: e.sha256, params: e.params as object, buildMs: e.buildMs };
    try {
      // ON CONFLICT DO UPDATE of lastUsedAt only: the first writer's row stays.
      const r = await this.db.cacheEntry.upsert({ where: { key: e.key }, create: data, update: { lastUsedAt: new Date() }, select: { file: true } });
      return { file: r.file };
    } catch (err) {
      // Two inserts raced past the upsert's check: the other one won.
      if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) throw err;
      const r = await this.db.cacheEntry.findUniqueOrThrow({ where: { key: e.key }, select: { file: true } });
      return { file: r.file };
    }
  }

  async remove(key: string, file: string) {
    await this.db.cacheEntry.deleteMany({ where: { key, file } });
  }

  async evictTo(capBytes: number, protect: ReadonlySet<string> = new Set()) {
    // One statement: a running total over rows newest-first keeps what fits under the cap;
    // the rest (least recently used) is deleted and returned.
    const rows = await this.db.$queryRaw<{ file: string }[]>`
      with ranked as (
        select key, sum(bytes) over (order by "lastUsedAt" desc, key) as running
        from "CacheEntry"
        where not (key = any(${[...protect]}::text[]))
      ), protected_total as (
        select coalesce(sum(bytes), 0) as b from "CacheEntry" where key = any(${[...protect]}::text[])
      )
      delete from "CacheEntry" c using ranked r, protected_total p
      where c.key = r.key and r.running + p.b > ${BigInt(capBytes)}
      returning c.file`;
    return rows.map((r) => r.file);
  }

  async totalBytes() {
    const r = await this.db.cacheEntry.aggregate({ _sum: { bytes: true } });
    return Number(r._sum.bytes ?? 0);
  }
}

let cache: Promise<SegmentCache> | undefined;

/**
 * The process's segment cache over the shared storage (whichever driver `storage()` gives). The first call also
 * deletes the retired raw-frame clips (cache/kenburns/, ~93 MB per second of video) in the background.
 */
export function segmentCacheFor(db: Db): Promise<SegmentCache> {
  cache ??= (async () => {
    const store = await storage();
    void store.deletePrefix(`${RETIRED_PREFIX}/`).catch(() => undefined);
    return new SegmentCache({ store, index: new PrismaSegmentIndex(db), capBytes: env().CACHE_MAX_BYTES, prefix: CACHE_PREFIX });
  })();
  cache.catch(() => (cache = undefined));
  return cache;
}
