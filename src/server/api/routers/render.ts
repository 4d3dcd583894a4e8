import { z } from "zod";
import { cancelRender, queueRender, retryRender } from "~/server/services/renders";
import { createTRPCRouter, publicProcedure } from "../trpc";

const id = z.object({ id: z.string().min(1) });

export const renderRouter = createTRPCRouter({
  queue: publicProcedure
    .input(z.object({ campaignId: z.string().min(1), preset: z.enum(["preview", "final"]).default("final") }))
    .mutation(({ ctx, input }) => queueRender(ctx.db, input)),
  list: publicProcedure.input(z.object({ campaignId: z.string().min(1).optional() })).query(({ ctx, input }) =>
    ctx.db.render.findMany({
      where: input.campaignId ? { campaignId: input.campaignId } : {},
      orderBy: { createdAt: "desc" },
      take: 50,
      select: { id: true, status: true, progress: true, stage: true, error: true, createdAt: true, finishedAt: true, durationSec: true, encoder: true, preset: true, campaign: { select: { name: true } } },
    }),
  ),
  get: publicProcedure.input(id).query(({ ctx, input }) =>
    ctx.db.render.findUniqueOrThrow({ where: { id: input.id }, include: { assets: { orderBy: [{ kind: "asc" }, { sceneIndex: "asc" }] }, campaign: { select: { name: true } } } }),
  ),
  cancel: publicProcedure.input(id).mutation(({ ctx, input }) => cancelRender(ctx.db, input.id)),
  retry: publicProcedure.input(id).mutation(({ ctx, input }) => retryRender(ctx.db, input.id)),
});
