/** The embedded PostgreSQL: one cluster per data dir, shared by concurrent processes, reused across starts. */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { ensureEmbeddedPostgres } from "~/server/db/embedded";

const dataDir = path.resolve(".data/test", `embedded-${process.pid}`);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

async function query(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

describe("embedded PostgreSQL", () => {
  it("two starters at once make one cluster: the second connects; data survives a restart", async () => {
    const port = await freePort();
    const [a, b] = await Promise.all([
      ensureEmbeddedPostgres({ dataDir, port, database: "app" }),
      ensureEmbeddedPostgres({ dataDir, port, database: "app" }),
    ]);
    expect([a.owner, b.owner].sort()).toEqual([false, true]);
    expect(a.url).toBe(b.url);
    expect(a.url).not.toContain(dataDir); // a TCP URL with a generated password, not a path
    await query(a.url, "create table kept (v text); insert into kept values ('still here')");
    await (a.owner ? a : b).stop();
    const again = await ensureEmbeddedPostgres({ dataDir, port, database: "app" });
    expect(again.owner).toBe(true);
    expect(await query(again.url, "select v from kept")).toEqual([{ v: "still here" }]);
    await again.stop();
    expect(fs.existsSync(path.join(dataDir, "pg.lock"))).toBe(false);
  });
});
