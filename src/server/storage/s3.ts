/**
 * The S3 driver of the storage module: every key lives in an S3-compatible object store
 * (STORAGE_URL=s3://bucket/prefix; endpoint, region, credentials and path style from the
 * STORAGE_S3_* settings), through the AWS SDK v3.
 *
 * Glossary
 * - object key: `prefix + key` in the bucket ("reelfarm/renders/<id>/output.mp4").
 * - temp key: `prefix + ".incomplete/<uuid>"`, where a write lands before it is published.
 * - local copy: a file in STORAGE_CACHE_DIR that `localPath` hands to ffmpeg, named after the key
 *   and the object's ETag ("renders/x/output.v<etag>.mp4"), so a changed object is a new copy.
 *
 * Invariants
 * - A key appears only complete. Every write is uploaded to a temp key (one PUT, or a multipart
 *   upload in PART_SIZE parts through @aws-sdk/lib-storage, aborted on error) and then published
 *   by a server-side CopyObject, which is atomic; the temp key is deleted after. A write killed
 *   mid-upload leaves at most a temp key or an unfinished multipart upload, which `stat`, `read`
 *   and `list` never show. (Chosen over checksums alone because a single PUT that is cut off is
 *   stored as a truncated object by some S3-compatible servers; the copy costs one request and is
 *   done inside the server.) Leftovers: a bucket lifecycle rule on `.incomplete/` (expire after a
 *   day, abort incomplete multipart uploads after a day) removes them.
 * - Reads are proxied ranged GETs (`stream(key, range)` -> GetObject with Range), so the app's own
 *   access checks stay in front of every byte; no presigned URL leaves the server.
 * - Checksums are sent only where S3 requires them (requestChecksumCalculation WHEN_REQUIRED):
 *   many S3-compatible servers reject the SDK's default aws-chunked trailing checksums.
 */
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { PassThrough, type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { randomUUID } from "node:crypto";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { EnvError, type Env } from "~/env";
import { type ListedObject, type Storage, StorageNotFoundError, type StoredObject, validateKey } from "./index";

/** Multipart part size: 8 MiB (S3's minimum is 5 MiB; a body under one part goes as one PUT). */
export const PART_SIZE = 8 * 1024 * 1024;
/** Folder of temp keys under the prefix; never listed. */
export const INCOMPLETE = ".incomplete";
/** A local copy used within this long is never evicted (an ffmpeg may be about to open it). */
const CACHE_MIN_AGE_MS = 10 * 60_000;

export interface S3StorageOptions {
  bucket: string;
  /** "" or a prefix ending in "/" ("reelfarm/"). */
  prefix: string;
  /** S3-compatible server URL; unset: AWS's endpoint for the region. */
  endpoint?: string;
  region: string;
  /** Unset: the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
  /** Where local copies for ffmpeg live. */
  cacheDir: string;
  /** Cap of the local copies in bytes (least recently used removed first). */
  cacheMaxBytes: number;
  /** Multipart part size in bytes. Default PART_SIZE. */
  partSize?: number;
}

/** Splits `s3://bucket/a/b` into bucket "bucket" and prefix "a/b/" (prefix "" without a path). */
export function parseStorageUrl(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (!m) throw new EnvError([`STORAGE_URL: must be s3://bucket or s3://bucket/prefix`]);
  const rest = (m[2] ?? "").replace(/\/+$/, "");
  if (rest) validateKey(rest);
  return { bucket: m[1]!, prefix: rest ? `${rest}/` : "" };
}

function isNotFound(e: unknown) {
  return e instanceof S3ServiceException && (e.$metadata?.httpStatusCode === 404 || e.name === "NotFound" || e.name === "NoSuchKey");
}

/** Counts the bytes that pass. */
function counter() {
  const c = Object.assign(
    new Transform({
      transform(chunk: Buffer, _enc, cb) {
        c.bytes += chunk.length;
        cb(null, chunk);
      },
    }),
    { bytes: 0 },
  );
  return c;
}

export class S3Storage implements Storage {
  readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;
  /** Local copies: absolute path -> bytes and last use (ms). Loaded from disk on first use. */
  private copies: Map<string, { bytes: number; usedAt: number }> | undefined;
  private readonly downloads = new Map<string, Promise<void>>();

  constructor(private readonly opts: S3StorageOptions) {
    this.bucket = opts.bucket;
    this.prefix = opts.prefix;
    this.partSize = opts.partSize ?? PART_SIZE;
    this.description = `s3://${opts.bucket}/${opts.prefix} at ${opts.endpoint ?? `AWS ${opts.region}`}`;
    this.client = new S3Client({
      region: opts.region,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      forcePathStyle: opts.forcePathStyle,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      // A down endpoint fails in seconds, not minutes; a stalled transfer after a minute.
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
      maxAttempts: 3,
    });
  }

  /** The driver the settings describe (STORAGE_URL must be set). */
  static fromEnv(e: Env): S3Storage {
    const { bucket, prefix } = parseStorageUrl(e.STORAGE_URL!);
    return new S3Storage({
      bucket,
      prefix,
      ...(e.STORAGE_S3_ENDPOINT ? { endpoint: e.STORAGE_S3_ENDPOINT } : {}),
      region: e.STORAGE_S3_REGION,
      ...(e.STORAGE_S3_ACCESS_KEY_ID && e.STORAGE_S3_SECRET_ACCESS_KEY
        ? { credentials: { accessKeyId: e.STORAGE_S3_ACCESS_KEY_ID, secretAccessKey: e.STORAGE_S3_SECRET_ACCESS_KEY } }
        : {}),
      forcePathStyle: e.STORAGE_S3_FORCE_PATH_STYLE ?? Boolean(e.STORAGE_S3_ENDPOINT),
      cacheDir: e.STORAGE_CACHE_DIR,
      cacheMaxBytes: e.STORAGE_CACHE_MAX_BYTES,
    });
  }

  private objectKey(key: string) {
    return `${this.prefix}${validateKey(key)}`;
  }

  /**
   * The start-up check: lists the prefix and writes and deletes a probe object.
   * @throws EnvError naming STORAGE_S3_ENDPOINT (unreachable), STORAGE_S3_ACCESS_KEY_ID /
   *   STORAGE_S3_SECRET_ACCESS_KEY (refused) or STORAGE_URL (no such bucket, anything else).
   */
  async check(): Promise<void> {
    try {
      await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, MaxKeys: 1 }));
      const probe = `${this.prefix}${INCOMPLETE}/probe-${randomUUID()}`;
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: probe, Body: "probe" }));
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: probe }));
    } catch (e) {
      throw this.describeFailure(e);
    }
  }

  private describeFailure(e: unknown): EnvError {
    const err = e as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
    const where = this.opts.endpoint ?? `AWS (${this.opts.region})`;
    const code = err.code ?? err.name;
    const status = err.$metadata?.httpStatusCode;
    if (["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "TimeoutError"].includes(code) || /ECONNREFUSED|ENOTFOUND|timed? ?out/i.test(err.message)) {
      return new EnvError([`STORAGE_S3_ENDPOINT: the S3 endpoint ${where} cannot be reached (${code}); is it running, and is the URL right?`]);
    }
    if (["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken", "CredentialsProviderError"].includes(code) || status === 403 || status === 401) {
      return new EnvError([`STORAGE_S3_ACCESS_KEY_ID / STORAGE_S3_SECRET_ACCESS_KEY: the S3 endpoint ${where} refused the credentials for bucket "${this.bucket}" (${code})`]);
    }
    if (code === "NoSuchBucket" || status === 404) {
      return new EnvError([`STORAGE_URL: the bucket "${this.bucket}" does not exist at ${where}`]);
    }
    return new EnvError([`STORAGE_URL: the object store s3://${this.bucket}/${this.prefix} at ${where} failed the start-up check (${code}: ${err.message})`]);
  }

  /** Uploads to a temp key, then publishes it under `key` by a server-side copy (see the invariants). */
  private async commit(key: string, body: Buffer | Readable): Promise<StoredObject & { etag: string }> {
    const dest = this.objectKey(key);
    const tmp = `${this.prefix}${INCOMPLETE}/${randomUUID()}`;
    let bytes: number;
    let payload: Buffer | Readable;
    let count: ReturnType<typeof counter> | undefined;
    if (Buffer.isBuffer(body)) {
      bytes = body.length;
      payload = body;
    } else {
      count = counter();
      body.once("error", (e) => count!.destroy(e));
      payload = body.pipe(count);
      bytes = 0;
    }
    try {
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: tmp, Body: payload, ContentType: "application/octet-stream" },
        partSize: this.partSize,
        queueSize: 2,
        leavePartsOnError: false,
      });
      await upload.done();
      if (count) {
        // lib-storage ends on the counter's 'end'; a source that errored after that is no success.
        if (!Buffer.isBuffer(body) && body.errored) throw body.errored;
        bytes = count.bytes;
      }
      const copied = await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: dest, CopySource: `${this.bucket}/${tmp}` }));
      return { key, bytes, etag: copied.CopyObjectResult?.ETag ?? "" };
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: tmp })).catch(() => {});
    }
  }

  async putBuffer(key: string, data: Buffer | string): Promise<StoredObject> {
    const { bytes } = await this.commit(key, Buffer.isBuffer(data) ? data : Buffer.from(data));
    return { key, bytes };
  }

  async putStream(key: string, data: Readable): Promise<StoredObject> {
    const { bytes } = await this.commit(key, data);
    return { key, bytes };
  }

  /** Uploads a local file; with `move` the file becomes this host's local copy of the key (no download later). */
  async putFile(key: string, file: string, opts: { move?: boolean } = {}): Promise<StoredObject> {
    const { bytes, etag } = await this.commit(key, createReadStream(file));
    if (opts.move) {
      const local = this.localCopyPath(key, etag);
      await fs.mkdir(path.dirname(local), { recursive: true });
      try {
        await fs.rename(file, local);
        await this.remember(local, bytes);
      } catch {
        await fs.rm(file, { force: true }); // another filesystem: just drop it, it downloads on demand
      }
    }
    return { key, bytes };
  }

  async read(key: string): Promise<Buffer> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return Buffer.from(await r.Body!.transformToByteArray());
    } catch (e) {
      if (isNotFound(e)) throw new StorageNotFoundError(key);
      throw e;
    }
  }

  stream(key: string, range?: { start: number; end: number }): Readable {
    const out = new PassThrough();
    const objectKey = this.objectKey(key);
    const ac = new AbortController();
    out.once("close", () => ac.abort());
    this.client
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }), { abortSignal: ac.signal })
      .then(
        (r) => {
          const body = r.Body as Readable;
          body.once("error", (e) => out.destroy(e));
          out.once("close", () => body.destroy());
          body.pipe(out);
        },
        (e: unknown) => out.destroy(isNotFound(e) ? new StorageNotFoundError(key) : (e as Error)),
      );
    return out;
  }

  async stat(key: string) {
    const h = await this.head(key);
    return h && { bytes: h.bytes, mtime: h.mtime };
  }

  private async head(key: string) {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { bytes: r.ContentLength ?? 0, mtime: r.LastModified ?? new Date(0), etag: r.ETag ?? "" };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async delete(key: string) {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async deletePrefix(prefix: string) {
    const folder = `${prefix.replace(/\/+$/, "")}/`;
    validateKey(folder.slice(0, -1));
    let batch: string[] = [];
    const flush = async () => {
      if (!batch.length) return;
      await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      batch = [];
    };
    for await (const o of this.list(folder)) {
      batch.push(this.objectKey(o.key));
      if (batch.length === 1000) await flush(); // DeleteObjects takes at most 1000 keys
    }
    await flush();
    await fs.rm(path.join(this.opts.cacheDir, ...folder.slice(0, -1).split("/")), { recursive: true, force: true });
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    let token: string | undefined;
    const hidden = `${this.prefix}${INCOMPLETE}/`;
    do {
      const r = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${this.prefix}${prefix}`, ...(token ? { ContinuationToken: token } : {}) }));
      for (const o of r.Contents ?? []) {
        if (!o.Key || o.Key.startsWith(hidden)) continue;
        yield { key: o.Key.slice(this.prefix.length), bytes: o.Size ?? 0, mtime: o.LastModified ?? new Date(0) };
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * Where the local copy of a key lives: with an ETag, a name that carries it before the
   * extension ("output.v9b2c41d07e3a5f86.mp4", the extension kept for ffmpeg); without, the key's own name.
   */
  private localCopyPath(key: string, etag?: string) {
    const parts = validateKey(key).split("/");
    const tag = (etag ?? "").replace(/[^A-Za-z0-9]/g, "").slice(0, 16);
    if (tag) {
      const base = parts.pop()!;
      const ext = path.extname(base);
      parts.push(`${base.slice(0, base.length - ext.length)}.v${tag}${ext}`);
    }
    return path.join(this.opts.cacheDir, ...parts);
  }

  /**
   * A local copy of the object for ffmpeg: reused while one for the object's current ETag exists
   * (one HEAD request), else downloaded (to a temp name, then renamed). A key without an object
   * gives a path where no file exists, as the local driver does.
   */
  async localPath(key: string): Promise<string> {
    const head = await this.head(key);
    if (!head) return this.localCopyPath(key);
    const local = this.localCopyPath(key, head.etag);
    const have = await fs.stat(local).catch(() => null);
    if (have?.isFile() && have.size === head.bytes) {
      await this.remember(local, head.bytes);
      return local;
    }
    let p = this.downloads.get(local);
    if (!p) {
      p = this.download(key, local).finally(() => this.downloads.delete(local));
      this.downloads.set(local, p);
    }
    await p;
    return local;
  }

  private async download(key: string, local: string) {
    await fs.mkdir(path.dirname(local), { recursive: true });
    const tmp = `${local}.tmp-${randomUUID()}`;
    try {
      await pipeline(this.stream(key), createWriteStream(tmp));
      await fs.rename(tmp, local);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    await this.remember(local, (await fs.stat(local)).size);
  }

  /** Records a local copy's use and evicts the least recently used copies above the cap. */
  private async remember(local: string, bytes: number) {
    if (!this.copies) {
      this.copies = new Map();
      const entries = await fs.readdir(this.opts.cacheDir, { recursive: true, withFileTypes: true }).catch(() => []);
      for (const d of entries) {
        if (!d.isFile()) continue;
        const abs = path.join(d.parentPath, d.name);
        const s = await fs.stat(abs).catch(() => null);
        if (s) this.copies.set(abs, { bytes: s.size, usedAt: s.atimeMs });
      }
    }
    this.copies.set(local, { bytes, usedAt: Date.now() });
    let total = 0;
    for (const c of this.copies.values()) total += c.bytes;
    if (total <= this.opts.cacheMaxBytes) return;
    const oldest = [...this.copies.entries()].sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [file, c] of oldest) {
      if (total <= this.opts.cacheMaxBytes || Date.now() - c.usedAt < CACHE_MIN_AGE_MS) break;
      await fs.rm(file, { force: true });
      this.copies.delete(file);
      total -= c.bytes;
    }
  }
}
