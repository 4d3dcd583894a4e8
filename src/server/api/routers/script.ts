import { z } from "zod";
import { ScriptSchema } from "~/plugins/spec/schemas";
import { assertCampaignAccess } from "~/server/auth/access";
import { generateScriptPreview, saveScriptOverride } from "~/server/services/dashboard-script";
import { createTRPCRouter, protectedProcedure } from "../trpc";

/** The script preview: generate one to read and edit, save the edit (or drop it). */
export const scriptRouter = createTRPCRouter({
  generate: protectedProcedure.input(z.object({ campaignId: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.campaignId);
    return generateScriptPreview(ctx.db, input.campaignId);
  }),
  save: protectedProcedure.input(z.object({ campaignId: z.string().min(1), script: ScriptSchema.nullable() })).mutation(async ({ ctx, input }) => {
    await assertCampaignAccess(ctx.db, ctx.user, input.campaignId);
    return saveScriptOverride(ctx.db, input.campaignId, input.script);
  }),
});
