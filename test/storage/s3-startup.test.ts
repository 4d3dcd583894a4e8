/**
 * Bad S3 settings stop start-up with a message naming the setting: an endpoint that is down,
 * credentials the server refuses, a bucket that does not exist. Against a real s3rver process,
 * and once through a real worker process (`npm run worker`), which must exit before doing work.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnvError } from "~/env";
import { S3Storage, type S3StorageOptions } from "~/server/storage/s3";
import { spawnWorker } from "../helpers/child-worker";
import { startS3Server, type S3Server } from "../helpers/s3-server";

let s3: S3Server;
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "reelfarm-s3-startup-"));
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.stop();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

/** A port nothing listens on (bound, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const opts = (over: Partial<S3StorageOptions>): S3StorageOptions => ({
  bucket: s3.bucket,
  prefix: "startup/",
  endpoint: s3.endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  forcePathStyle: true,
  cacheDir,
  cacheMaxBytes: 1e9,
  ...over,
});

describe("S3 start-up check", () => {
  it("passes on a reachable bucket with good credentials, leaving no probe behind", async () => {
    const store = new S3Storage(opts({}));
    await store.check();
    const all = [];
    for await (const o of store.list("")) all.push(o);
    expect(all).toEqual([]);
  });

  it("an endpoint that is down names STORAGE_S3_ENDPOINT", async () => {
    const port = await closedPort();
    const t0 = Date.now();
    const err = await new S3Storage(opts({ endpoint: `http://127.0.0.1:${port}` })).check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvError);
    expect((err as Error).message).toMatch(/STORAGE_S3_ENDPOINT: the S3 endpoint http:\/\/127\.0\.0\.1:\d+ cannot be reached \(ECONNREFUSED\)/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  // s3rver refuses an access key it does not know (InvalidAccessKeyId) but does not verify SigV4
  // signatures, so a wrong secret with a known key is not tested here (README, "Storage").
  it("refused credentials name STORAGE_S3_ACCESS_KEY_ID / STORAGE_S3_SECRET_ACCESS_KEY", async () => {
    const err = await new S3Storage(opts({ credentials: { accessKeyId: "AKIANOTAKEY", secretAccessKey: "S3RVER" } })).check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvError);
    expect((err as Error).message).toMatch(/STORAGE_S3_ACCESS_KEY_ID \/ STORAGE_S3_SECRET_ACCESS_KEY: the S3 endpoint .* refused the credentials for bucket "reelfarm-test" \(InvalidAccessKeyId\)/);
  });

  it("a bucket that does not exist names STORAGE_URL", async () => {
    const err = await new S3Storage(opts({ bucket: "no-such-bucket" })).check().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/STORAGE_URL: the bucket "no-such-bucket" does not exist/);
  });

  it("a worker host with refused credentials exits at start-up, naming the setting", async () => {
    const child = spawnWorker({ ...s3.env("w"), STORAGE_S3_ACCESS_KEY_ID: "AKIANOTAKEY", DATA_DIR: cacheDir });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const code = await exited.finally(() => clearTimeout(timer));
    expect(code, child.output()).toBe(1);
    // The message as the operator reads it: plain text, or the "msg" of a JSON log line.
    const text = child
      .output()
      .split("\n")
      .map((line) => {
        try {
          return (JSON.parse(line) as { msg?: string }).msg ?? line;
        } catch {
          return line;
        }
      })
      .join("\n");
    expect(text).toMatch(/Invalid configuration:\n\s+- STORAGE_S3_ACCESS_KEY_ID \/ STORAGE_S3_SECRET_ACCESS_KEY: the S3 endpoint http:\/\/127\.0\.0\.1:\d+ refused the credentials/);
    expect(text).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
  });
});
