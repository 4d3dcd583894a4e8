/**
 * `npm run bench:dashboard` (tsx bench/dashboard.ts): the dashboard's server time with 10,000
 * renders, and how fast a queued render reaches a worker.
 *
 * - Seeds a fresh database `reelfarm_bench` (on DATABASE_URL's server, else an embedded
 *   PostgreSQL in .data/bench): 2 teams, 40 campaigns, 10,000 renders over 60 days with 17
 *   assets each, 14 days of provider stats, 300 cache entries.
 * - Server time: each request goes through the real tRPC route handler (session lookup,
 *   authorisation, query, superjson) in this process; 50 timed requests per endpoint after 5
 *   warm-ups: the history list (a marketer's team, cycling filters and deep cursors), a render's
 *   detail (random renders), the admin overview.
 * - Click to worker start: a worker host runs as its own process; "Queue render" (the tRPC
 *   mutation) is timed from the request to the moment the worker marks the render started
 *   (Render.startedAt), 10 times; each render is then cancelled.
 * The last line of output is one JSON object with the figures. Targets: p95 < 150 ms, start < 1 s.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import superjson from "superjson";
import { ensureEmbeddedPostgres } from "~/server/db/embedded";
import { applyMigrations } from "~/server/db/migrate";

const root = path.resolve(import.meta.dirname, "..");
const RENDERS = 10_000;
const CAMPAIGNS = 40;
const SAMPLES = 50;
const log = (m: string) => console.log(`[bench] ${m}`);

async function benchDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dataDir = path.join(root, ".data", "bench");
  const handle = process.env.DATABASE_URL ? null : await ensureEmbeddedPostgres({ dataDir, port: Number(process.env.BENCH_PG_PORT ?? 54369), database: "postgres" });
  const base = process.env.DATABASE_URL ?? handle!.url;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query("drop database if exists reelfarm_bench with (force)");
  await admin.query("create database reelfarm_bench");
  await admin.end();
  const u = new URL(base);
  u.pathname = "/reelfarm_bench";
  await applyMigrations(u.toString());
  const storageDir = path.join(dataDir, "storage");
  fs.rmSync(storageDir, { recursive: true, force: true });
  Object.assign(process.env, { DATABASE_URL: u.toString(), DATA_DIR: dataDir, STORAGE_DIR: storageDir, LOG_LEVEL: "warn" });
  delete process.env.GEMINI_API_KEY;
  return { url: u.toString(), stop: async () => void (await handle?.stop()) };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10;
};

async function main() {
  const t0 = Date.now();
  const { url, stop } = await benchDatabase();
  // Imported after the environment points at the bench database.
  const { db } = await import("~/server/db");
  const { createUser } = await import("~/server/services/users");
  const { createCampaign } = await import("~/server/services/campaigns");
  const { seedRenders } = await import("./dashboard-seed");
  const { signIn, trpcCall } = await import("./dashboard-client");

  const teams = [await db().team.create({ data: { name: "Growth" } }), await db().team.create({ data: { name: "Brand" } })];
  const pw = "bench-password-123";
  const admin = (await createUser(db(), { email: "admin@bench.local", name: "Admin", role: "admin", teamId: teams[0]!.id, password: pw })).user;
  const marketer = (await createUser(db(), { email: "mia@bench.local", name: "Mia", role: "marketer", teamId: teams[0]!.id, password: pw })).user;
  const campaigns = [];
  for (let i = 0; i < CAMPAIGNS; i++) {
    const team = teams[i % 2]!;
    campaigns.push(await createCampaign(db(), { name: `Campaign ${i}`, product: `Product ${i}`, audience: "busy people", message: "Works. Fast. Cheap.", targetSeconds: 12 }, { teamId: team.id, userId: i % 2 ? admin.id : marketer.id }));
  }
  const seeded = await seedRenders(db(), { renders: RENDERS, campaigns: campaigns.map((c) => c.id), users: [admin.id, marketer.id] });
  const seedS = (Date.now() - t0) / 1000;
  log(`seeded ${seeded.renders} renders, ${seeded.assets} assets in ${seedS.toFixed(1)} s`);

  const cookies = { admin: await signIn(admin.email, pw), marketer: await signIn(marketer.email, pw) };
  const teamRenders = (await db().$queryRaw<{ id: string }[]>`select r.id from "Render" r join "Campaign" c on c.id = r."campaignId" where c."teamId" = ${teams[0]!.id}`).map((r) => r.id);
  const teamCampaigns = campaigns.filter((c) => c.teamId === teams[0]!.id).map((c) => c.id);

  // A deep cursor: the 4000th newest render of the team.
  const deep = await db().$queryRaw<{ createdAt: Date; id: string }[]>`
    select r."createdAt", r.id from "Render" r join "Campaign" c on c.id = r."campaignId" where c."teamId" = ${teams[0]!.id}
    order by r."createdAt" desc, r.id desc offset 4000 limit 1`;
  const deepCursor = `${deep[0]!.createdAt.toISOString()}_${deep[0]!.id}`;
  const historyInputs = [
    { limit: 25 },
    { limit: 25, status: "failed" },
    { limit: 25, campaignId: teamCampaigns[3] },
    { limit: 25, cursor: deepCursor },
    { limit: 25, from: new Date(Date.now() - 20 * 86_400_000), to: new Date(Date.now() - 10 * 86_400_000) },
  ];

  async function time(name: string, fn: (i: number) => Promise<{ status: number }>) {
    for (let i = 0; i < 5; i++) await fn(i);
    const ms: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const s = performance.now();
      const r = await fn(i);
      ms.push(performance.now() - s);
      if (r.status !== 200) throw new Error(`${name}: HTTP ${r.status}`);
    }
    log(`${name}: p50 ${pct(ms, 50)} ms, p95 ${pct(ms, 95)} ms (${SAMPLES} requests)`);
    return { p50: pct(ms, 50), p95: pct(ms, 95) };
  }
  const history = await time("history list", (i) => trpcCall("history.list", "query", historyInputs[i % historyInputs.length], cookies.marketer));
  const detail = await time("render detail", (i) => trpcCall("render.get", "query", { id: teamRenders[(i * 7919) % teamRenders.length] }, cookies.marketer));
  const overview = await time("admin overview", () => trpcCall("admin.overview", "query", undefined, cookies.admin));

  // Click to worker start, with a worker host in its own process.
  const worker = spawn(process.execPath, ["--import", "tsx", path.join(root, "worker/index.ts")], { cwd: root, env: { ...process.env, DATABASE_URL: url }, stdio: ["ignore", "ignore", "inherit"] });
  const deadline = Date.now() + 60_000;
  while (!(await db().workerHost.findFirst({ where: { pid: worker.pid!, stoppedAt: null } }))) {
    if (Date.now() > deadline) throw new Error("the worker did not start within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 1500)); // its pool is listening
  const starts: number[] = [];
  for (let i = 0; i < 10; i++) {
    const clicked = Date.now();
    const res = await trpcCall("render.queue", "mutation", { campaignId: teamCampaigns[i % teamCampaigns.length], preset: "preview" }, cookies.marketer);
    const id = (superjson.deserialize((JSON.parse(res.body) as { result: { data: object } }).result.data as never) as { id: string }).id;
    let started: Date | null = null;
    while (!started) {
      if (Date.now() - clicked > 30_000) throw new Error("a queued render did not start within 30 s");
      started = (await db().render.findUniqueOrThrow({ where: { id }, select: { startedAt: true } })).startedAt;
      if (!started) await new Promise((r) => setTimeout(r, 5));
    }
    starts.push(started.getTime() - clicked);
    await db().render.update({ where: { id }, data: { status: "cancelled", stage: "cancelled", finishedAt: new Date() } });
    await new Promise((r) => setTimeout(r, 300));
  }
  log(`click to worker start: p50 ${pct(starts, 50)} ms, p95 ${pct(starts, 95)} ms, max ${Math.max(...starts)} ms (10 renders)`);
  await new Promise<void>((r) => (worker.once("exit", () => r()), worker.kill("SIGTERM")));
  await db().$disconnect();
  const { closeQueue } = await import("~/server/jobs");
  await closeQueue();
  await stop();
  console.log(
    JSON.stringify({
      renders_seeded: seeded.renders,
      assets_seeded: seeded.assets,
      seed_s: Math.round(seedS * 10) / 10,
      history_list_p50_ms: history.p50,
      history_list_p95_ms: history.p95,
      render_detail_p50_ms: detail.p50,
      render_detail_p95_ms: detail.p95,
      admin_overview_p50_ms: overview.p50,
      admin_overview_p95_ms: overview.p95,
      queue_to_worker_start_p50_ms: pct(starts, 50),
      queue_to_worker_start_p95_ms: pct(starts, 95),
      queue_to_worker_start_max_ms: Math.max(...starts),
    }),
  );
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
