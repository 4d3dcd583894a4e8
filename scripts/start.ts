/**
 * npm start — everything on one machine with one command: checks the configuration and ffmpeg,
 * starts the embedded PostgreSQL when DATABASE_URL is unset, applies migrations, builds the web
 * app if there is no production build, then runs the web app and a worker together. Ctrl-C (or
 * SIGTERM) stops both cleanly, then the database.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { env, EnvError } from "~/env";
import { prepareDatabase, stopEmbedded } from "~/server/db/bootstrap";
import { findFfmpeg } from "~/render/ffmpeg";
import { storage } from "~/server/storage";
import { ensureFirstAdmin } from "~/server/auth/first-admin";
import { startWorker, type WorkerHandle } from "../worker/runner";

const root = path.resolve(import.meta.dirname, "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const log = (m: string) => console.log(`[start] ${m}`);

async function main() {
  const e = env();
  findFfmpeg(); // throws a message naming `apt-get install ffmpeg` when it is missing
  log(`storage: ${(await storage()).description}`); // an unreachable or refusing object store stops here
  await prepareDatabase((m) => console.log(`[db] ${m}`));
  await ensureFirstAdmin();
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
    log("no production build yet: running `next build` (about 30 s)…");
    const b = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (b.status !== 0) throw new Error("next build failed");
  }
  // scripts/web.ts: Next behind a node:http server that takes the client address from the socket.
  const web = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "web.ts")], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  const state: { worker?: WorkerHandle } = {};
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("stopping web app and worker…");
    web.kill("SIGTERM");
    await Promise.all([state.worker?.stop(), new Promise((r) => (web.exitCode !== null ? r(null) : web.once("exit", r)))]);
    await stopEmbedded();
    log("stopped");
    process.exit(code);
  };
  process.once("SIGINT", () => void shutdown(0));
  process.once("SIGTERM", () => void shutdown(0));
  web.once("exit", (code) => {
    if (!stopping) {
      console.error(`[start] web app exited (${code})`);
      void shutdown(1);
    }
  });
  state.worker = await startWorker({ handleSignals: false });
  log(`Reelfarm is running on ${e.PUBLIC_URL} (Ctrl-C to stop)`);
}

main().catch(async (err) => {
  console.error(err instanceof EnvError ? err.message : `[start] ${(err as Error).message}`);
  await stopEmbedded().catch(() => {});
  process.exit(1);
});
