/** `npm run worker`: one worker host, e.g. an extra machine pointed at a shared DATABASE_URL. */
import { EnvError } from "~/env";
import { startWorker } from "./runner";

try {
  await startWorker();
} catch (e) {
  console.error(e instanceof EnvError ? e.message : e);
  process.exit(1);
}
