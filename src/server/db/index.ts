/**
 * The database: Prisma 7 (prisma-client generator) over @prisma/adapter-pg.
 * DATABASE_URL when set; otherwise the embedded PostgreSQL in DATA_DIR/pg (see ./embedded).
 */
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "~/env";
import { PrismaClient } from "~/server/generated/prisma/client";
import { ensureEmbeddedPostgres, type EmbeddedHandle } from "./embedded";
import { applyMigrations } from "./migrate";

export { PrismaClient };
export type Db = PrismaClient;

let embedded: Promise<EmbeddedHandle> | undefined;

/** The URL to use: DATABASE_URL, or the embedded cluster (started here if nobody runs it). */
export async function resolveDatabaseUrl(log: (m: string) => void = (m) => console.log(`[db] ${m}`)): Promise<string> {
  const e = env();
  if (e.DATABASE_URL) return e.DATABASE_URL;
  embedded ??= ensureEmbeddedPostgres({ dataDir: e.DATA_DIR, port: e.EMBEDDED_PG_PORT, database: "reelfarm", log }).then((h) => {
    if (h.owner) {
      const stop = () => void h.stop();
      process.once("exit", () => void h.stop());
      process.once("beforeExit", stop);
    }
    return h;
  });
  const h = await embedded;
  process.env.DATABASE_URL = h.url; // child processes (the Next server, extra workers) connect to the same one
  return h.url;
}

/** Stops the embedded cluster if this process started it. */
export async function stopEmbedded() {
  if (embedded) await (await embedded).stop();
}

/** Resolve the URL and apply pending migrations (safe to run from several processes at once). */
export async function prepareDatabase(log: (m: string) => void = (m) => console.log(`[db] ${m}`)): Promise<string> {
  const url = await resolveDatabaseUrl(log);
  const applied = await applyMigrations(url);
  if (applied.length) log(`applied migrations: ${applied.join(", ")}`);
  return url;
}

export function createDb(url: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
}

const globalForDb = globalThis as unknown as { reelfarmDb?: PrismaClient };

/** The process-wide client; DATABASE_URL must be resolved first (prepareDatabase / start script). */
export function db(): PrismaClient {
  if (!globalForDb.reelfarmDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not resolved yet: call prepareDatabase() at start-up (npm start does).");
    globalForDb.reelfarmDb = createDb(url);
  }
  return globalForDb.reelfarmDb;
}

export const dataPath = (...p: string[]) => path.join(env().DATA_DIR, ...p);
