/**
 * tRPC set-up, in three parts: (1) the context every procedure gets, (2) initialisation
 * (superjson, zod errors flattened for the client), (3) the procedure builders — the only
 * exports routers use. Authorisation is middleware that narrows the context type, so a
 * handler cannot forget it.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { db } from "~/server/db";

// 1. Context
export async function createTRPCContext(opts: { headers: Headers }) {
  return { db: db(), headers: opts.headers };
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

// 3. Procedures
export const publicProcedure = t.procedure;
export { TRPCError };
