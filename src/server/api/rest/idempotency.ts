/**
 * Idempotency-Key for every POST of API v1 (the IETF httpapi draft's semantics, as Stripe uses them).
 *
 * - The first request with a key claims it (a row keyed by token + key, inserted before the work:
 *   the unique index decides between two concurrent requests). Its answer, success or 4xx, is
 *   stored and replayed to any later request with the same key for 24 h (`Idempotent-Replayed: true`).
 * - The same key with another operation or another body is refused (422 idempotency-key-reused);
 *   while the first request is still running, a retry gets 409 idempotency-key-in-use.
 * - A 5xx (or a crash) releases the key, so the client may retry with it.
 */
import { createHash } from "node:crypto";
import { type Db } from "~/server/db";
import { Prisma } from "~/server/generated/prisma/client";
import { ApiProblem } from "./problem";

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

export interface StoredAnswer {
  status: number;
  body: string;
  location: string | null;
}

export type Claim = { replay: StoredAnswer } | { replay?: undefined; finish(a: StoredAnswer): Promise<void>; release(): Promise<void> };

export function requestHash(parts: (string | Uint8Array)[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

/** Claims `key` for this request or returns the stored answer to replay. Throws ApiProblem. */
export async function claimIdempotencyKey(db: Db, tokenId: string, rawKey: string | null, operation: string, hash: string): Promise<Claim> {
  const key = rawKey?.trim() ?? "";
  if (!key) throw new ApiProblem("missing-idempotency-key", "Send an Idempotency-Key header (e.g. a UUID) with every POST, and the same key when you retry.", [{ field: "Idempotency-Key", message: "required" }]);
  if (!KEY_RE.test(key)) throw new ApiProblem("validation-failed", "Idempotency-Key must be 1-255 visible ASCII characters.", [{ field: "Idempotency-Key", message: "1-255 visible ASCII characters" }]);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const row = await db.apiIdempotencyKey.create({ data: { tokenId, key, operation, requestHash: hash } });
      return {
        finish: async (a) => {
          await db.apiIdempotencyKey.update({ where: { id: row.id }, data: { status: a.status, body: a.body, location: a.location } });
        },
        release: async () => {
          await db.apiIdempotencyKey.deleteMany({ where: { id: row.id } });
        },
      };
    } catch (e) {
      if (!(e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")) throw e;
    }
    const prior = await db.apiIdempotencyKey.findUnique({ where: { tokenId_key: { tokenId, key } } });
    if (!prior) continue; // released meanwhile: claim again
    if (Date.now() - prior.createdAt.getTime() > IDEMPOTENCY_TTL_MS) {
      await db.apiIdempotencyKey.deleteMany({ where: { id: prior.id, createdAt: prior.createdAt } });
      continue;
    }
    if (prior.operation !== operation || prior.requestHash !== hash) {
      throw new ApiProblem("idempotency-key-reused", `Idempotency-Key "${key}" was first used for ${prior.operation} with another body; use a new key for a new request.`, [
        { field: "Idempotency-Key", message: "already used for a different request" },
      ]);
    }
    if (prior.status === null || prior.body === null) throw new ApiProblem("idempotency-key-in-use", `The first request with Idempotency-Key "${key}" is still running; retry in a moment.`, [], { "retry-after": "1" });
    return { replay: { status: prior.status, body: prior.body, location: prior.location } };
  }
  throw new ApiProblem("idempotency-key-in-use", "The key is being claimed concurrently; retry in a moment.", [], { "retry-after": "1" });
}
