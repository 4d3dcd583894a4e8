import { createTRPCRouter, protectedProcedure } from "../trpc";

export const meRouter = createTRPCRouter({
  get: protectedProcedure.query(async ({ ctx }) => {
    const team = ctx.user.teamId ? await ctx.db.team.findUnique({ where: { id: ctx.user.teamId }, select: { name: true } }) : null;
    return { ...ctx.user, teamName: team?.name ?? null };
  }),
});
