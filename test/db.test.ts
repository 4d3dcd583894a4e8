import { readFileSync } from "node:fs";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { applyMigrations, checkMigrations } from "~/server/db/migrate";

describe("database migrations", () => {
  it("apply on an empty database and create every table", async () => {
    const base = new URL(process.env.TEST_DATABASE_URL!);
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    const name = `reelfarm_empty_${process.pid}`;
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    try {
      const u = new URL(base);
      u.pathname = `/${name}`;
      const applied = await applyMigrations(u.toString());
      expect(applied.length).toBeGreaterThan(0);
      expect(await applyMigrations(u.toString())).toEqual([]); // idempotent
      const c = new pg.Client({ connectionString: u.toString() });
      await c.connect();
      const tables = (await c.query(`select table_name from information_schema.tables where table_schema = 'public'`)).rows.map((r) => r.table_name);
      await c.end();
      expect(tables).toEqual(expect.arrayContaining(["User", "Campaign", "Render", "RenderAsset", "WorkerHost", "CacheEntry", "ProviderBreaker", "_prisma_migrations"]));
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  it("db:check: schema.prisma matches prisma/migrations", async () => {
    expect(await checkMigrations(process.env.TEST_DATABASE_URL!)).toBeNull();
  });

  it("db:check: reports the missing SQL when the schema gained a column", async () => {
    const schema = readFileSync("prisma/schema.prisma", "utf8").replace("model Team {\n", "model Team {\n  motto String?\n");
    const missing = await checkMigrations(process.env.TEST_DATABASE_URL!, schema);
    expect(missing).toMatch(/ALTER TABLE "Team" ADD COLUMN\s+"motto" TEXT/);
  });
});
