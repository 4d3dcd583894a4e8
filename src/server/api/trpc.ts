/**
 * tRPC set-up, in three parts: (1) the context every procedure gets, (2) initialisation
 * (superjson, zod errors flattened for the client, domain errors mapped to tRPC codes), (3) the
 * procedure builders — the only exports routers use.
 *
 * Authorisation is middleware that narrows the context type, so a handler cannot forget it:
 * `protectedProcedure` gives `ctx.user` (401 without a session), `adminProcedure` also requires
 * the admin role (403). Every mutation must come from the dashboard's own origin (403 otherwise:
 * CSRF). Team scoping of individual rows is ~/server/auth/access.
 */
import { LimitError } from "~/server/services/limits";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { db } from "~/server/db";
import { ForbiddenError } from "~/server/auth/access";
import { isSameOrigin } from "~/server/auth/csrf";
import { getSessionUser, type SessionUser } from "~/server/auth/session";
import { NotFoundError, QueueRefusedError } from "~/server/services/renders";
import { UploadError } from "~/server/services/uploads";
import { UserExistsError } from "~/server/services/users";
import { TokenLimitError } from "~/server/services/api-tokens";
import { WebhookTargetError } from "~/server/services/webhook-target";

// 1. Context
export async function createTRPCContext(opts: { headers: Headers; url?: string }) {
  return {
    db: db(),
    headers: opts.headers,
    user: await getSessionUser(opts.headers),
    sameOrigin: isSameOrigin(opts.headers, opts.url),
  };
}
export type Context = Awaited<ReturnType<typeof createTRPCContext>>;

// 2. Initialisation
const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: { ...shape.data, zodError: error.cause instanceof ZodError ? error.cause.flatten() : null },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

/** Domain errors from services become the matching tRPC codes (and HTTP statuses). */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  const as = (code: TRPCError["code"]) => ({ ...result, error: new TRPCError({ code, message: (cause as Error).message, cause }) });
  if (cause instanceof NotFoundError || (cause as { code?: string } | undefined)?.code === "P2025") return as("NOT_FOUND");
  if (cause instanceof ForbiddenError) return as("FORBIDDEN");
  if (cause instanceof UploadError || cause instanceof QueueRefusedError || cause instanceof TokenLimitError || cause instanceof WebhookTargetError) return as("BAD_REQUEST");
  if (cause instanceof ZodError) return { ...result, error: new TRPCError({ code: "BAD_REQUEST", message: cause.issues[0]?.message ?? "invalid input", cause }) };
  if (cause instanceof UserExistsError) return as("CONFLICT");
  if (cause instanceof LimitError) return as(cause.kind === "budget" ? "PAYMENT_REQUIRED" : "TOO_MANY_REQUESTS");
  return result;
});

// 3. Procedures
/** Not signed in is fine. Mutations still must be same-origin. */
export const publicProcedure = t.procedure.use(mapErrors).use(({ ctx, type, next }) => {
  if (type === "mutation" && !ctx.sameOrigin) throw new TRPCError({ code: "FORBIDDEN", message: "Cross-origin request refused" });
  return next();
});

/** Signed in (401 otherwise); `ctx.user` is the session's user. */
export const protectedProcedure = t.procedure.use(mapErrors).use(({ ctx, type, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  if (type === "mutation" && !ctx.sameOrigin) throw new TRPCError({ code: "FORBIDDEN", message: "Cross-origin request refused" });
  return next({ ctx: { ...ctx, user: ctx.user satisfies SessionUser } });
});

/** Signed in as an admin (403 for marketers). */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Admins only" });
  return next();
});

export { TRPCError };
