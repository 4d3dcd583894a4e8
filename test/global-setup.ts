/**
 * Test suite set-up: a real PostgreSQL (DATABASE_URL's server if set, else the embedded one in
 * .data/test-pg on its own port), a fresh `reelfarm_test` database with every migration
 * applied, and a fresh storage dir. Tests read TEST_DATABASE_URL.
 */
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { ensureEmbeddedPostgres, type EmbeddedHandle } from "~/server/db/embedded";
import { applyMigrations } from "~/server/db/migrate";

let handle: EmbeddedHandle | undefined;

export default async function setup() {
  const root = path.resolve(import.meta.dirname, "..");
  const dataDir = path.join(root, ".data", "test");
  let baseUrl: string;
  if (process.env.DATABASE_URL) {
    baseUrl = process.env.DATABASE_URL;
  } else {
    handle = await ensureEmbeddedPostgres({ dataDir, port: Number(process.env.TEST_PG_PORT ?? 54339), database: "postgres" });
    baseUrl = handle.url;
  }
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`drop database if exists reelfarm_test with (force)`);
  await admin.query(`create database reelfarm_test`);
  await admin.end();
  const u = new URL(baseUrl);
  u.pathname = "/reelfarm_test";
  const url = u.toString();
  await applyMigrations(url);

  const storageDir = path.join(dataDir, "storage");
  fs.rmSync(storageDir, { recursive: true, force: true });
  fs.mkdirSync(storageDir, { recursive: true });
  process.env.TEST_DATABASE_URL = url;
  process.env.DATABASE_URL = url;
  process.env.STORAGE_DIR = storageDir;
  process.env.DATA_DIR = dataDir;
  process.env.WORKER_OFFLINE_AFTER_SECONDS ??= "6";

  return async () => {
    await handle?.stop();
  };
}
