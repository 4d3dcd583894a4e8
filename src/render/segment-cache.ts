/**
 * Encoded-segment cache (issue 13): H.264 segments in the shared storage, indexed by key (a database table in
 * production, in memory in tests and benchmarks).
 *
 * Glossary
 * - key: sha256 of everything that decides a segment's pixels (segments.ts, `SegmentRecipe`).
 * - entry: one index row: key, file (a storage key), bytes, the file's sha256, hits, build time, last used.
 *
 * Invariants
 * - A file is published only complete: encoded in the render's temp dir, hashed, then stored through
 *   `SegmentStore.putFile` (atomic: temp name + rename). The row is written after the file. A killed build leaves at
 *   most a temp file in the work dir or a stored file without a row, never a row that looks complete.
 * - A row whose file is missing, has another size or another sha256 is a miss: the row is dropped and the segment
 *   rebuilt (its new row replaces it). Nothing is published or re-indexed as it was found.
 * - Stored files are named by key and content hash, so two hosts building one segment never overwrite each other's
 *   file; the index keeps the first row (`put` returns the winner) and the loser deletes its own file: one entry.
 * - Eviction drops least-recently-used rows first (never keys in use by a running render), then their files.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** The storage operations the cache needs: a subset of src/server/storage (local or S3 alike). */
export interface SegmentStore {
  putFile(key: string, file: string, opts?: { move?: boolean }): Promise<{ key: string; bytes: number }>;
  stat(key: string): Promise<{ bytes: number } | null>;
  /** A local path ffmpeg can read (a remote store downloads it). */
  localPath(key: string): Promise<string>;
  delete(key: string): Promise<void>;
}

export interface SegmentEntry {
  key: string;
  /** Storage key of the file. */
  file: string;
  bytes: number;
  sha256: string;
  hits: number;
  /** How long the segment took to make: what each hit saves (ms). */
  buildMs: number;
  createdAt: Date;
  lastUsedAt: Date;
  /** What went into the key, for people reading the admin page (JSON). */
  params: Record<string, unknown>;
}

export type NewSegmentEntry = Pick<SegmentEntry, "key" | "file" | "bytes" | "sha256" | "buildMs" | "params">;

export interface SegmentIndex {
  get(key: string): Promise<Pick<SegmentEntry, "file" | "bytes" | "sha256"> | null>;
  /** hits += 1, lastUsedAt = now. */
  recordHit(key: string): Promise<void>;
  /** Insert; on an existing key keep that row (first writer wins), touch its lastUsedAt and return its file. */
  put(entry: NewSegmentEntry): Promise<{ file: string }>;
  /** Drop a row only if it still names `file` (its file was found missing or corrupt). */
  remove(key: string, file: string): Promise<void>;
  /** Delete least-recently-used rows (never those in `protect`) until the total bytes <= capBytes; returns their files. */
  evictTo(capBytes: number, protect?: ReadonlySet<string>): Promise<string[]>;
  totalBytes(): Promise<number>;
}

/** In-memory index for tests, benchmarks and single-process tools. */
export class InMemorySegmentIndex implements SegmentIndex {
  readonly rows = new Map<string, SegmentEntry>();
  private clock = 0;
  private now(): Date {
    this.clock = Math.max(this.clock + 1, Date.now());
    return new Date(this.clock);
  }
  async get(key: string) {
    const r = this.rows.get(key);
    return r ? { file: r.file, bytes: r.bytes, sha256: r.sha256 } : null;
  }
  async recordHit(key: string) {
    const r = this.rows.get(key);
    if (!r) return;
    r.hits++;
    r.lastUsedAt = this.now();
  }
  async put(e: NewSegmentEntry) {
    const existing = this.rows.get(e.key);
    if (existing) {
      existing.lastUsedAt = this.now();
      return { file: existing.file };
    }
    const t = this.now();
    this.rows.set(e.key, { ...e, hits: 0, createdAt: t, lastUsedAt: t });
    return { file: e.file };
  }
  async remove(key: string, file: string) {
    if (this.rows.get(key)?.file === file) this.rows.delete(key);
  }
  async evictTo(capBytes: number, protect: ReadonlySet<string> = new Set()) {
    let total = await this.totalBytes();
    const removed: string[] = [];
    for (const r of [...this.rows.values()].sort((a, b) => a.lastUsedAt.getTime() - b.lastUsedAt.getTime())) {
      if (total <= capBytes) break;
      if (protect.has(r.key)) continue;
      this.rows.delete(r.key);
      total -= r.bytes;
      removed.push(r.file);
    }
    return removed;
  }
  async totalBytes() {
    let t = 0;
    for (const r of this.rows.values()) t += r.bytes;
    return t;
  }
}

