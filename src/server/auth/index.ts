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
 *   limited per client IP (SIGN_IN_PER_IP), and slowed by a progressive delay per email and
 *   client IP (SIGN_IN_DELAY_PER_EMAIL_IP) and per email (SIGN_IN_DELAY_PER_EMAIL, short cap),
 *   counting attempts since the last success. A delay, never a lock: nobody can lock a user out.
 *   The client IP is the connection's address (CLIENT_IP_HEADER, written by the web server;
 *   forwarded headers count only from TRUSTED_PROXIES).
 *
 * Built lazily: `next build` imports this module without a database or a secret.
 */
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { env } from "~/env";
import { db } from "~/server/db";
import { isSameOrigin, requestOrigin, SAFE_METHODS } from "./csrf";
import { CLIENT_IP_HEADER } from "~/server/http/client-ip";
import { clearRateLimit, consumeDelay, consumeRateLimit, type DelayRule, type RateRule } from "./rate-limit";
import { authSecret } from "./secret";

/** Per client IP on /sign-in/email. Default 20 per minute. */
export const SIGN_IN_PER_IP: RateRule = { window: 60, max: 20 };
/** Per email address and client IP: 5 tries at once, then 1 s, 2 s, 4 s… up to 5 min between tries. */
export const SIGN_IN_DELAY_PER_EMAIL_IP: DelayRule = { free: 5, baseSec: 1, capSec: 300, resetSec: 3600 };
/**
 * Per email address from every IP (a botnet): 20 tries at once, then 1 s, 2 s… up to 30 s. The
 * short cap bounds how long anyone else's failures can make the owner wait.
 */
export const SIGN_IN_DELAY_PER_EMAIL: DelayRule = { free: 20, baseSec: 1, capSec: 30, resetSec: 3600 };
/** Session lifetime (7 days), extended on use at most once a day. */
const SESSION_SECONDS = 7 * 86_400;

const emailOf = (email: unknown) => String(email ?? "").trim().toLowerCase();
const emailKey = (email: unknown) => `sign-in:email:${emailOf(email)}`;
const emailIpKey = (email: unknown, ip: string) => `sign-in:email-ip:${emailOf(email)}|${ip}`;
const clientIpOf = (req: Request | undefined) => req?.headers.get(CLIENT_IP_HEADER) ?? "unknown";

/**
 * A better-auth instance; `publicUrl` (default PUBLIC_URL) decides the cookies' Secure flag;
 * `delays` replaces the sign-in delay rules (tests).
 */
export function createAuth(opts: { publicUrl?: string; delays?: { perEmailIp: DelayRule; perEmail: DelayRule } } = {}) {
  const delays = opts.delays ?? { perEmailIp: SIGN_IN_DELAY_PER_EMAIL_IP, perEmail: SIGN_IN_DELAY_PER_EMAIL };
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
      // Only the address our web server vouches for; X-Forwarded-For is never read directly.
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
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
        for (const [key, rule] of [
          [emailIpKey(body?.email, clientIpOf(req)), delays.perEmailIp],
          [emailKey(body?.email), delays.perEmail],
        ] as const) {
          const d = await consumeDelay(db(), key, rule);
          if (!d.allowed) {
            const wait = d.retryAfter ?? 1;
            throw new APIError("TOO_MANY_REQUESTS", { message: `Too many sign-in attempts. Try again in ${wait < 60 ? `${wait} s` : `${Math.ceil(wait / 60)} min`}.` }, { "retry-after": String(wait) });
          }
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email" || !ctx.context.newSession) return;
        const email = (ctx.body as { email?: unknown } | undefined)?.email;
        await clearRateLimit(db(), emailIpKey(email, clientIpOf(ctx.request)));
        await clearRateLimit(db(), emailKey(email));
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
