/**
 * A small world for authorisation tests: two teams, an admin, a marketer in each team, team A's
 * campaign (with an image) and render, and real signed-in sessions (better-auth cookies).
 */
import { randomUUID } from "node:crypto";
import { env } from "~/env";
import { type Prisma } from "~/server/generated/prisma/client";
import { auth } from "~/server/auth";
import { CLIENT_IP_HEADER } from "~/server/http/client-ip";
import { workerUtils } from "~/server/jobs";
import { createCampaign } from "~/server/services/campaigns";
import { createUser } from "~/server/services/users";
import { testDb } from "../helpers/db";

export const PASSWORD = "correct horse battery";

export const brief = {
  name: "Authz campaign",
  product: "Trailblazer boots",
  audience: "hikers",
  message: "Waterproof all day.",
  targetSeconds: 8,
};

/** Signs in through better-auth's own endpoint and returns the session cookie header. */
export async function signIn(email: string, password = PASSWORD): Promise<string> {
  const res = await auth().handler(
    new Request(`${env().PUBLIC_URL}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: new URL(env().PUBLIC_URL).origin, [CLIENT_IP_HEADER]: `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` },
      body: JSON.stringify({ email, password }),
    }),
  );
  if (!res.ok) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/** Headers of a same-origin browser request with this session. */
export function browserHeaders(cookie?: string, extra: Record<string, string> = {}): Headers {
  const h = new Headers({ origin: new URL(env().PUBLIC_URL).origin, host: new URL(env().PUBLIC_URL).host, ...extra });
  if (cookie) h.set("cookie", cookie);
  return h;
}

export async function makeWorld() {
  const db = testDb();
  const tag = randomUUID().slice(0, 8);
  const teamA = await db.team.create({ data: { name: `Team A ${tag}` } });
  const teamB = await db.team.create({ data: { name: `Team B ${tag}` } });
  const admin = (await createUser(db, { email: `admin-${tag}@test.local`, name: "Admin", role: "admin", teamId: teamA.id, password: PASSWORD })).user;
  const marketerA = (await createUser(db, { email: `a-${tag}@test.local`, name: "Marketer A", role: "marketer", teamId: teamA.id, password: PASSWORD })).user;
  const marketerB = (await createUser(db, { email: `b-${tag}@test.local`, name: "Marketer B", role: "marketer", teamId: teamB.id, password: PASSWORD })).user;
  const campaignA = await createCampaign(db, { ...brief, name: `Campaign A ${tag}` }, { userId: marketerA.id, teamId: teamA.id });
  const imageA = await db.campaignImage.create({
    data: { campaignId: campaignA.id, position: 0, file: `uploads/${campaignA.id}/missing.png`, mimeType: "image/png", width: 64, height: 64, bytes: 10, sha256: "0".repeat(64) },
  });
  // A finished render row (no worker needed): what the video route and render procedures look up.
  const renderA = await db.render.create({
    data: { campaignId: campaignA.id, queuedById: marketerA.id, status: "failed", stage: "failed", settings: {}, error: "fixture", finishedAt: new Date() },
  });
  const [adminCookie, aCookie, bCookie] = [await signIn(admin.email), await signIn(marketerA.email), await signIn(marketerB.email)];
  return { tag, teamA, teamB, admin, marketerA, marketerB, campaignA, imageA, renderA, cookies: { admin: adminCookie, a: aCookie, b: bCookie } };
}
export type World = Awaited<ReturnType<typeof makeWorld>>;

/**
 * Renders a test file queued must not run in later files: their graphile-worker jobs are completed unrun and the
 * renders still queued or running are cancelled.
 */
export async function discardRenders(where: Prisma.RenderWhereInput) {
  const ids = (await testDb().render.findMany({ where, select: { id: true } })).map((r) => r.id);
  const u = await workerUtils();
  const jobs = await u.withPgClient((c) => c.query<{ id: string }>(`select id from graphile_worker._private_jobs where payload->>'renderId' = any($1::text[])`, [ids]));
  if (jobs.rows.length) await u.completeJobs(jobs.rows.map((j) => j.id));
  await testDb().render.updateMany({ where: { id: { in: ids }, status: { in: ["queued", "running"] } }, data: { status: "cancelled" } });
}
