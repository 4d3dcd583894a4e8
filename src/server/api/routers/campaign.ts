import { z } from "zod";
import { campaignInputSchema } from "~/shared/campaign";
import { assertCampaignAccess, ForbiddenError } from "~/server/auth/access";
import { archiveCampaign, createCampaign, duplicateCampaign, updateCampaign } from "~/server/services/campaigns";
import { campaignDetail, listCampaigns } from "~/server/services/dashboard";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.object({ id: z.string().min(1) });

export const campaignRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ archived: z.boolean().default(false), search: z.string().trim().max(100).optional() }).default({ archived: false }))
    .query(({ ctx, input }) => listCampaigns(ctx.db, ctx.user, input)),
  get: protectedProcedure.input(id).query(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.id);
    return campaignDetail(ctx.db, input.id);
  }),
  create: protectedProcedure.input(campaignInputSchema).mutation(({ ctx, input }) => {
    // A campaign belongs to a team; a marketer without one could not see what they made.
    if (ctx.user.role !== "admin" && !ctx.user.teamId) throw new ForbiddenError("You are not in a team yet: ask an admin to add you to one");
    return createCampaign(ctx.db, input, { userId: ctx.user.id, teamId: ctx.user.teamId });
  }),
  update: protectedProcedure.input(z.object({ id: z.string().min(1), data: campaignInputSchema })).mutation(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.id);
    return updateCampaign(ctx.db, input.id, input.data);
  }),
  duplicate: protectedProcedure.input(id).mutation(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.id);
    return duplicateCampaign(ctx.db, input.id, { userId: ctx.user.id });
  }),
  archive: protectedProcedure.input(z.object({ id: z.string().min(1), archived: z.boolean().default(true) })).mutation(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.id);
    return archiveCampaign(ctx.db, input.id, input.archived);
  }),
  removeImage: protectedProcedure.input(z.object({ campaignId: z.string().min(1), imageId: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.campaignId);
    // Files stay: duplicated campaigns and frozen render settings may still point at them.
    await ctx.db.campaignImage.deleteMany({ where: { id: input.imageId, campaignId: input.campaignId } });
    return { ok: true };
  }),
});
