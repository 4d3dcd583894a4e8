/**
 * A real S3-compatible server for the tests: s3rver (npm, a devDependency) run as its own OS
 * process on 127.0.0.1 with a free port, its objects in a directory of its own. It checks SigV4
 * signatures against its one key pair (S3RVER / S3RVER), so a wrong key is refused as S3 would.
 * Why s3rver: see the README ("Storage" under Architecture).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const bin = path.resolve(import.meta.dirname, "../../node_modules/s3rver/bin/s3rver.js");
/** Runs `bin` with s3rver's empty-directory race fixed (see that file). */
const main = path.resolve(import.meta.dirname, "s3rver-main.mjs");

export interface S3Server {
  endpoint: string;
  bucket: string;
  /** The server's data directory (objects as files; for checks that look under the hood). */
  dir: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The settings that point Reelfarm at this server, under `prefix`. */
  env(prefix?: string): Record<string, string>;
  stop(): Promise<void>;
}

/** Starts s3rver with one bucket; resolves once it listens. */
export async function startS3Server(opts: { bucket?: string } = {}): Promise<S3Server> {
  if (!fs.existsSync(bin)) throw new Error("s3rver is missing: run `bash scripts/setup-system.sh --test` (it is a devDependency)");
  const bucket = opts.bucket ?? "reelfarm-test";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reelfarm-s3rver-"));
  const child: ChildProcess = spawn(process.execPath, [main, "-d", dir, "-a", "127.0.0.1", "-p", "0", "-s", "--configure-bucket", bucket], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`s3rver did not start in 20 s:\n${out}`)), 20_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /listening on [^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`s3rver exited (${code}):\n${out}`));
    });
  });
  // A server that dies mid-test says why (tests then fail with ECONNREFUSED, which alone says nothing).
  child.once("exit", (code, sig) => {
    if (!stopping) console.error(`s3rver exited (${code ?? sig}) during the test:\n${out.slice(-4000)}`);
  });
  let stopping = false;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    dir,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    env: (prefix = "") => ({
      STORAGE_URL: `s3://${bucket}${prefix ? `/${prefix}` : ""}`,
      STORAGE_S3_ENDPOINT: endpoint,
      STORAGE_S3_ACCESS_KEY_ID: "S3RVER",
      STORAGE_S3_SECRET_ACCESS_KEY: "S3RVER",
      STORAGE_S3_FORCE_PATH_STYLE: "1",
    }),
    stop: async () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
