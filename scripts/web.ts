/**
 * The web app's HTTP server: Next.js (production build) behind a plain node:http server, so each
 * request's client address comes from its socket (see src/server/http/client-ip.ts) before Next
 * sees it. Started by scripts/start.ts; `PORT` from the environment.
 */
import http from "node:http";
import path from "node:path";
import next from "next";
import { env, EnvError } from "~/env";
import { parseTrustedProxies, stampClientIp } from "~/server/http/client-ip";
import { storage } from "~/server/storage";
import { logFor } from "~/server/log";

async function main() {
  const e = env();
  const trusted = parseTrustedProxies(e.TRUSTED_PROXIES);
  await storage(); // STORAGE_URL is checked before the first request, not at it
  const app = next({ dev: false, dir: path.resolve(import.meta.dirname, ".."), port: e.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    stampClientIp(req, trusted);
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(e.PORT, resolve));
  logFor("web").info(`listening on port ${e.PORT}`);
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((err: unknown) => {
  logFor("web").error(err instanceof EnvError ? err.message : (err as Error).message);
  process.exit(1);
});
