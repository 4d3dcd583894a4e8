/**
 * One storage module for uploads, generated assets, cache entries and outputs.
 *
 * Glossary
 * - key: a relative POSIX path ("renders/<id>/output.mp4"), [A-Za-z0-9._-] segments. The database
 *   stores keys, never absolute paths or URLs, so every host resolves them alike.
 * - driver: where the bytes live. `LocalStorage` (a directory, STORAGE_DIR; the default) or
 *   `S3Storage` (./s3.ts: an S3-compatible object store, STORAGE_URL=s3://bucket/prefix).
 *   Callers use only the `Storage` interface and never know which.
 *
 * Invariants (both drivers)
 * - A key becomes visible only complete: local writes go to a temp name and are renamed; S3 writes
 *   go to a temp key and are copied server-side (see ./s3.ts). A killed write leaves no key.
 * - `list` and `stat` never show a write in progress.
 */
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { randomUUID } from "node:crypto";

export interface StoredObject {
  key: string;
  bytes: number;
}

/** One stored object as `list` yields it. */
export interface ListedObject {
  key: string;
  bytes: number;
  /** Last write (S3: LastModified, second precision). */
  mtime: Date;
}

export interface Storage {
  /** Human-readable location, for logs. */
  readonly description: string;
  putBuffer(key: string, data: Buffer | string): Promise<StoredObject>;
  putStream(key: string, data: Readable): Promise<StoredObject>;
  /** Stores a local file under key (moved when `move`, else copied). */
  putFile(key: string, file: string, opts?: { move?: boolean }): Promise<StoredObject>;
  read(key: string): Promise<Buffer>;
  /** A byte range [start, end] inclusive, for HTTP Range. */
  stream(key: string, range?: { start: number; end: number }): Readable;
  /** Size in bytes and last write of a key; null when there is none. */
  stat(key: string): Promise<{ bytes: number; mtime: Date } | null>;
  /** Deletes a key; no error when it does not exist. */
  delete(key: string): Promise<void>;
  /** Deletes every key under a folder-like prefix ("renders/abc/" or "renders/abc": not "renders/abcd"). */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * Every complete key starting with `prefix` (a plain string prefix: "cache/seg" matches
   * "cache/segments/x"), in no particular order. "" lists everything.
   */
  list(prefix: string): AsyncIterable<ListedObject>;
  /**
   * A local file path ffmpeg can read. The local driver gives the stored file itself (which may
   * not exist); the S3 driver gives a copy in STORAGE_CACHE_DIR, downloaded when missing or stale,
   * or a path where no file exists when the key has no object. Treat the file as read-only.
   */
  localPath(key: string): Promise<string>;
}

export class StorageKeyError extends Error {
  constructor(key: string, why: string) {
    super(`Invalid storage key ${JSON.stringify(key)}: ${why}`);
    this.name = "StorageKeyError";
  }
}

/** Keys are [A-Za-z0-9._-] segments joined by "/": no "..", no absolute paths, no surprises. */
export function validateKey(key: string): string {
  if (key.length === 0 || key.length > 512) throw new StorageKeyError(key, "length must be 1-512");
  const parts = key.split("/");
  for (const p of parts) {
    if (p === "" || p === "." || p === "..") throw new StorageKeyError(key, "empty, '.' or '..' segment");
    if (!/^[A-Za-z0-9._-]+$/.test(p)) throw new StorageKeyError(key, "only letters, digits, '.', '_' and '-' are allowed");
  }
  return key;
}

/** The object a read found missing: `code` is ENOENT for both drivers, as node:fs gives it. */
export class StorageNotFoundError extends Error {
  readonly code = "ENOENT";
  constructor(readonly key: string) {
    super(`No stored object ${JSON.stringify(key)}`);
    this.name = "StorageNotFoundError";
  }
}

/** Marks a write in progress in the local driver: `${final name}${TMP_MARK}<uuid>`. */
const TMP_MARK = ".tmp-";

export class LocalStorage implements Storage {
  readonly description: string;
  constructor(readonly root: string) {
    this.description = `local:${root}`;
  }

  private abs(key: string) {
    return path.join(this.root, ...validateKey(key).split("/"));
  }

  private async commit(key: string, write: (tmp: string) => Promise<void>): Promise<StoredObject> {
    const dest = this.abs(key);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    const tmp = `${dest}${TMP_MARK}${randomUUID()}`;
    try {
      await write(tmp);
      await fs.rename(tmp, dest);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    return { key, bytes: (await fs.stat(dest)).size };
  }

  putBuffer(key: string, data: Buffer | string) {
    return this.commit(key, (tmp) => fs.writeFile(tmp, data));
  }

  putStream(key: string, data: Readable) {
    return this.commit(key, (tmp) => pipeline(data, createWriteStream(tmp)));
  }

  putFile(key: string, file: string, opts: { move?: boolean } = {}) {
    return this.commit(key, async (tmp) => {
      if (opts.move) {
        try {
          await fs.rename(file, tmp);
          return;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
        }
      }
      await fs.copyFile(file, tmp);
      if (opts.move) await fs.rm(file, { force: true });
    });
  }

  read(key: string) {
    return fs.readFile(this.abs(key));
  }

  stream(key: string, range?: { start: number; end: number }) {
    return createReadStream(this.abs(key), range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: string) {
    try {
      const s = await fs.stat(this.abs(key));
      return s.isFile() ? { bytes: s.size, mtime: s.mtime } : null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }

  async delete(key: string) {
    await fs.rm(this.abs(key), { force: true });
  }

  async deletePrefix(prefix: string) {
    await fs.rm(this.abs(prefix.replace(/\/+$/, "")), { recursive: true, force: true });
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    // Walk the deepest folder the prefix names whole, keep the keys that start with it.
    const dir = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    if (dir) validateKey(dir);
    const start = dir ? path.join(this.root, ...dir.split("/")) : this.root;
    let entries;
    try {
      entries = await fs.readdir(start, { recursive: true, withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return;
      throw e;
    }
    for (const d of entries) {
      if (!d.isFile() || d.name.includes(TMP_MARK)) continue;
      const abs = path.join(d.parentPath, d.name);
      const key = path.relative(this.root, abs).split(path.sep).join("/");
      if (!key.startsWith(prefix)) continue;
      const s = await fs.stat(abs).catch(() => null);
      if (s) yield { key, bytes: s.size, mtime: s.mtime };
    }
  }

  async localPath(key: string) {
    return this.abs(key);
  }
}

let instance: Storage | undefined;

/**
 * The configured storage: S3 when STORAGE_URL is set (checked once: the bucket can be listed and
 * written, else an EnvError naming the setting at fault), else the local directory STORAGE_DIR
 * (default DATA_DIR/storage). Start-up paths (web, worker, npm start) call it first.
 */
export async function storage(): Promise<Storage> {
  if (!instance) {
    const { env } = await import("~/env");
    const e = env();
    if (e.STORAGE_URL) {
      const { S3Storage } = await import("./s3");
      const s3 = S3Storage.fromEnv(e);
      await s3.check();
      instance = s3;
    } else {
      await fs.mkdir(e.STORAGE_DIR, { recursive: true });
      instance = new LocalStorage(e.STORAGE_DIR);
    }
  }
  return instance;
}
