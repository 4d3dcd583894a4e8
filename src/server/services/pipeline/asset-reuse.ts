/**
 * Content-addressed assets (issue 13, item 2): a provider request that already succeeded in the
 * same team is not paid for again; its stored file is reused.
 *
 * Glossary:
 * - content key: sha256 (hex) of the canonical JSON of { kind, provider id, model, validated
 *   provider options, input }, where every input file is named by its sha256, never its path.
 * - scope: who may share assets: "team:<id>"; a campaign without a team shares with its creator
 *   only ("user:<id>"), or with itself ("campaign:<id>") when it has none.
 * - claim: a RenderAsset row in flight (pending or running) with its scope and content key set:
 *   the one request for that key being paid for. Another asset asking the same key is a
 *   follower: it waits (status pending, data.waitingFor = the leader's id) and is woken when
 *   the claim ends.
 *
 * Invariants:
 * - Reuse never crosses scopes: every lookup filters on the asset's own scope.
 * - A reused file is read back and its sha256 compared with the row it came from. A missing,
 *   unreadable or different file is a miss: the rows naming that file leave the index
 *   (contentKey null), so it is never offered again, and the provider is called.
 * - At most one claim per (scope, key): the check and the claim run in one transaction under a
 *   transaction-scoped advisory lock on the key, and a leader wakes its followers under the same
 *   lock after its row has left the in-flight states, so a follower either sees the leader's
 *   result or is seen by the leader's wake-up.
 * - A claim whose render is no longer running, or older than CLAIM_TTL_MS, holds no one back
 *   (a failed render leaves its other assets "running"; a killed worker leaves its row).
 * - Local providers are never reused (they cost nothing and are deterministic; the segment cache
 *   covers their output).
 */
import { createHash } from "node:crypto";
import stringify from "safe-stable-stringify";
import { type Db } from "~/server/db";
import { enqueue } from "~/server/jobs";
import { storage } from "~/server/storage";
import { type RenderAsset } from "~/server/generated/prisma/client";

/** A claim older than this no longer holds followers back (ms). Default 30 min: a Veo generation takes minutes. */
export const CLAIM_TTL_MS = 30 * 60_000;
/** A follower looks again after this long if no leader woke it (ms). Default 60 s. */
export const WAIT_RECHECK_MS = 60_000;
/** Version of the canonical description: bump it when a provider's output for the same request changes. */
const KEY_VERSION = 1;

/** What a request is, for its content key. `input` must name files by sha256 (no paths). */
export interface RequestDescription {
  kind: string;
  providerId: string;
  model: string;
  options: unknown;
  input: unknown;
}

/** sha256 (hex, 64 chars) of the canonical JSON (sorted keys) of `d`. */
export function contentKeyOf(d: RequestDescription): string {
  const canonical = stringify({ v: KEY_VERSION, ...d });
  if (canonical === undefined) throw new Error("content key: the request description is not serialisable");
  return createHash("sha256").update(canonical).digest("hex");
}

/** The scope a campaign's assets are shared in (see the glossary). */
export function reuseScopeOf(c: { id: string; teamId: string | null; createdById: string | null }): string {
  if (c.teamId) return `team:${c.teamId}`;
  if (c.createdById) return `user:${c.createdById}`;
  return `campaign:${c.id}`;
}

/** True when the stored file exists, reads back whole and has the row's sha256. */
async function fileIntact(row: Pick<RenderAsset, "file" | "sha256">): Promise<boolean> {
  if (!row.file || !row.sha256) return false;
  try {
    const bytes = await (await storage()).read(row.file);
    return createHash("sha256").update(bytes).digest("hex") === row.sha256;
  } catch {
    return false;
  }
}

/**
 * The newest succeeded asset of `scope` with content key `key` (not `selfId`) whose file is
 * intact and, with `usable`, whose row passes it; null when there is none. Rows found with a bad
 * file leave the index on the way.
 */
export async function findReusable(db: Db, scope: string, key: string, selfId: string, usable: (row: RenderAsset) => boolean = () => true): Promise<RenderAsset | null> {
  const rows = await db.renderAsset.findMany({
    where: { reuseScope: scope, contentKey: key, status: "succeeded", id: { not: selfId }, file: { not: null } },
    orderBy: { finishedAt: "desc" },
    take: 5,
  });
  const checked = new Map<string, boolean>();
  for (const row of rows) {
    if (!usable(row)) continue;
    const ok = checked.get(row.file!) ?? (await fileIntact(row));
    checked.set(row.file!, ok);
    if (ok) return row;
    await db.renderAsset.updateMany({ where: { reuseScope: scope, contentKey: key, file: row.file }, data: { contentKey: null } });
  }
  return null;
}

const lockKey = (scope: string, key: string) => `${scope}\n${key}`;

export type ClaimResult = { claimed: true } | { claimed: false; leaderId: string } | { claimed: false; recheck: true };

/**
 * Claims (scope, key) for asset `selfId`, or makes it a follower of the asset already paying for
 * it (its status back to pending, data.waitingFor set; the caller schedules a recheck).
 * `recheck`: the key succeeded meanwhile, so look for a reusable row again.
 */
export async function claim(db: Db, selfId: string, scope: string, key: string): Promise<ClaimResult> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtextextended(${lockKey(scope, key)}, 0))`;
    const leader = await tx.$queryRaw<{ id: string }[]>`
      select a.id from "RenderAsset" a join "Render" r on r.id = a."renderId"
      where a."reuseScope" = ${scope} and a."contentKey" = ${key} and a.status in ('pending', 'running') and a.id <> ${selfId}
        and r.status = 'running' and coalesce(a."startedAt", a."createdAt") > now() - make_interval(secs => ${CLAIM_TTL_MS / 1000}::int)
      order by a."startedAt" limit 1`;
    if (leader[0]) {
      await tx.renderAsset.update({ where: { id: selfId }, data: { status: "pending", data: { waitingFor: leader[0].id } } });
      return { claimed: false, leaderId: leader[0].id };
    }
    const done = await tx.renderAsset.count({ where: { reuseScope: scope, contentKey: key, status: "succeeded", id: { not: selfId } } });
    if (done > 0) return { claimed: false, recheck: true };
    await tx.renderAsset.update({ where: { id: selfId }, data: { reuseScope: scope, contentKey: key } });
    return { claimed: true };
  });
}

/**
 * Ends `asset`'s claim on `key`: with `drop` (the request failed or moved to another provider)
 * the key leaves the row; a succeeded row keeps it (it is now the index entry). Then every
 * follower waiting on the asset is queued at once. Call after the row's status has changed.
 */
export async function releaseClaim(db: Db, asset: { id: string }, scope: string, key: string, opts: { drop: boolean; attempts: number }) {
  if (opts.drop) await db.renderAsset.updateMany({ where: { id: asset.id, contentKey: key }, data: { contentKey: null } });
  const followers = await db.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtextextended(${lockKey(scope, key)}, 0))`;
    return tx.$queryRaw<{ id: string; renderId: string }[]>`
      select id, "renderId" from "RenderAsset" where status = 'pending' and data->>'waitingFor' = ${asset.id}`;
  });
  for (const f of followers) {
    await enqueue("asset:generate", { renderId: f.renderId, assetId: f.id }, { jobKey: `asset:${f.id}`, maxAttempts: opts.attempts });
  }
  return followers.length;
}
