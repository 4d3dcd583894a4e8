/** The Prisma-backed segment cache index against a real PostgreSQL, and the cache over it with two "hosts". */
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { SegmentCache } from "~/render/segment-cache";
import { PrismaSegmentIndex } from "~/server/services/segment-cache";
import { LocalStorage } from "~/server/storage";
import { testDb } from "./helpers/db";

const index = new PrismaSegmentIndex(testDb());
afterAll(() => testDb().$disconnect());
beforeEach(async () => {
  // Eviction works on the whole table: start from an empty one.
  await testDb().cacheEntry.deleteMany({});
});

const row = (key: string, file: string, bytes: number) => ({ key, file, bytes, sha256: "a".repeat(64), buildMs: 5, params: { n: bytes } });

describe("PrismaSegmentIndex", () => {
  it("first writer wins (also when both insert at once), hits count, a row is removed only if it names the file", async () => {
    expect(await index.put(row("t-a", "a1.mp4", 10))).toEqual({ file: "a1.mp4" });
    expect(await index.put(row("t-a", "a2.mp4", 99))).toEqual({ file: "a1.mp4" });
    expect(await index.get("t-a")).toEqual({ file: "a1.mp4", bytes: 10, sha256: "a".repeat(64) });
    const raced = await Promise.all(Array.from({ length: 6 }, (_, i) => index.put(row("t-race", `r${i}.mp4`, i + 1))));
    expect(new Set(raced.map((r) => r.file)).size).toBe(1);
    expect(await testDb().cacheEntry.count({ where: { key: "t-race" } })).toBe(1);
    await index.recordHit("t-a");
    await index.recordHit("t-a");
    expect((await testDb().cacheEntry.findUniqueOrThrow({ where: { key: "t-a" } })).hits).toBe(2);
    await index.remove("t-a", "a2.mp4");
    expect(await index.get("t-a")).not.toBeNull();
    await index.remove("t-a", "a1.mp4");
    expect(await index.get("t-a")).toBeNull();
  });

  it("evicts least recently used rows until under the cap, never protected ones", async () => {
    const t = Date.now();
    for (const [i, k] of ["t-old", "t-mid", "t-new", "t-busy"].entries()) {
      await testDb().cacheEntry.create({ data: { key: k, file: `${k}.mp4`, bytes: BigInt(100), sha256: "0".repeat(64), params: {}, lastUsedAt: new Date(t + (k === "t-busy" ? -1e6 : i * 1000)) } });
    }
    // 400 bytes, cap 250: t-busy (oldest) is protected, so t-old and t-mid go.
    const removed = await index.evictTo(250, new Set(["t-busy"]));
    expect(removed.sort()).toEqual(["t-mid.mp4", "t-old.mp4"]);
    expect(await index.totalBytes()).toBe(200);
    expect(await index.get("t-new")).not.toBeNull();
    expect(await index.get("t-busy")).not.toBeNull();
  });
});

describe("SegmentCache over storage + PostgreSQL", () => {
  it("two hosts publishing one key leave one row and one file; a corrupt file is a miss and its row goes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rf-segidx-"));
    const store = new LocalStorage(join(dir, "store"));
    const hostA = new SegmentCache({ store, index: new PrismaSegmentIndex(testDb()) });
    const hostB = new SegmentCache({ store, index: new PrismaSegmentIndex(testDb()) });
    await writeFile(join(dir, "a.mp4"), "segment built on host A");
    await writeFile(join(dir, "b.mp4"), "segment built on host B, other bytes");
    const key = "cd".repeat(32);
    const [pa, pb] = await Promise.all([
      hostA.publish(key, join(dir, "a.mp4"), { buildMs: 120, params: { kind: "body" } }),
      hostB.publish(key, join(dir, "b.mp4"), { buildMs: 130, params: { kind: "body" } }),
    ]);
    expect(pa).toBe(pb);
    expect(await testDb().cacheEntry.count()).toBe(1);
    expect((await readdir(join(dir, "store", "cache", "segments", "cd"))).filter((f) => !f.includes(".tmp"))).toHaveLength(1);
    const hit = await hostB.lookup(key);
    expect(hit?.path).toBe(pa);
    expect((await testDb().cacheEntry.findUniqueOrThrow({ where: { key } })).hits).toBe(1);
    // Same size, other bytes: the sha256 check catches it.
    const { readFile } = await import("node:fs/promises");
    const bytes = await readFile(pa);
    bytes[0] = bytes[0]! ^ 1;
    await writeFile(pa, bytes);
    expect(await hostA.lookup(key)).toBeNull();
    expect(await testDb().cacheEntry.count()).toBe(0);
  });
});
