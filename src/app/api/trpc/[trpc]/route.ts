import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { logFor } from "~/server/log";

export const dynamic = "force-dynamic";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createTRPCContext({ headers: req.headers, url: req.url }),
    onError: ({ path, error }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") logFor("trpc").error({ err: error.cause ?? error, path }, "procedure failed");
    },
  });

export { handler as GET, handler as POST };
