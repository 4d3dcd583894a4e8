import { z } from "zod";
import { campaignInputSchema } from "~/shared/campaign";
import { createCampaign } from "~/server/services/campaigns";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const campaignRouter = createTRPCRouter({
  list: publicProcedure.query(({ ctx }) =>
    ctx.db.campaign.findMany({ where: { archivedAt: null }, orderBy: { createdAt: "desc" }, take: 100, include: { _count: { select: { renders: true, images: true } } } }),
  ),
  get: publicProcedure.input(z.object({ id: z.string().min(1) })).query(({ ctx, input }) =>
    ctx.db.campaign.findUniqueOrThrow({ where: { id: input.id }, include: { images: { orderBy: { position: "asc" } } } }),
  ),
  create: publicProcedure.input(campaignInputSchema).mutation(({ ctx, input }) => createCampaign(ctx.db, input)),
});
