/** `npm run worker`: one worker host, e.g. an extra machine pointed at a shared DATABASE_URL. */
import { EnvError } from "~/env";
import { startWorker } from "./runner";
import { logFor } from "~/server/log";

try {
  await startWorker();
} catch (e) {
  if (e instanceof EnvError) logFor("worker").error(e.message);
  else logFor("worker").error({ err: e }, "worker failed to start");
  process.exit(1);
}
