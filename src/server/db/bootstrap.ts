/**
 * Start-up side of the database, for processes that own their set-up (npm start, the worker,
 * the CLI, scripts): DATABASE_URL or the embedded PostgreSQL, and pending migrations.
 * The web app never imports this: it gets DATABASE_URL from the start script.
 */
import { env } from "~/env";
import { ensureEmbeddedPostgres, type EmbeddedHandle } from "./embedded";
import { applyMigrations } from "./migrate";
import { logFor } from "~/server/log";

let embedded: Promise<EmbeddedHandle> | undefined;

/** The URL to use: DATABASE_URL, or the embedded cluster (started here if nobody runs it). */
export async function resolveDatabaseUrl(log: (m: string) => void = (m) => logFor("db").info(m)): Promise<string> {
  const e = env();
  if (e.DATABASE_URL) return e.DATABASE_URL;
  embedded ??= ensureEmbeddedPostgres({ dataDir: e.DATA_DIR, port: e.EMBEDDED_PG_PORT, database: "reelfarm", log }).then((h) => {
    if (h.owner) process.once("exit", () => void h.stop());
    return h;
  });
  const h = await embedded;
  process.env.DATABASE_URL = h.url; // child processes (the Next server) connect to the same one
  return h.url;
}

/** Stops the embedded cluster if this process started it. */
export async function stopEmbedded() {
  if (embedded) await (await embedded).stop();
}

/** Resolve the URL and apply pending migrations (safe to run from several processes at once). */
export async function prepareDatabase(log: (m: string) => void = (m) => logFor("db").info(m)): Promise<string> {
  const url = await resolveDatabaseUrl(log);
  const applied = await applyMigrations(url);
  if (applied.length) log(`applied migrations: ${applied.join(", ")}`);
  return url;
}
