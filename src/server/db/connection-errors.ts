/** Telling a lost database connection (a restart, a failover, a network cut) from other errors. */

/**
 * True for errors of a lost database connection: PostgreSQL's admin/crash shutdown and
 * cannot-connect-now (57P01-57P03), connection exceptions (class 08), the socket's own errors, pg's
 * "Connection terminated" family and Prisma's can't-reach/closed-connection codes (P1001, P1002, P1017).
 */
export function isConnectionError(e: unknown): boolean {
  const err = (typeof e === "object" && e !== null ? e : {}) as { code?: unknown; message?: unknown; cause?: unknown };
  const code = typeof err.code === "string" ? err.code : "";
  if (/^(57P0[123]|08[0-9A-Z]{3}|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|P1001|P1002|P1017)$/.test(code)) return true;
  const message = typeof err.message === "string" ? err.message : "";
  if (/Connection terminated|not queryable|Connection ended|server closed the connection|terminating connection|the database system is (starting up|shutting down)/i.test(message)) return true;
  return err.cause !== undefined && err.cause !== e && isConnectionError(err.cause);
}

/**
 * True for a lost connection reported by the database client itself (Prisma, or pg's own errors),
 * never for another connection a job makes (a provider, a webhook receiver, the object store):
 * a job cut short by it failed because of the database, not of its own work.
 */
export function isDatabaseConnectionError(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const { name, message, severity } = e as { name?: unknown; message?: unknown; severity?: unknown };
  const fromPrisma = typeof name === "string" && /^(PrismaClient|DriverAdapterError)/.test(name);
  const fromPg = typeof severity === "string" || (typeof message === "string" && /Connection terminated|not queryable/.test(message));
  if (fromPrisma && typeof message === "string" && /Can't reach database server|ECONNREFUSED/.test(message)) return true;
  return (fromPrisma || fromPg) && isConnectionError(e);
}
