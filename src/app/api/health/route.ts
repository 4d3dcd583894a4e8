import { db } from "~/server/db";
import { logFor } from "~/server/log";

export const dynamic = "force-dynamic";

/**
 * Liveness plus a database round trip, for the e2e web server wait and load balancers:
 * `{"status":"up"}` (200) or `{"status":"down"}` (503) and nothing more; why it is down goes to
 * the server log only.
 */
export async function GET() {
  try {
    await db().$queryRaw`select 1`;
    return Response.json({ status: "up" }, { headers: { "cache-control": "no-store" } });
  } catch (e) {
    logFor("health").error({ err: e }, "database check failed");
    return Response.json({ status: "down" }, { status: 503, headers: { "cache-control": "no-store" } });
  }
}
