/**
 * Ken Burns clip cache: rendered clips on disk (shared storage) + an index of them (a database table in production,
 * in memory in tests).
 *
 * Glossary
 * - key: sha256 of everything that determines a clip's pixels (see `clipKey`).
 * - entry: one row of the index: key, file (RELATIVE to the cache root), bytes, hits, createdAt, lastUsedAt, params.
 * - root: the cache directory; every worker host sees the same root, so any host's clip serves all.
 *
 * Invariants
 * - A file is published only complete: it is written under a temp name in its final directory and then
 *   hard-linked (or renamed) to its final name, both atomic. A killed build leaves only a temp file, which is never
 *   referenced and is swept later.
 * - A row is written only after its file is in place. A row whose file is missing or unreadable is a miss: the row
 *   is dropped and the clip rebuilt.
 * - Two concurrent builds of one key (in one process or on two hosts) leave one file and one row: the first link
 *   wins, the loser discards its copy; `put` is an upsert keyed by `key`.
 * - Eviction removes least-recently-used rows first, then their files; clips in use by a render are protected.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";

export interface ClipCacheEntry {
  key: string;
  /** Relative to the cache root, `/`-separated. */
  file: string;
  bytes: number;
  hits: number;
  createdAt: Date;
  lastUsedAt: Date;
  /** What went into the key (for humans and debugging; JSON-serialisable). */
  params: Record<string, unknown>;
  /** How long the clip took to make: what each hit saves. */
  buildMs?: number;
}

/** A row as the cache writes it (the index sets hits and the dates). */
export type NewClipEntry = Pick<ClipCacheEntry, "key" | "file" | "bytes" | "params" | "buildMs">;

/**
 * The index of cached clips. A Prisma implementation maps it onto
 * `CacheEntry(key @id, file, bytes, hits, createdAt, lastUsedAt, params Json)`.
 */
export interface ClipCacheIndex {
  get(key: string): Promise<{ file: string; bytes: number } | null>;
  /** hits += 1, lastUsedAt = now. */
  recordHit(key: string): Promise<void>;
  /**
   * Insert, or on an existing key keep the row (first writer wins) and only touch lastUsedAt. `buildMs`: how long
   * the clip took to make (what each hit saves).
   */
  put(entry: NewClipEntry): Promise<void>;
  /** Drop a row (its file was found missing or unreadable). */
  remove(key: string): Promise<void>;
  /**
   * Delete least-recently-used rows (never those in `protect`) until the total of `bytes` is <= capBytes.
   * Returns the removed rows' files, for the caller to delete.
   */
  evictTo(capBytes: number, protect?: ReadonlySet<string>): Promise<string[]>;
  totalBytes(): Promise<number>;
}

