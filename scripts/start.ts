/**
 * npm start — everything on one machine with one command: checks the configuration and ffmpeg,
 * starts the embedded PostgreSQL when DATABASE_URL is unset, applies migrations, builds the web
 * app if there is no production build, then runs the web app and a worker together. On an empty
 * database the first admin's credentials are printed last, once everything runs, so they stay on
 * screen. Ctrl-C (or SIGTERM) stops the web app and the worker, then the database, last.
 *
 * From a terminal, the web app and the embedded PostgreSQL run in process groups of their own: a
 * terminal's Ctrl-C reaches only this process, which stops them in order (PostgreSQL stopped under a
 * running worker would make its connections fail with errors). A second Ctrl-C does not cut the
 * shutdown short. package.json runs it as `node --import tsx`, not through tsx's CLI: the CLI
 * relays a signal to its child and SIGKILLs the child when it has not acknowledged it within
 * 30 ms, which a busy machine misses (the database was then left running, the shutdown cut).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { env, EnvError } from "~/env";
import { prepareDatabase, stopEmbedded } from "~/server/db/bootstrap";
import { disconnectDb } from "~/server/db";
import { findFfmpeg } from "~/render/ffmpeg";
import { ensureFirstAdmin } from "~/server/auth/first-admin";
import { startWorker, type WorkerHandle } from "../worker/runner";

const root = path.resolve(import.meta.dirname, "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const log = (m: string) => console.log(`[start] ${m}`);
/**
 * What the first `next build` takes, said before it starts. Measured: 5 min 28 s on 2 cores
 * under a load average of 20 (Node 26, Next 16.4 with Turbopack, its TypeScript check included).
 */
const BUILD_ESTIMATE = "2 to 6 minutes, once";

/** The first admin's credentials box, printed last (or before exiting on a failure). */
let firstAdmin: string | undefined;

async function main() {
  const e = env();
  findFfmpeg(); // throws a message naming `apt-get install ffmpeg` when it is missing
  await prepareDatabase((m) => console.log(`[db] ${m}`));
  await ensureFirstAdmin({ log: (m) => (firstAdmin = m) });
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
    log(`no production build yet: running \`next build\` (${BUILD_ESTIMATE})…`);
    const t0 = Date.now();
    const b = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (b.status !== 0) throw new Error("next build failed (its output is above)");
    log(`built in ${Math.round((Date.now() - t0) / 1000)} s`);
  }
  // scripts/web.ts: Next behind a node:http server that takes the client address from the socket.
  const web = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "web.ts")], {
    cwd: root,
    // stdout through this process: its "listening" line tells when the app answers (see webUp).
    stdio: ["ignore", "pipe", "inherit"],
    // From a terminal, its own process group: Ctrl-C reaches it through shutdown() below, in order.
    // Without one (Playwright, CI) it stays in the group, so killing the group ends it too.
    detached: Boolean(process.stdin.isTTY),
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  // Should this process die without shutdown(), the web app goes with it.
  process.once("exit", () => web.exitCode === null && web.kill("SIGTERM"));
  const state: { worker?: WorkerHandle } = {};
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("stopping web app and worker…");
    if (web.exitCode === null) web.kill("SIGTERM");
    await Promise.all([state.worker?.stop(), new Promise((r) => (web.exitCode !== null ? r(null) : web.once("exit", r)))]);
    await disconnectDb();
    await stopEmbedded();
    log("stopped");
    process.exit(code);
  };
  // `on`, not `once`: a second Ctrl-C (or the npm/tsx wrappers relaying the first) must not fall
  // through to Node's default and kill this process before the database is stopped.
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  const webUp = new Promise<void>((resolve) => {
    web.once("exit", (code) => {
      if (!stopping) {
        console.error(`[start] web app exited (${code})`);
        void shutdown(1);
      }
      resolve();
    });
    // Up when the web app says it listens: its output is forwarded line by line, so nothing it
    // prints lands after the credentials.
    let buf = "";
    web.stdout!.on("data", (b: Buffer) => {
      process.stdout.write(b);
      buf = (buf + b.toString()).slice(-4096);
      if (/\[web\] listening on port/.test(buf)) resolve();
    });
  });
  state.worker = await startWorker({ handleSignals: false, ownsProcess: true });
  await webUp;
  if (stopping) return;
  log(`Reelfarm is running on ${e.PUBLIC_URL} (Ctrl-C to stop)`);
  if (firstAdmin) console.log(firstAdmin);
  firstAdmin = undefined;
}

main().catch(async (err) => {
  console.error(err instanceof EnvError ? err.message : `[start] ${(err as Error).message}`);
  if (firstAdmin) console.log(firstAdmin);
  await disconnectDb();
  await stopEmbedded().catch(() => {});
  process.exit(1);
});
