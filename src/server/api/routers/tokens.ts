import { z } from "zod";
import { createApiToken, listApiTokens, newTokenSchema, revokeApiToken, setTokenWebhook } from "~/server/services/api-tokens";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const tokenId = z.object({ tokenId: z.string().min(1) });

/** The signed-in user's own API tokens. */
export const tokensRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listApiTokens(ctx.db, ctx.user.id)),
  create: protectedProcedure.input(newTokenSchema).mutation(({ ctx, input }) => createApiToken(ctx.db, ctx.user.id, input)),
  setWebhook: protectedProcedure
    .input(tokenId.extend({ webhookUrl: z.string().max(2000).nullable() }))
    .mutation(({ ctx, input }) => setTokenWebhook(ctx.db, ctx.user.id, input.tokenId, input.webhookUrl)),
  revoke: protectedProcedure.input(tokenId).mutation(({ ctx, input }) => revokeApiToken(ctx.db, ctx.user.id, input.tokenId)),
});
