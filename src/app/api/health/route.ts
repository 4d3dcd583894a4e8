import { db } from "~/server/db";

export const dynamic = "force-dynamic";

/** Liveness plus a database round trip; used by the e2e web server wait and load balancers. */
export async function GET() {
  try {
    await db().$queryRaw`select 1`;
    return Response.json({ ok: true });
  } catch (e) {
    return Response.json({ ok: false, error: (e as Error).message }, { status: 503 });
  }
}
