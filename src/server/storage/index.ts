/**
 * One storage module for uploads, generated assets, cache clips and outputs.
 *
 * Keys are relative POSIX paths ("renders/<id>/output.mp4"); the database stores keys, never
 * absolute paths, so worker hosts sharing the root over a network filesystem (or a future
 * S3-compatible driver) resolve them alike. Callers use only this interface.
 *
 * Invariant: a key becomes visible only complete — writes go to a temp name and are renamed.
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
  stat(key: string): Promise<{ bytes: number; mtime: Date } | null>;
  delete(key: string): Promise<void>;
  /** Deletes every key under a prefix ("renders/abc/"). */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * A local file path ffmpeg can read. For the local driver this is the stored file itself;
   * a remote driver would download to a temp file.
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
    const tmp = `${dest}.tmp-${randomUUID()}`;
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

  async localPath(key: string) {
    return this.abs(key);
  }
}

let instance: Storage | undefined;

/** The configured storage (STORAGE_DIR, default DATA_DIR/storage). */
export async function storage(): Promise<Storage> {
  if (!instance) {
    const { env } = await import("~/env");
    const root = env().STORAGE_DIR;
    await fs.mkdir(root, { recursive: true });
    instance = new LocalStorage(root);
  }
  return instance;
}
