/** The Prisma-backed clip cache index against a real PostgreSQL. */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { PrismaClipCacheIndex } from "~/server/services/clip-cache";
import { testDb } from "./helpers/db";

const index = new PrismaClipCacheIndex(testDb());
afterAll(() => testDb().$disconnect());
beforeEach(async () => {
  // Eviction works on the whole table: start from an empty one.
  await testDb().cacheEntry.deleteMany({});
});

describe("PrismaClipCacheIndex", () => {
  it("first writer wins, hits count, rows can be removed", async () => {
    await index.put({ key: "t-a", file: "a1.mkv", bytes: 10, params: { n: 1 } });
    await index.put({ key: "t-a", file: "a2.mkv", bytes: 99, params: { n: 2 } });
    expect(await index.get("t-a")).toEqual({ file: "a1.mkv", bytes: 10 });
    await index.recordHit("t-a");
    await index.recordHit("t-a");
    expect((await testDb().cacheEntry.findUniqueOrThrow({ where: { key: "t-a" } })).hits).toBe(2);
    await index.remove("t-a");
    expect(await index.get("t-a")).toBeNull();
  });

  it("evicts least recently used rows until under the cap, never protected ones", async () => {
    const t = Date.now();
    for (const [i, k] of ["t-old", "t-mid", "t-new", "t-busy"].entries()) {
      await testDb().cacheEntry.create({ data: { key: k, file: `${k}.mkv`, bytes: BigInt(100), params: {}, lastUsedAt: new Date(t + (k === "t-busy" ? -1e6 : i * 1000)) } });
    }
    // 400 bytes, cap 250: t-busy (oldest) is protected, so t-old and t-mid go.
    const removed = await index.evictTo(250, new Set(["t-busy"]));
    expect(removed.sort()).toEqual(["t-mid.mkv", "t-old.mkv"]);
    expect(await index.totalBytes()).toBe(200);
    expect(await index.get("t-new")).not.toBeNull();
    expect(await index.get("t-busy")).not.toBeNull();
  });
});
