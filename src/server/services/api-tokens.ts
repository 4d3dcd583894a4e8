/**
 * Per-user API tokens for automation (`Authorization: Bearer rf_…`). Only the token's sha256 is
 * stored; the token itself is shown once, at creation. A token acts as its user: same role, same
 * team. Each token may carry a webhook URL and its signing secret (see ./webhooks).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { env } from "~/env";
import { type Db } from "~/server/db";
import { assertWebhookTarget } from "./webhook-target";
import { ROLES, type SessionUser } from "~/server/auth/session";

export const TOKEN_PREFIX = "rf_";
/** Tokens a user may hold. Default 20. */
export const MAX_TOKENS_PER_USER = 20;

const webhookUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .max(2000)
  .nullable()
  .optional()
  .transform((v) => v ?? null);

/** What a token may do: read (GET routes), render (queue renders), admin (admin rights of an admin's token). */
export const TOKEN_SCOPES = ["read", "render", "admin"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const newTokenSchema = z.object({
  name: z.string().trim().min(1).max(80),
  webhookUrl,
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).max(3).default(["read", "render"]),
  /** Days until the token stops working; null or absent: never. */
  expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
});

export const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export class TokenLimitError extends Error {
  constructor() {
    super(`At most ${MAX_TOKENS_PER_USER} API tokens per user: revoke one first`);
    this.name = "TokenLimitError";
  }
}

/** Creates a token; returns it (and the webhook secret) in clear, the only time they exist so. */
export async function createApiToken(db: Db, userId: string, input: z.input<typeof newTokenSchema>) {
  const t = newTokenSchema.parse(input);
  if (t.webhookUrl) await assertWebhookTarget(t.webhookUrl, env().WEBHOOK_ALLOW_PRIVATE, { unresolvable: "allow" });
  if ((await db.apiToken.count({ where: { userId } })) >= MAX_TOKENS_PER_USER) throw new TokenLimitError();
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const webhookSecret = t.webhookUrl ? `whsec_${randomBytes(24).toString("base64url")}` : null;
  const row = await db.apiToken.create({
    data: {
      userId,
      name: t.name,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 10),
      webhookUrl: t.webhookUrl,
      webhookSecret,
      scopes: [...new Set(t.scopes)],
      expiresAt: t.expiresInDays ? new Date(Date.now() + t.expiresInDays * 86_400_000) : null,
    },
  });
  return { id: row.id, name: row.name, token, webhookSecret, scopes: row.scopes, expiresAt: row.expiresAt };
}

export function listApiTokens(db: Db, userId: string) {
  return db.apiToken.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, webhookUrl: true, createdAt: true, lastUsedAt: true, scopes: true, expiresAt: true },
  });
}

/** Sets or clears a token's webhook; a new URL gets a new secret (returned once). */
export async function setTokenWebhook(db: Db, userId: string, tokenId: string, url: string | null) {
  const parsed = webhookUrl.parse(url);
  if (parsed) await assertWebhookTarget(parsed, env().WEBHOOK_ALLOW_PRIVATE, { unresolvable: "allow" });
  const webhookSecret = parsed ? `whsec_${randomBytes(24).toString("base64url")}` : null;
  const r = await db.apiToken.updateMany({ where: { id: tokenId, userId }, data: { webhookUrl: parsed, webhookSecret } });
  return r.count === 1 ? { webhookSecret } : null;
}

export async function revokeApiToken(db: Db, userId: string, tokenId: string) {
  const r = await db.apiToken.deleteMany({ where: { id: tokenId, userId } });
  return r.count === 1;
}

const userShape = z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(ROLES).catch("marketer"), teamId: z.string().nullable() });

/**
 * The user behind `Authorization: Bearer <token>`, or null (missing, malformed, unknown or
 * expired). Without the "admin" scope an admin's token acts with a marketer's rights (its team).
 */
export async function authenticateBearer(db: Db, authorization: string | null): Promise<{ user: SessionUser; tokenId: string; scopes: TokenScope[] } | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "");
  const token = m?.[1];
  if (!token?.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const hash = hashToken(token);
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hash },
    select: { id: true, tokenHash: true, lastUsedAt: true, expiresAt: true, scopes: true, user: { select: { id: true, email: true, name: true, role: true, teamId: true } } },
  });
  // The unique index found it; the constant-time compare is belt and braces against timing oracles.
  if (!row || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash))) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return null;
  const scopes = row.scopes.filter((x): x is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(x));
  const user = userShape.parse(row.user);
  if (user.role === "admin" && !scopes.includes("admin")) user.role = "marketer";
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { user, tokenId: row.id, scopes };
}
