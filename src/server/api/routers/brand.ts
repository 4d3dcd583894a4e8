import { z } from "zod";
import { brandKitInputSchema, brandOverrideSchema } from "~/shared/brand";
import { assertCampaignAccess, teamFor } from "~/server/auth/access";
import { getBrandKit, getCampaignBrand, saveBrandKit, saveCampaignBrand } from "~/server/services/brand-kit";
import { createTRPCRouter, protectedProcedure } from "../trpc";

/** Omitted: the user's own team. Admins may name any team. */
const team = z.object({ teamId: z.string().min(1).optional() });
const campaign = z.object({ campaignId: z.string().min(1) });

export const brandRouter = createTRPCRouter({
  get: protectedProcedure.input(team.default({})).query(({ ctx, input }) => getBrandKit(ctx.db, teamFor(ctx.user, input.teamId))),
  save: protectedProcedure.input(team.extend({ kit: brandKitInputSchema })).mutation(({ ctx, input }) => saveBrandKit(ctx.db, teamFor(ctx.user, input.teamId), input.kit)),
  campaign: protectedProcedure.input(campaign).query(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.campaignId);
    return getCampaignBrand(ctx.db, input.campaignId);
  }),
  saveCampaign: protectedProcedure.input(campaign.extend({ override: brandOverrideSchema })).mutation(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.campaignId);
    return saveCampaignBrand(ctx.db, input.campaignId, input.override);
  }),
});
