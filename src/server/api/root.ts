import { adminRouter } from "./routers/admin";
import { brandRouter } from "./routers/brand";
import { campaignRouter } from "./routers/campaign";
import { glyphsRouter } from "./routers/glyphs";
import { historyRouter } from "./routers/history";
import { imageRouter } from "./routers/image";
import { meRouter } from "./routers/me";
import { renderRouter } from "./routers/render";
import { scriptRouter } from "./routers/script";
import { tokensRouter } from "./routers/tokens";
import { usersRouter } from "./routers/users";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  me: meRouter,
  campaign: campaignRouter,
  glyphs: glyphsRouter,
  image: imageRouter,
  brand: brandRouter,
  script: scriptRouter,
  render: renderRouter,
  history: historyRouter,
  tokens: tokensRouter,
  admin: adminRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
