/** `npm run worker`: one worker host, e.g. an extra machine pointed at a shared DATABASE_URL. */
import { EnvError } from "~/env";
import { DatabaseInterruptedError, startWorker } from "./runner";
import { logFor } from "~/server/log";

/** A database that went away during start-up (a restart) is waited for this long (ms), then start-up fails. */
const START_RETRY_MS = 120_000;

const log = logFor("worker");
const giveUpAt = Date.now() + START_RETRY_MS;
for (;;) {
  try {
    await startWorker();
    break;
  } catch (e) {
    if (e instanceof DatabaseInterruptedError && Date.now() < giveUpAt) {
      log.warn(`${e.message}; starting again in 2 s`);
      await new Promise((r) => setTimeout(r, 2_000));
      continue;
    }
    // The message only: a configuration or start-up error is the user's to fix, not a stack trace.
    log.error(e instanceof EnvError ? e.message : `worker failed to start: ${(e as Error).message ?? String(e)}`);
    process.exit(1);
  }
}
