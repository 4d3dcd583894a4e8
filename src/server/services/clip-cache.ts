/**
 * The Ken Burns clip cache's index in PostgreSQL (table CacheEntry), shared by every worker
 * host; the clips themselves live in the shared storage under cache/kenburns/.
 * Invariants (see src/render/clip-cache.ts): first writer wins on a key; LRU eviction never
 * removes a protected (in-use) clip; a row is written only after its file is in place.
 */
import path from "node:path";
import { env } from "~/env";
import { createClipCache, type ClipCache, type ClipCacheIndex, type NewClipEntry } from "~/render/clip-cache";
import { type Db } from "~/server/db";
import { storage } from "~/server/storage";

export const CACHE_PREFIX = "cache/kenburns";

export class PrismaClipCacheIndex implements ClipCacheIndex {
  constructor(private readonly db: Db) {}

  async get(key: string) {
    const r = await this.db.cacheEntry.findUnique({ where: { key }, select: { file: true, bytes: true } });
    return r ? { file: r.file, bytes: Number(r.bytes) } : null;
  }

  async recordHit(key: string) {
    await this.db.cacheEntry.updateMany({ where: { key }, data: { hits: { increment: 1 }, lastUsedAt: new Date() } });
  }

  async put(e: NewClipEntry) {
    // ON CONFLICT DO UPDATE of lastUsedAt only: the first writer's row stays.
    await this.db.cacheEntry.upsert({
      where: { key: e.key },
      create: { key: e.key, file: e.file, bytes: BigInt(e.bytes), params: e.params as object, buildMs: e.buildMs },
      update: { lastUsedAt: new Date() },
    });
  }

  async remove(key: string) {
    await this.db.cacheEntry.deleteMany({ where: { key } });
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

let cache: ClipCache | undefined;

/** The process's clip cache over the shared storage (the local driver's directory). */
export async function clipCacheFor(db: Db): Promise<ClipCache> {
  if (!cache) {
    const root = path.dirname(await (await storage()).localPath(`${CACHE_PREFIX}/x`));
    cache = createClipCache({ root, index: new PrismaClipCacheIndex(db), capBytes: env().CACHE_MAX_BYTES });
  }
  return cache;
}
