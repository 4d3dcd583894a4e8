import { z } from "zod";
import { assertCampaignAccess } from "~/server/auth/access";
import { assignImage, assignSchema, listCampaignImages, reorderImages, reorderSchema, setFocusSchema, setImageFocus } from "~/server/services/campaign-images";
import { createTRPCRouter, protectedProcedure } from "../trpc";

/** A campaign's images: focal point, order, scene assignment (uploads go through /api/campaigns/[id]/images). */
export const imageRouter = createTRPCRouter({
  list: protectedProcedure.input(z.object({ campaignId: z.string().min(1) })).query(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.campaignId);
    return listCampaignImages(ctx.db, input.campaignId);
  }),
  setFocus: protectedProcedure.input(setFocusSchema).mutation(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.campaignId);
    return setImageFocus(ctx.db, input);
  }),
  reorder: protectedProcedure.input(reorderSchema).mutation(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.campaignId);
    return reorderImages(ctx.db, input);
  }),
  assign: protectedProcedure.input(assignSchema).mutation(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.campaignId);
    return assignImage(ctx.db, input);
  }),
});
