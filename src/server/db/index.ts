/**
 * The database client: Prisma 7 (prisma-client generator) over @prisma/adapter-pg.
 * DATABASE_URL must be resolved first — by ./bootstrap in processes that own start-up, or
 * inherited from the start script by the web app.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/server/generated/prisma/client";

export { PrismaClient };
export type Db = PrismaClient;

export function createDb(url: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
}

const globalForDb = globalThis as unknown as { reelfarmDb?: PrismaClient };

/** Closes the process-wide client's connections if it was created (before stopping the database). */
export async function disconnectDb() {
  const client = globalForDb.reelfarmDb;
  globalForDb.reelfarmDb = undefined;
  if (client) await client.$disconnect().catch(() => {});
}

/** The process-wide client. */
export function db(): PrismaClient {
  if (!globalForDb.reelfarmDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not resolved yet: start Reelfarm with `npm start` (or call prepareDatabase() first).");
    globalForDb.reelfarmDb = createDb(url);
  }
  return globalForDb.reelfarmDb;
}
