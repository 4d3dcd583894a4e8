import { historyInputSchema, listHistory } from "~/server/services/history";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const historyRouter = createTRPCRouter({
  list: protectedProcedure.input(historyInputSchema).query(({ ctx, input }) => listHistory(ctx.db, ctx.user, input)),
});
