/** `npm run worker`: one worker host, e.g. an extra machine pointed at a shared DATABASE_URL. */
import { EnvError } from "~/env";
import { startWorker } from "./runner";
import { logFor } from "~/server/log";

try {
  await startWorker();
} catch (e) {
  // The message only: a configuration or start-up error is the user's to fix, not a stack trace.
  logFor("worker").error(e instanceof EnvError ? e.message : `worker failed to start: ${(e as Error).message ?? String(e)}`);
  process.exit(1);
}
