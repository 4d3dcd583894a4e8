import { z } from "zod";
import { adminOverview } from "~/server/services/admin";
import { cacheOverview, purgeCache } from "~/server/services/admin-cache";
import { providersOverview, resetProviderBreaker } from "~/server/services/admin-providers";
import { workerHosts } from "~/server/services/admin-workers";
import { limitsInputSchema, setLimits } from "~/server/services/limits";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const adminRouter = createTRPCRouter({
  overview: adminProcedure.query(({ ctx }) => adminOverview(ctx.db)),
  providers: adminProcedure.query(({ ctx }) => providersOverview(ctx.db)),
  resetBreaker: adminProcedure
    .input(z.object({ providerId: z.string().min(1).max(100), model: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) => resetProviderBreaker(ctx.db, input.providerId, input.model)),
  cache: adminProcedure.query(({ ctx }) => cacheOverview(ctx.db)),
  purgeCache: adminProcedure.mutation(({ ctx }) => purgeCache(ctx.db)),
  workers: adminProcedure.query(({ ctx }) => workerHosts(ctx.db)),
  /** Daily render limits of a team, user or API token, and a team's daily budget (USD). */
  setLimits: adminProcedure.input(limitsInputSchema).mutation(({ ctx, input }) => setLimits(ctx.db, input)),
});
