import { campaignRouter } from "./routers/campaign";
import { renderRouter } from "./routers/render";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  campaign: campaignRouter,
  render: renderRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
