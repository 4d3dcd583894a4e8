/**
 * Sign-in: better-auth with email + password (scrypt-hashed), sessions stored server-side in
 * PostgreSQL through its Prisma adapter (models User, Session, Account, Verification).
 *
 * - No self sign-up: the first admin is created by ./first-admin, everyone else by an admin
 *   (~/server/services/users).
 * - Cookies: httpOnly, SameSite=Lax, Secure (and __Secure- prefixed) when PUBLIC_URL is https.
 * - CSRF: better-auth refuses state-changing requests whose Origin is not trusted (PUBLIC_URL,
 *   or the very host the request was sent to); tRPC mutations and our routes check the same
 *   way (./csrf).
 * - Rate limits, in PostgreSQL so every web process shares them (./rate-limit): sign-in is
 *   limited per client IP (SIGN_IN_PER_IP) and per email (SIGN_IN_PER_EMAIL, counting
 *   attempts since the last success).
 *
 * Built lazily: `next build` imports this module without a database or a secret.
 */
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { env } from "~/env";
import { db } from "~/server/db";
import { isSameOrigin, requestOrigin, SAFE_METHODS } from "./csrf";
import { clearRateLimit, consumeRateLimit, pruneRateLimits, type RateRule } from "./rate-limit";
import { authSecret } from "./secret";

/** Per client IP on /sign-in/email. Default 20 per minute. */
export const SIGN_IN_PER_IP: RateRule = { window: 60, max: 20 };
/** Per email address, reset by a successful sign-in. Default 8 per 15 minutes. */
export const SIGN_IN_PER_EMAIL: RateRule = { window: 900, max: 8 };
/** Session lifetime (7 days), extended on use at most once a day. */
const SESSION_SECONDS = 7 * 86_400;

const emailKey = (email: unknown) => `sign-in:email:${String(email ?? "").trim().toLowerCase()}`;

/** A better-auth instance; `publicUrl` (default PUBLIC_URL) decides the cookies' Secure flag. */
export function createAuth(opts: { publicUrl?: string } = {}) {
  const e = env();
  const publicUrl = opts.publicUrl ?? e.PUBLIC_URL;
  const publicOrigin = new URL(publicUrl).origin;
  return betterAuth({
    appName: "Reelfarm",
    baseURL: publicUrl,
    basePath: "/api/auth",
    secret: authSecret(),
    database: prismaAdapter(db(), { provider: "postgresql" }),
    telemetry: { enabled: false },
    trustedOrigins: (request) => [publicOrigin, ...(request ? [requestOrigin(request.headers, request.url)] : [])],
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 10, maxPasswordLength: 128, autoSignIn: false },
    user: {
      additionalFields: {
        role: { type: "string", required: false, input: false, defaultValue: "marketer" },
        teamId: { type: "string", required: false, input: false },
      },
    },
    session: { expiresIn: SESSION_SECONDS, updateAge: 86_400 },
    rateLimit: {
      enabled: true,
      window: 60,
      max: 300,
      customRules: { "/sign-in/email": SIGN_IN_PER_IP },
      customStorage: { consume: (key, rule) => consumeRateLimit(db(), `auth:${key}`, rule) },
    },
    advanced: {
      cookiePrefix: "reelfarm",
      useSecureCookies: publicUrl.startsWith("https://"),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", path: "/" },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        // better-auth checks Origin only when a cookie is sent; we want it on every state change
        // (login CSRF included). Server-side calls (auth.api.*) have no request and pass.
        const req = ctx.request;
        if (req && !SAFE_METHODS.has(req.method) && !isSameOrigin(req.headers, req.url)) {
          throw new APIError("FORBIDDEN", { message: "Cross-origin request refused" });
        }
        if (ctx.path !== "/sign-in/email") return;
        const body = ctx.body as { email?: unknown } | undefined;
        const d = await consumeRateLimit(db(), emailKey(body?.email), SIGN_IN_PER_EMAIL);
        if (!d.allowed) {
          throw new APIError("TOO_MANY_REQUESTS", { message: `Too many sign-in attempts for this account. Try again in ${Math.ceil((d.retryAfter ?? 60) / 60)} min.` });
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email" || !ctx.context.newSession) return;
        await clearRateLimit(db(), emailKey((ctx.body as { email?: unknown } | undefined)?.email));
        await pruneRateLimits(db());
      }),
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { reelfarmAuth?: Auth };

/** The process-wide better-auth instance. */
export function auth(): Auth {
  globalForAuth.reelfarmAuth ??= createAuth();
  return globalForAuth.reelfarmAuth;
}