/** In-memory index for tests and single-process tools. */
export class InMemoryClipCacheIndex implements ClipCacheIndex {
  readonly rows = new Map<string, ClipCacheEntry>();
  private clock = 0;
  /** Monotonic, so LRU order is well defined even within one millisecond. */
  private now(): Date {
    this.clock = Math.max(this.clock + 1, Date.now());
    return new Date(this.clock);
  }
  async get(key: string) {
    const r = this.rows.get(key);
    return r ? { file: r.file, bytes: r.bytes } : null;
  }
  async recordHit(key: string) {
    const r = this.rows.get(key);
    if (!r) return;
    r.hits++;
    r.lastUsedAt = this.now();
  }
  async put(e: NewClipEntry) {
    const existing = this.rows.get(e.key);
    if (existing) {
      existing.lastUsedAt = this.now();
      return;
    }
    const t = this.now();
    this.rows.set(e.key, { ...e, hits: 0, createdAt: t, lastUsedAt: t });
  }
  async remove(key: string) {
    this.rows.delete(key);
  }
  async evictTo(capBytes: number, protect: ReadonlySet<string> = new Set()) {
    let total = await this.totalBytes();
    const removed: string[] = [];
    const lru = [...this.rows.values()].sort((a, b) => a.lastUsedAt.getTime() - b.lastUsedAt.getTime());
    for (const r of lru) {
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

/** sha256 of a file's bytes (streamed). */
export async function hashFile(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** Stable JSON (sorted keys) so equal params always hash equally. */
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

/** Cache key: sha256 over the source's content hash and every parameter that changes the clip's pixels. */
export function clipKey(sourceSha256: string, params: Record<string, unknown>): string {
  return createHash("sha256").update(sourceSha256).update("\0").update(stableJson(params)).digest("hex");
}

/**
 * How clips are stored. `raw` (the default): yuv420p frames as they are, 3.1 MB a 1080x1920 frame (93 MB a second
 * at 30 fps), next to free to write and read, and readable frame by frame, so transitions next to a cached clip are
 * composed without ffmpeg's xfade. `mpeg2`: MPEG-2 intra-quality in Matroska, ~0.2 MB a frame, ~12 ms of CPU a
 * frame to write and ~3-5 ms to read, and transitions beside it go through xfade: for storage that is short of
 * room or slow to read.
 */
export type ClipFormat = "mpeg2" | "raw";

export interface ClipCacheOptions {
  root: string;
  index: ClipCacheIndex;
  /** Size cap of all clips together. Default 5 GB. */
  capBytes?: number;
  /** Default `raw`. Part of every key, so switching formats never mixes files. */
  format?: ClipFormat;
}

export interface ClipHandle {
  key: string;
  /** Absolute path, valid until evicted. */
  path: string;
  hit: boolean;
}

export class ClipCache {
  readonly root: string;
  readonly index: ClipCacheIndex;
  readonly capBytes: number;
  readonly format: ClipFormat;
  private readonly ext: string;
  /** Builds in flight in this process: one build per key. */
  private readonly inflight = new Map<string, Promise<ClipHandle>>();

  constructor(opts: ClipCacheOptions) {
    this.root = opts.root;
    this.index = opts.index;
    this.capBytes = opts.capBytes ?? 5e9;
    this.format = opts.format ?? "raw";
    this.ext = this.format === "raw" ? ".yuv" : ".mkv";
  }

  /** Where a key's clip lives, relative to the root (fanned out by the first two hex digits). */
  relativeFile(key: string): string {
    return `kb/${key.slice(0, 2)}/${key}${this.ext}`;
  }

  private abs(rel: string): string {
    return join(this.root, ...rel.split("/"));
  }

  /** A usable file: exists, non-empty, can be opened and read. */
  private async usable(path: string, expectBytes?: number): Promise<number | null> {
    try {
      const s = await stat(path);
      if (!s.isFile() || s.size === 0) return null;
      if (expectBytes !== undefined && expectBytes > 0 && s.size !== expectBytes) return null;
      const fh = await open(path, "r");
      try {
        const buf = Buffer.alloc(Math.min(4096, s.size));
        await fh.read(buf, 0, buf.length, 0);
      } finally {
        await fh.close();
      }
      return s.size;
    } catch {
      return null;
    }
  }

  /** Look a key up. A row whose file is missing/unreadable is dropped and reported as a miss. */
  async lookup(key: string): Promise<string | null> {
    const row = await this.index.get(key);
    if (!row) return null;
    const path = this.abs(row.file);
    if ((await this.usable(path, row.bytes)) === null) {
      await this.index.remove(key);
      return null;
    }
    await this.index.recordHit(key);
    return path;
  }

  /**
   * The clip for `key`: a hit, or built now by `produce(tmpPath)` (which must write a complete file there, e.g.
   * an ffmpeg run) and published atomically.
   */
  getOrBuild(
    key: string,
    params: Record<string, unknown>,
    /** Resolves with the build's own time when its wall time would overstate it (a build paced by a consumer). */
    produce: (tmpPath: string) => Promise<void | { buildMs: number }>,
  ): Promise<ClipHandle> {
    const running = this.inflight.get(key);
    if (running) return running.then((h) => ({ ...h, hit: true }));
    const p = (async (): Promise<ClipHandle> => {
      const hit = await this.lookup(key);
      if (hit) return { key, path: hit, hit: true };
      const rel = this.relativeFile(key);
      const final = this.abs(rel);
      await mkdir(dirname(final), { recursive: true });
      // Another host may have published the file but not yet its row.
      const already = await this.usable(final);
      let buildMs: number | undefined;
      if (already === null) {
        const tmp = `${final}.tmp-${process.pid}-${randomBytes(6).toString("hex")}${this.ext}`;
        try {
          const t0 = performance.now();
          const made = await produce(tmp);
          buildMs = Math.round(made?.buildMs ?? performance.now() - t0);
          await publish(tmp, final);
        } finally {
          await rm(tmp, { force: true });
        }
      }
      const bytes = await this.usable(final);
      if (bytes === null) throw new Error(`cache clip ${rel} vanished after it was built`);
      await this.index.put({ key, file: rel, bytes, params, buildMs });
      return { key, path: final, hit: false };
    })();
    this.inflight.set(key, p);
    const clear = () => this.inflight.delete(key);
    p.then(clear, clear);
    return p;
  }

  /** Evict least-recently-used clips until under the cap; `protect` keys are kept. Returns the deleted files. */
  async evict(protect: ReadonlySet<string> = new Set()): Promise<string[]> {
    const files = await this.index.evictTo(this.capBytes, protect);
    await Promise.all(files.map((f) => rm(this.abs(f), { force: true })));
    return files;
  }

  /** Remove temp files older than `olderThanMs` left by killed builds (default 1 h). */
  async sweepTemp(olderThanMs = 3_600_000): Promise<number> {
    let n = 0;
    const walk = async (dir: string): Promise<void> => {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return;
      }
      for (const name of names) {
        const p = join(dir, name);
        const s = await stat(p).catch(() => null);
        if (!s) continue;
        if (s.isDirectory()) await walk(p);
        else if (name.includes(".tmp-") && Date.now() - s.mtimeMs > olderThanMs) {
          await unlink(p).catch(() => undefined);
          n++;
        }
      }
    };
    await walk(join(this.root, "kb"));
    return n;
  }

  /** For diagnostics: a path relative to the root. */
  rel(path: string): string {
    return relative(this.root, path).split(sep).join("/");
  }
}

/** Move a complete temp file to its final name without ever exposing a partial file; first publisher wins. */
async function publish(tmp: string, final: string): Promise<void> {
  try {
    await link(tmp, final);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return; // someone else published first; theirs is complete too
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "EXDEV") {
      // Filesystems without hard links: rename is still atomic (it may replace an identical clip).
      await rename(tmp, final);
      return;
    }
    throw e;
  }
}

export function createClipCache(opts: ClipCacheOptions): ClipCache {
  return new ClipCache(opts);
}
