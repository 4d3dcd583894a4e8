import { describe, expect, it } from "vitest";
import { isConnectionError, isDatabaseConnectionError } from "./connection-errors";

/** Shapes as pg and Prisma report them (pg's DatabaseError carries `severity`). */
const pgAdminShutdown = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01", severity: "FATAL" });
const pgRefused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
const pgTerminated = new Error("Connection terminated unexpectedly");
const prismaRestart = Object.assign(new Error("Invalid `db.render.update()` invocation: Database error. Code: `57P01`. Message: `terminating connection due to administrator command`"), { name: "PrismaClientKnownRequestError", code: "P2010" });
const prismaUnreachable = Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { name: "PrismaClientInitializationError" });
const webhookRefused = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }) });

describe("connection errors", () => {
  it("tell a lost database connection from other failures", () => {
    for (const e of [pgAdminShutdown, pgRefused, pgTerminated, prismaRestart]) expect(isConnectionError(e)).toBe(true);
    expect(isConnectionError(new Error("duplicate key value violates unique constraint"))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });

  it("a job's database errors are the database client's, never another connection's (a webhook receiver)", () => {
    for (const e of [pgAdminShutdown, pgTerminated, prismaRestart, prismaUnreachable]) expect(isDatabaseConnectionError(e)).toBe(true);
    expect(isConnectionError(webhookRefused)).toBe(true);
    expect(isDatabaseConnectionError(webhookRefused)).toBe(false);
    expect(isDatabaseConnectionError(Object.assign(new Error("unique constraint"), { name: "PrismaClientKnownRequestError", code: "P2002" }))).toBe(false);
  });
});
