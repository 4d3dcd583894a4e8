/**
 * The storage module's contract, run on both drivers: the local directory and S3 (a real
 * s3rver process on 127.0.0.1, started and stopped here). Same tests, same assertions.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveStored } from "~/server/http/range";
import { LocalStorage, type Storage, StorageKeyError } from "~/server/storage";
import { S3Storage, type S3StorageOptions } from "~/server/storage/s3";
import { startS3Server, type S3Server } from "../helpers/s3-server";

const root = path.resolve(import.meta.dirname, "../..");
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `reelfarm-storage-${name}-`));
/** Multipart part size in these tests: S3's minimum, so 12 MiB is three parts. */
const PART = 5 * 1024 * 1024;

let s3: S3Server;
const dirs: string[] = [];
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function s3Options(prefix: string): S3StorageOptions {
  const cacheDir = tmp("cache");
  dirs.push(cacheDir);
  return {
    bucket: s3.bucket,
    prefix,
    endpoint: s3.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
    cacheDir,
    cacheMaxBytes: 1024 ** 3,
    partSize: PART,
  };
}

type Driver = { name: string; make: () => Storage; writerArgs: (key: string) => object };
let n = 0;
const drivers: Driver[] = [
  {
    name: "local directory",
    make: () => {
      const d = tmp("local");
      dirs.push(d);
      return new LocalStorage(d);
    },
    writerArgs: () => ({}),
  },
  {
    name: "S3 (s3rver)",
    make: () => new S3Storage(s3Options(`run${n++}/`)),
    writerArgs: () => ({}),
  },
];

