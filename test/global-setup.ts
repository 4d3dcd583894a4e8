/**
 * Test suite set-up: a real PostgreSQL (DATABASE_URL's server if set, else the embedded one in
 * .data/test/run-<pid> on a free port), a fresh `reelfarm_test_<pid>` database with every migration
 * applied, and a fresh storage dir. Tests read TEST_DATABASE_URL.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { ensureEmbeddedPostgres, type EmbeddedHandle } from "~/server/db/embedded";
import { applyMigrations } from "~/server/db/migrate";

let handle: EmbeddedHandle | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export default async function setup() {
  const root = path.resolve(import.meta.dirname, "..");
  // Each run gets its own cluster, database and storage, so concurrent runs never collide.
  const dataDir = path.join(root, ".data", "test", `run-${process.pid}`);
  let baseUrl: string;
  if (process.env.DATABASE_URL) {
    baseUrl = process.env.DATABASE_URL;
  } else {
    handle = await ensureEmbeddedPostgres({ dataDir, port: await freePort(), database: "postgres" });
    baseUrl = handle.url;
  }
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const dbName = `reelfarm_test_${process.pid}`;
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const u = new URL(baseUrl);
  u.pathname = `/${dbName}`;
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
  process.env.LOG_LEVEL ??= "warn";
  process.env.WEBHOOK_ALLOW_PRIVATE ??= "1"; // webhook tests use a receiver on 127.0.0.1

  return async () => {
    if (handle) {
      await handle.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    } else {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${dbName} with (force)`);
      await c.end();
    }
  };
}
