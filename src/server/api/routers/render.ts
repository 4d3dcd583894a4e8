import { z } from "zod";
import { assertCampaignAccess, assertRenderAccess } from "~/server/auth/access";
import { batchSchema, queueBatch, recentRenders, renderDetail } from "~/server/services/dashboard";
import { cancelRender, queueRender, retryRender } from "~/server/services/renders";
import { queueEstimate } from "~/server/services/limits";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.object({ id: z.string().min(1) });

export const renderRouter = createTRPCRouter({
  queue: protectedProcedure
    .input(z.object({ campaignId: z.string().min(1), preset: z.enum(["preview", "final"]).default("final"), regenerate: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      await assertCampaignAccess(ctx.db, ctx.user, input.campaignId);
      return queueRender(ctx.db, { ...input, queuedById: ctx.user.id });
    }),
  queueBatch: protectedProcedure.input(batchSchema).mutation(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.campaignId);
    return queueBatch(ctx.db, ctx.user, input);
  }),
  /** The estimated cost of queueing `count` renders, and the team's spend and budget today (USD). */
  estimate: protectedProcedure
    .input(z.object({ campaignId: z.string().min(1), preset: z.enum(["preview", "final"]).default("final"), count: z.number().int().min(1).max(100).default(1) }))
    .query(async ({ ctx, input }) => {
      await assertCampaignAccess(ctx.db, ctx.user, input.campaignId);
      return queueEstimate(ctx.db, input);
    }),
  list: protectedProcedure
    .input(z.object({ campaignId: z.string().min(1).optional(), limit: z.number().int().min(1).max(100).default(30) }).default({ limit: 30 }))
    .query(async ({ ctx, input }) => {
      if (input.campaignId) await assertCampaignAccess(ctx.db, ctx.user, input.campaignId);
      return recentRenders(ctx.db, ctx.user, input);
    }),
  get: protectedProcedure.input(id).query(async ({ ctx, input }) => {
    await assertRenderAccess(ctx.db, ctx.user, input.id);
    return renderDetail(ctx.db, input.id);
  }),
  cancel: protectedProcedure.input(id).mutation(async ({ ctx, input }) => {
    await assertRenderAccess(ctx.db, ctx.user, input.id);
    return cancelRender(ctx.db, input.id);
  }),
  retry: protectedProcedure.input(id).mutation(async ({ ctx, input }) => {
    await assertRenderAccess(ctx.db, ctx.user, input.id);
    return retryRender(ctx.db, input.id);
  }),
});
