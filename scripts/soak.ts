/**
 * `npm run soak [-- --renders 50]`: the fault soak. Renders short previews (6 s) across two worker
 * processes against the fake Gemini API while faults are injected, then checks what must hold.
 *
 * Faults (each once, at a point of the batch):
 * - providers: 5xx answers (image `internal`, voiceover `unavailable`) and hangs (Veo operations
 *   that never finish), throughout;
 * - one ffmpeg killed (SIGKILL) while a worker assembles;
 * - one worker process SIGKILLed at 25% of the renders settled (a new one takes its place, on
 *   the same "machine": the same TMPDIR);
 * - the embedded PostgreSQL stopped and started again at 50% (only when this script owns it).
 *
 * Checks: every render ends succeeded or failed with a short error (no path, no stack); none is
 * stuck (all settled before the deadline); none is rendered twice (one succeeded assembly per
 * render in the workers' logs); exactly one output per succeeded render and none for a failed one;
 * no worker process ended but the SIGKILLed one (the database restart included); no temp files
 * left in the workers' temp dirs (each machine has its own TMPDIR; the SIGKILLed worker's folder is
 * swept by its replacement at start) or in storage.
 *
 * Prints a readable report and, as the last line, one JSON object with the figures; exits 1 when
 * a check fails. `soak()` is exported for the short version in the test suite.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type FakeGemini } from "~/plugins/google/fake-server";

const root = path.resolve(import.meta.dirname, "..");

export interface SoakOptions {
  renders: number;
  /** Database of the run (migrated). */
  databaseUrl: string;
  storageDir: string;
  fake: FakeGemini;
  /** Stops and starts the database once, mid-batch; absent: no database restart. */
  restartDatabase?: () => Promise<void>;
  /** Kill one ffmpeg during an assembly. Default true. */
  killFfmpeg?: boolean;
  /** Every render must settle within this (ms). */
  deadlineMs: number;
  log?: (m: string) => void;
}

export interface SoakResult {
  renders: number;
  succeeded: number;
  failed: number;
  stuck: number;
  errors: Record<string, number>;
  renderedTwice: string[];
  outputsMissing: string[];
  outputsExtra: string[];
  tempLeft: string[];
  /** Temp folders of the SIGKILLed worker left at the end (its replacement sweeps them at start). */
  tempLeftByKilled: string[];
  /** Worker processes that ended by themselves during the run (pid and exit code or signal). */
  workersDied: string[];
  badErrors: string[];
  faults: { workerKilled: boolean; ffmpegKilled: boolean; databaseRestarted: boolean; providerFaults: number };
  /** The database restart: renders settled before it, seconds the database was down, and what the workers logged through it. */
  restart: { atSettled: number; downSec: number; connectionLossesLogged: number; jobsGivenBack: number; jobsQueuedAgain: number; workerStartRetries: number } | null;
  wallSec: number;
  violations: string[];
}

interface Worker {
  child: ChildProcess;
  tmp: string;
  out: () => string;
}

/** A worker process; `tmp` is its machine's TMPDIR (a replacement shares the one of the worker it replaces). */
function spawnWorker(name: string, o: SoakOptions, tmpRoot: string, tmp = path.join(tmpRoot, name)): Worker {
  fs.mkdirSync(tmp, { recursive: true });
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "worker", "index.ts")], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: o.databaseUrl,
      STORAGE_DIR: o.storageDir,
      TMPDIR: tmp,
      LOG_LEVEL: "info",
      GEMINI_API_KEY: "soak-gemini-key-0001",
      GEMINI_BASE_URL: o.fake.baseUrl,
      PROVIDER_OPTIONS: JSON.stringify({ "google-veo": { firstPollDelayMs: 300, pollIntervalMs: 300, operationTimeoutMs: 8_000 } }),
      WORKER_CONCURRENCY: "4",
      WORKER_OFFLINE_AFTER_SECONDS: "6",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  return { child, tmp, out: () => out };
}