async function collect(it: AsyncIterable<{ key: string; bytes: number }>) {
  const out: { key: string; bytes: number }[] = [];
  for await (const o of it) out.push({ key: o.key, bytes: o.bytes });
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

async function readAll(r: Readable) {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe.each(drivers)("storage on $name", ({ make }) => {
  let store: Storage;
  beforeAll(() => {
    store = make();
  });

  it("stores a buffer and reads it back; a missing key is null / ENOENT", async () => {
    const data = randomBytes(1000);
    expect(await store.putBuffer("uploads/c1/a.png", data)).toEqual({ key: "uploads/c1/a.png", bytes: 1000 });
    expect((await store.read("uploads/c1/a.png")).equals(data)).toBe(true);
    const st = await store.stat("uploads/c1/a.png");
    expect(st?.bytes).toBe(1000);
    expect(Math.abs(st!.mtime.getTime() - Date.now())).toBeLessThan(60_000);
    expect(await store.stat("uploads/c1/none.png")).toBeNull();
    await expect(store.read("uploads/c1/none.png")).rejects.toMatchObject({ code: "ENOENT" });
    await store.putBuffer("notes/t.txt", "héllo");
    expect((await store.read("notes/t.txt")).toString("utf8")).toBe("héllo");
  });

  it("stores a 12 MiB stream (three multipart parts on S3) byte for byte", async () => {
    const data = randomBytes(12 * 1024 * 1024 + 123);
    const chunks = [];
    for (let i = 0; i < data.length; i += 256 * 1024) chunks.push(data.subarray(i, i + 256 * 1024));
    expect(await store.putStream("renders/r1/output.mp4", Readable.from(chunks))).toEqual({ key: "renders/r1/output.mp4", bytes: data.length });
    expect(sha(await store.read("renders/r1/output.mp4"))).toBe(sha(data));
    expect(sha(await readAll(store.stream("renders/r1/output.mp4")))).toBe(sha(data));
  });

  it("serves byte ranges (proxied ranged reads) for playback", async () => {
    const data = randomBytes(3 * 1024 * 1024);
    await store.putBuffer("renders/r2/output.mp4", data);
    expect((await readAll(store.stream("renders/r2/output.mp4", { start: 100, end: 1099 }))).equals(data.subarray(100, 1100))).toBe(true);
    const req = (range?: string) => new Request("http://x/v", range ? { headers: { range } } : {});
    const partial = await serveStored(req("bytes=2000000-"), store, "renders/r2/output.mp4", { contentType: "video/mp4" });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe(`bytes 2000000-${data.length - 1}/${data.length}`);
    expect(Buffer.from(await partial.arrayBuffer()).equals(data.subarray(2_000_000))).toBe(true);
    const whole = await serveStored(req(), store, "renders/r2/output.mp4", { contentType: "video/mp4" });
    expect(sha(Buffer.from(await whole.arrayBuffer()))).toBe(sha(data));
    expect((await serveStored(req("bytes=9999999-"), store, "renders/r2/output.mp4", { contentType: "video/mp4" })).status).toBe(416);
    expect((await serveStored(req(), store, "renders/r2/missing.mp4", { contentType: "video/mp4" })).status).toBe(404);
  });

  it("puts a local file (copied, or moved) and gives ffmpeg a local path with the same bytes", async () => {
    const d = tmp("src");
    dirs.push(d);
    const data = randomBytes(200_000);
    const f = path.join(d, "still.png");
    fs.writeFileSync(f, data);
    await store.putFile("renders/r3/still-0.png", f);
    expect(fs.existsSync(f)).toBe(true);
    await store.putFile("renders/r3/still-1.png", f, { move: true });
    expect(fs.existsSync(f)).toBe(false);
    for (const k of ["renders/r3/still-0.png", "renders/r3/still-1.png"]) {
      const p = await store.localPath(k);
      expect(path.isAbsolute(p)).toBe(true);
      expect(path.extname(p)).toBe(".png"); // ffmpeg's image2 demuxer goes by the extension
      expect(sha(fs.readFileSync(p))).toBe(sha(data));
    }
    expect(fs.existsSync(await store.localPath("renders/r3/none.png"))).toBe(false);
  });

  it("an overwritten key reads, and localPath gives, the new bytes", async () => {
    await store.putBuffer("onscreen/r4.json", '{"v":1}');
    expect(fs.readFileSync(await store.localPath("onscreen/r4.json"), "utf8")).toBe('{"v":1}');
    await store.putBuffer("onscreen/r4.json", '{"v":2}'); // same size, same second
    expect(fs.readFileSync(await store.localPath("onscreen/r4.json"), "utf8")).toBe('{"v":2}');
    expect((await store.read("onscreen/r4.json")).toString()).toBe('{"v":2}');
  });

  it("lists by prefix, deletes a key and a folder-like prefix", async () => {
    for (const k of ["cache/seg/a1", "cache/seg/a2", "cache/segx/b", "cache/other/c"]) await store.putBuffer(k, k);
    expect(await collect(store.list("cache/seg/"))).toEqual([
      { key: "cache/seg/a1", bytes: 12 },
      { key: "cache/seg/a2", bytes: 12 },
    ]);
    expect((await collect(store.list("cache/seg"))).map((o) => o.key)).toEqual(["cache/seg/a1", "cache/seg/a2", "cache/segx/b"]);
    expect((await collect(store.list("nothing/"))).length).toBe(0);
    await store.delete("cache/seg/a1");
    await store.delete("cache/seg/a1"); // idempotent
    expect(await store.stat("cache/seg/a1")).toBeNull();
    await store.deletePrefix("cache/seg");
    expect((await collect(store.list("cache/"))).map((o) => o.key)).toEqual(["cache/other/c", "cache/segx/b"]);
  });

  it("refuses keys that could escape or confuse", async () => {
    for (const k of ["../etc/passwd", "/abs", "a//b", "a/./b", "a b", "", "ü.png"]) {
      await expect(store.putBuffer(k, "x")).rejects.toThrow(StorageKeyError);
      await expect(store.stat(k)).rejects.toThrow(StorageKeyError);
    }
  });

  it("a write whose source fails mid-stream leaves no key", async () => {
    let sent = 0;
    const failing = new Readable({
      read() {
        if (sent >= 7 * 1024 * 1024) return this.destroy(new Error("disk read failed"));
        sent += 1024 * 1024;
        this.push(Buffer.alloc(1024 * 1024, 1));
      },
    });
    await expect(store.putStream("renders/r5/output.mp4", failing)).rejects.toThrow();
    expect(await store.stat("renders/r5/output.mp4")).toBeNull();
    expect(await collect(store.list("renders/r5"))).toEqual([]);
  });
});

describe.each(drivers)("a writer killed mid-upload on $name", ({ name }) => {
  it("leaves no object that looks complete", async () => {
    const isS3 = name.startsWith("S3");
    const local = isS3 ? undefined : tmp("killed");
    if (local) dirs.push(local);
    const opts = isS3 ? s3Options("killed/") : undefined;
    const args = isS3 ? { driver: "s3", s3: opts, key: "renders/big/output.mp4" } : { driver: "local", root: local, key: "renders/big/output.mp4" };
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "test/helpers/storage-writer.ts"), JSON.stringify(args)], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    // Killed once 18 MiB are out: on S3 that is after three 5 MiB parts went up.
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`writer stalled:\n${out}`)), 60_000);
      const on = (b: Buffer) => {
        out += b.toString();
        const sent = [...out.matchAll(/sent (\d+)/g)].map((m) => Number(m[1])).pop() ?? 0;
        if (sent >= 18 * 1024 * 1024) {
          clearTimeout(t);
          child.kill("SIGKILL");
          resolve();
        }
      };
      child.stdout!.on("data", on);
      child.stderr!.on("data", on);
    });
    await new Promise((r) => child.once("exit", r));
    const store: Storage = isS3 ? new S3Storage(opts!) : new LocalStorage(local!);
    expect(await store.stat("renders/big/output.mp4")).toBeNull();
    expect(await collect(store.list(""))).toEqual([]);
    if (isS3) {
      // Under the hood (s3rver keeps unfinished multipart uploads in ._S3rver_uploads/<id>/): the
      // server did receive parts, for a temp key, and holds no object under the final key.
      const uploads = path.join(s3.dir, s3.bucket, "._S3rver_uploads");
      const mine = fs.readdirSync(uploads).filter((id) => fs.readFileSync(path.join(uploads, id, "key"), "utf8").startsWith("killed/.incomplete/"));
      expect(mine.length).toBe(1);
      expect(fs.readdirSync(path.join(uploads, mine[0]!)).filter((f) => /^\d+$/.test(f)).length).toBeGreaterThanOrEqual(2);
      expect(fs.existsSync(path.join(s3.dir, s3.bucket, "killed", "renders"))).toBe(false);
    } else {
      // The partial bytes exist only under a temp name.
      const files = fs.readdirSync(local!, { recursive: true }) as string[];
      expect(files.filter((f) => f.endsWith("output.mp4"))).toEqual([]);
    }
  });
});
