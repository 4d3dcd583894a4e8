import { db } from "~/server/db";
import { requireBearer, requireUser, jsonError } from "~/server/auth/guard";
import { collectMetrics } from "~/server/services/metrics";

export const dynamic = "force-dynamic";

/**
 * GET /api/metrics — Prometheus text format, for admins only: an API token with the `admin`
 * scope (an admin's token: `Authorization: Bearer rf_…`, what a Prometheus scrape config sends)
 * or an admin's session. 401 without credentials, 403 for anyone else. Values are read from the
 * database at scrape time (services/metrics.ts says why), so one target covers every host.
 */
export async function GET(req: Request) {
  const g = req.headers.has("authorization") ? await requireBearer(req, { scope: "admin" }) : await requireUser(req, { admin: true });
  if (g.response) return g.response;
  if (g.user.role !== "admin") return jsonError(403, "Admins only");
  const registry = await collectMetrics(db());
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}