/** Pids of the processes below `pid` (children, grandchildren…). */
function descendants(pid: number): { pid: number; cmd: string }[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid=,comm="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .map(([p, pp, c]) => ({ pid: Number(p), ppid: Number(pp), cmd: c ?? "" }));
  const out: { pid: number; cmd: string }[] = [];
  const walk = (p: number) => {
    for (const r of rows.filter((x) => x.ppid === p)) {
      out.push({ pid: r.pid, cmd: r.cmd });
      walk(r.pid);
    }
  };
  walk(pid);
  return out;
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => !d.isDirectory()).map((d) => path.join(d.parentPath, d.name));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function soak(o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? (() => {});
  const { createDb } = await import("~/server/db");
  const { createCampaign } = await import("~/server/services/campaigns");
  const { queueRender } = await import("~/server/services/renders");
  const db = createDb(o.databaseUrl);
  const t0 = Date.now();
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "rf-soak-"));
  const faults = { workerKilled: false, ffmpegKilled: false, databaseRestarted: false, providerFaults: 0 };
  let restartAt: { atSettled: number; downSec: number } | null = null;

  // Provider faults through the batch: 5xx that are retried, and Veo operations that hang until their deadline.
  o.fake.setFault("image", { fault: { type: "internal" }, times: Math.max(2, Math.round(o.renders / 4)) });
  o.fake.setFault("voiceover", { fault: { type: "unavailable" }, times: Math.max(2, Math.round(o.renders / 4)) });
  o.fake.setFault("video", { fault: { type: "never_finish" }, times: Math.max(1, Math.round(o.renders / 10)) });

  const workers = [spawnWorker("w1", o, tmpRoot), spawnWorker("w2", o, tmpRoot)];
  const retired: Worker[] = [];
  try {
    const registered = async (w: Worker) => {
      const deadline = Date.now() + 120_000;
      while (!(await db.workerHost.findFirst({ where: { pid: w.child.pid, stoppedAt: null } }))) {
        if (Date.now() > deadline || w.child.exitCode !== null) throw new Error(`worker ${w.child.pid} did not start:\n${w.out().slice(-2000)}`);
        await sleep(300);
      }
    };
    await Promise.all(workers.map(registered));
    log(`two workers up (pids ${workers.map((w) => w.child.pid).join(", ")}); queueing ${o.renders} renders`);

    const ids: string[] = [];
    for (let i = 0; i < o.renders; i++) {
      const c = await createCampaign(db, { name: `Soak ${i}`, product: "Trail boots", audience: "Hikers", message: "Waterproof. Light.", targetSeconds: 6, musicMood: "none" });
      ids.push((await queueRender(db, { campaignId: c.id, preset: "preview" })).id);
    }

    const settled = async () => db.render.count({ where: { id: { in: ids }, status: { in: ["succeeded", "failed", "cancelled"] } } });
    const deadline = t0 + o.deadlineMs;
    let done = 0;
    let lastReport = 0;
    while (Date.now() < deadline) {
      try {
        done = await settled();
      } catch {
        await sleep(500); // the database is restarting
        continue;
      }
      if (done >= o.renders) break;
      if (Date.now() - lastReport > 15_000) {
        log(`${done}/${o.renders} settled after ${Math.round((Date.now() - t0) / 1000)} s`);
        lastReport = Date.now();
      }
      if ((o.killFfmpeg ?? true) && !faults.ffmpegKilled) {
        for (const w of workers) {
          const ff = descendants(w.child.pid!).find((p) => p.cmd === "ffmpeg");
          if (ff && (await db.render.count({ where: { id: { in: ids }, stage: "assemble" } })) > 0) {
            try {
              process.kill(ff.pid, "SIGKILL");
              faults.ffmpegKilled = true;
              log(`killed ffmpeg ${ff.pid} of worker ${w.child.pid}`);
            } catch {
              /* it ended meanwhile */
            }
            break;
          }
        }
      }
      if (!faults.workerKilled && done >= Math.ceil(o.renders / 4)) {
        const victim = workers.shift()!;
        victim.child.kill("SIGKILL");
        retired.push(victim);
        faults.workerKilled = true;
        log(`SIGKILLed worker ${victim.child.pid} at ${done}/${o.renders}`);
        // Its replacement on the same machine (same TMPDIR) sweeps the dead worker's temp folder at start.
        const fresh = spawnWorker("w3", o, tmpRoot, victim.tmp);
        workers.push(fresh);
        await registered(fresh).catch((e: unknown) => log(`replacement worker: ${(e as Error).message}`));
      }
      if (o.restartDatabase && !faults.databaseRestarted && done >= Math.ceil(o.renders / 2)) {
        faults.databaseRestarted = true;
        log(`restarting PostgreSQL at ${done}/${o.renders}`);
        const down = Date.now();
        await o.restartDatabase();
        restartAt = { atSettled: done, downSec: Math.round((Date.now() - down) / 100) / 10 };
        log(`PostgreSQL is back after ${restartAt.downSec} s`);
      }
      await sleep(500);
    }

    // A worker that ended by itself (e.g. on the database restart) is a failure of its own.
    const workersDied = workers.filter((w) => w.child.exitCode !== null || w.child.signalCode !== null).map((w) => `${w.child.pid} (${w.child.exitCode ?? w.child.signalCode}): ${w.out().slice(-600)}`);
    // Let the workers finish their bookkeeping (temp dirs go in finally blocks) before they stop.
    for (const w of workers) await stop(w.child);
    const renders = await db.render.findMany({ where: { id: { in: ids } } });
    const succeeded = renders.filter((r) => r.status === "succeeded");
    const failed = renders.filter((r) => r.status === "failed" || r.status === "cancelled");
    const stuck = renders.filter((r) => !["succeeded", "failed", "cancelled"].includes(r.status));
    const errors: Record<string, number> = {};
    for (const r of failed) errors[r.error ?? "(none)"] = (errors[r.error ?? "(none)"] ?? 0) + 1;
    const badErrors = failed.filter((r) => !r.error || r.error.length > 300 || /\/(tmp|root|home|var|work)\/|\n\s+at /.test(r.error)).map((r) => `${r.id}: ${r.error}`);

    // Rendered twice: more than one succeeded assembly of a render in the workers' logs.
    const logs = [...workers, ...retired].map((w) => w.out()).join("\n");
    const assembled = new Map<string, number>();
    for (const m of logs.matchAll(/render:assemble \{\\?"renderId\\?":\\?"([a-z0-9]+)\\?"\}: succeeded/g)) assembled.set(m[1]!, (assembled.get(m[1]!) ?? 0) + 1);
    const renderedTwice = [...assembled].filter(([, n]) => n > 1).map(([id]) => id);
    const restart = restartAt && {
      ...restartAt,
      connectionLossesLogged: (logs.match(/database connection lost/g) ?? []).length,
      jobsGivenBack: [...logs.matchAll(/gave back (\d+) job\(s\)/g)].reduce((n, m) => n + Number(m[1]), 0),
      jobsQueuedAgain: (logs.match(/interrupted by a lost database connection; queued again/g) ?? []).length,
      workerStartRetries: (logs.match(/the database went away during start-up/g) ?? []).length,
    };

    const outputsMissing: string[] = [];
    const outputsExtra: string[] = [];
    for (const r of renders) {
      const files = filesUnder(path.join(o.storageDir, "renders", r.id)).filter((f) => !f.includes(`${path.sep}assets${path.sep}`));
      const mp4 = files.filter((f) => f.endsWith(".mp4"));
      if (r.status === "succeeded" && !(mp4.length === 1 && r.outputFile && fs.existsSync(path.join(o.storageDir, r.outputFile)))) outputsMissing.push(r.id);
      // Beside output.mp4 a render keeps small records (onscreen.json); a second video or a partial write is extra.
      const partial = files.filter((f) => /\.tmp|tmp-|\.partial/.test(path.basename(f)));
      if (mp4.length > 1 || partial.length || (r.status !== "succeeded" && mp4.length > 0)) outputsExtra.push(`${r.id}: ${files.map((f) => path.basename(f)).join(", ")}`);
    }
    // Everything Reelfarm puts in a worker's temp dir (tsx's compile cache is not ours). The
    // SIGKILLed worker's folder (named with its pid) is counted apart too: its replacement must have swept it.
    const ours = (w: Worker) => fs.readdirSync(w.tmp).filter((d) => !d.startsWith("tsx-")).map((d) => path.join(w.tmp, d));
    const tempLeftByKilled = retired.flatMap(ours).filter((d) => retired.some((w) => path.basename(d).includes(`-${w.child.pid}-`)));
    const tempLeft = [
      ...new Set([...workers, ...retired].flatMap(ours)),
      ...filesUnder(o.storageDir).filter((f) => /\.tmp|tmp-|\.partial/.test(path.basename(f))),
    ];
    faults.providerFaults = o.fake.calls.filter((c) => c.fault === "internal" || c.fault === "unavailable" || c.fault === "never_finish").length;

    const violations: string[] = [];
    if (stuck.length) {
      const detail: string[] = [];
      for (const r of stuck) {
        const assets = await db.renderAsset.findMany({ where: { renderId: r.id }, orderBy: [{ kind: "asc" }, { sceneIndex: "asc" }] });
        // The queue's internals are graphile-worker's: when its schema differs, report without them.
        const jobs = await db
          .$queryRaw<{ task_identifier: string; attempts: number; max_attempts: number; last_error: string | null; locked_by: string | null; run_at: Date }[]>`
            select t.identifier as task_identifier, j.attempts, j.max_attempts, j.last_error, j.locked_by, j.run_at
            from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where j.payload::text like ${`%${r.id}%`}`
          .catch(() => []);
        detail.push(
          `${r.id} ${r.status}/${r.stage} assets [${assets.map((a) => `${a.kind}${a.sceneIndex >= 0 ? a.sceneIndex : ""}:${a.status}`).join(" ")}] jobs [${jobs.map((j) => `${j.task_identifier} ${j.attempts}/${j.max_attempts} locked=${j.locked_by ?? "-"} runAt=${j.run_at.toISOString()} ${j.last_error?.slice(0, 160) ?? ""}`).join("; ")}]`,
        );
      }
      violations.push(`${stuck.length} render(s) stuck: ${detail.join(" | ")}`);
    }
    if (badErrors.length) violations.push(`unclear errors: ${badErrors.join(" | ")}`);
    if (renderedTwice.length) violations.push(`rendered twice: ${renderedTwice.join(", ")}`);
    if (outputsMissing.length) violations.push(`succeeded without exactly one output: ${outputsMissing.join(", ")}`);
    if (outputsExtra.length) violations.push(`extra files: ${outputsExtra.join(" | ")}`);
    if (tempLeft.length) violations.push(`temp files left: ${[...new Set(tempLeft)].slice(0, 20).join(", ")}`);
    if (workersDied.length) violations.push(`worker process(es) ended during the run: ${workersDied.join(" | ")}`);
    return {
      renders: o.renders,
      succeeded: succeeded.length,
      failed: failed.length,
      stuck: stuck.length,
      errors,
      renderedTwice,
      outputsMissing,
      outputsExtra,
      tempLeft: [...new Set(tempLeft)],
      tempLeftByKilled,
      workersDied,
      badErrors,
      faults,
      restart,
      wallSec: Math.round((Date.now() - t0) / 1000),
      violations,
    };
  } finally {
    for (const w of [...workers, ...retired]) await stop(w.child);
    o.fake.clearFaults();
    await db.$disconnect();
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function main() {
  const { values } = parseArgs({ options: { renders: { type: "string", default: "50" }, "deadline-min": { type: "string", default: "60" } } });
  const renders = Number(values.renders);
  const dataDir = path.join(root, ".data", "soak");
  fs.rmSync(dataDir, { recursive: true, force: true });
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54363);
  process.env.LOG_LEVEL ??= "warn";
  const { ensureEmbeddedPostgres } = await import("~/server/db/embedded");
  const { applyMigrations } = await import("~/server/db/migrate");
  const { startFakeGemini } = await import("~/plugins/google/fake-server");
  let pg = await ensureEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), port, database: "reelfarm" });
  await applyMigrations(pg.url);
  const fake = await startFakeGemini({ apiKey: "soak-gemini-key-0001", latencyMs: { script: 200, voiceover: 300, image: 300, video: 1500 } });
  const storageDir = path.join(dataDir, "storage");
  fs.mkdirSync(storageDir, { recursive: true });
  // This process queues the renders: the same database and storage as the workers (read on first use).
  Object.assign(process.env, { DATABASE_URL: pg.url, STORAGE_DIR: storageDir, DATA_DIR: dataDir });
  const log = (m: string) => console.log(`[soak] ${m}`);
  try {
    const r = await soak({
      renders,
      databaseUrl: pg.url,
      storageDir,
      fake,
      deadlineMs: Number(values["deadline-min"]) * 60_000,
      log,
      restartDatabase: async () => {
        await pg.stop();
        pg = await ensureEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), port, database: "reelfarm" });
      },
    });
    console.log(`\nsoak: ${r.renders} renders (6 s previews) on two worker processes, ${r.wallSec} s; load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
    console.log(`  faults: provider ${r.faults.providerFaults} (5xx + hung Veo operations), worker SIGKILLed ${r.faults.workerKilled}, ffmpeg killed ${r.faults.ffmpegKilled}, PostgreSQL restarted ${r.faults.databaseRestarted}`);
    if (r.restart) console.log(`  PostgreSQL restart at ${r.restart.atSettled}/${r.renders} settled, down ${r.restart.downSec} s: ${r.restart.connectionLossesLogged} lost connection(s) survived by the workers, ${r.restart.jobsGivenBack} job(s) whose completion was lost given back, ${r.restart.jobsQueuedAgain} job(s) cut short queued again, ${r.restart.workerStartRetries} worker start-up(s) tried again`);
    console.log(`  succeeded ${r.succeeded}, failed ${r.failed}, stuck ${r.stuck}`);
    for (const [e, n] of Object.entries(r.errors)) console.log(`    ${n} x ${e}`);
    console.log(`  rendered twice ${r.renderedTwice.length}, succeeded without one output ${r.outputsMissing.length}, extra files ${r.outputsExtra.length}, temp files left ${r.tempLeft.length} (of the SIGKILLed worker ${r.tempLeftByKilled.length}), worker processes that ended by themselves ${r.workersDied.length}`);
    for (const v of r.violations) console.log(`  VIOLATION ${v}`);
    console.log(JSON.stringify({ soak: true, ...r, tempLeft: r.tempLeft.length, tempLeftByKilled: r.tempLeftByKilled.length, workersDied: r.workersDied.length, load1: os.loadavg()[0] }));
    process.exitCode = r.violations.length ? 1 : 0;
  } finally {
    await fake.close();
    await pg.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