/** sha256 of a file's bytes (streamed), hex. */
export async function hashFile(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** Stable JSON (sorted keys), so equal descriptions always hash equally. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** sha256 (hex) of a description (stable JSON). */
export function describeKey(description: unknown): string {
  return createHash("sha256").update(stableJson(description)).digest("hex");
}

export interface SegmentCacheOptions {
  store: SegmentStore;
  index: SegmentIndex;
  /** Size cap of all segments together (bytes). Default 5 GB. */
  capBytes?: number;
  /** Storage prefix. Default `cache/segments`. */
  prefix?: string;
}

export interface SegmentHit {
  key: string;
  /** Local path of the segment file (valid until evicted). */
  path: string;
}

export class SegmentCache {
  readonly store: SegmentStore;
  readonly index: SegmentIndex;
  readonly capBytes: number;
  readonly prefix: string;

  constructor(opts: SegmentCacheOptions) {
    this.store = opts.store;
    this.index = opts.index;
    this.capBytes = opts.capBytes ?? 5e9;
    this.prefix = opts.prefix ?? "cache/segments";
  }

  /** Storage key of a segment file: fanned out by the key's first two hex digits, named by key and content. */
  fileFor(key: string, sha256: string): string {
    return `${this.prefix}/${key.slice(0, 2)}/${key}-${sha256.slice(0, 16)}.mp4`;
  }

  /**
   * The segment for `key`, or null (a miss). A row whose file is missing or does not match its size and sha256 is
   * dropped (a miss). Store errors are misses too: the render rebuilds the segment.
   */
  async lookup(key: string): Promise<SegmentHit | null> {
    const row = await this.index.get(key);
    if (!row) return null;
    try {
      const st = await this.store.stat(row.file);
      if (st && st.bytes === row.bytes) {
        const path = await this.store.localPath(row.file);
        if ((await hashFile(path)) === row.sha256) {
          await this.index.recordHit(key);
          return { key, path };
        }
      }
    } catch {
      // unreadable: a miss
    }
    await this.index.remove(key, row.file);
    await this.store.delete(row.file).catch(() => undefined);
    return null;
  }

  /**
   * Publish a complete segment file at `localFile` (moved into the store) under `key`; returns the stored file's
   * local path. When another build of the key won, its file is kept and ours deleted.
   */
  async publish(key: string, localFile: string, meta: { buildMs: number; params: Record<string, unknown> }): Promise<string> {
    const sha256 = await hashFile(localFile);
    const file = this.fileFor(key, sha256);
    const stored = await this.store.putFile(file, localFile, { move: true });
    const winner = await this.index.put({ key, file, bytes: stored.bytes, sha256, buildMs: meta.buildMs, params: meta.params });
    if (winner.file !== file) {
      await this.store.delete(file).catch(() => undefined);
      return this.store.localPath(winner.file);
    }
    return this.store.localPath(file);
  }

  /** Evict least-recently-used segments until under the cap; `protect` keys are kept. Returns the deleted files. */
  async evict(protect: ReadonlySet<string> = new Set()): Promise<string[]> {
    const files = await this.index.evictTo(this.capBytes, protect);
    await Promise.all(files.map((f) => this.store.delete(f).catch(() => undefined)));
    return files;
  }
}
