/**
 * npm run render -- <campaign.json> [--out file.mp4] [--preset preview|final]
 *
 * Renders one campaign from the terminal through the same queue and worker code as the
 * dashboard: it starts a worker in this process (other running workers may help), queues the
 * render, draws a progress bar and prints the output path.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { EnvError } from "~/env";
import { campaignFileSchema, fieldErrors } from "~/shared/campaign";
import { db, disconnectDb } from "~/server/db";
import { stopEmbedded } from "~/server/db/bootstrap";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender } from "~/server/services/renders";
import { addCampaignImages, UploadError } from "~/server/services/uploads";
import { logToStderr } from "~/server/log";
import { storage } from "~/server/storage";
import { startWorker } from "../worker/runner";

function usage(msg?: string): never {
  if (msg) console.error(`error: ${msg}`);
  console.error("usage: npm run render -- <campaign.json> [--out file.mp4] [--preset preview|final]");
  process.exit(2);
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: "string" }, preset: { type: "string", default: "final" }, quiet: { type: "boolean", default: false } } });
const file = positionals[0] ?? usage("no campaign file given");
if (values.preset !== "final" && values.preset !== "preview") usage("--preset must be preview or final");

const bar = (p: number, stage: string) => {
  const w = 30;
  const filled = Math.round((p / 100) * w);
  return `[${"#".repeat(filled)}${"-".repeat(w - filled)}] ${String(p).padStart(3)}% ${stage.padEnd(10)}`;
};

let exitCode = 0;
let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
try {
  const text = await fs.readFile(file, "utf8").catch(() => usage(`cannot read ${file}`));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not JSON: ${(e as Error).message}`);
  }
  const parsed = campaignFileSchema.safeParse(raw);
  if (!parsed.success) {
    const errs = fieldErrors(parsed.error);
    throw new Error(`${file} is not a valid campaign:\n${Object.entries(errs).map(([k, v]) => `  ${k}: ${v}`).join("\n")}`);
  }
  const log = values.quiet ? () => {} : (m: string) => console.error(m);
  process.env.LOG_LEVEL ??= "warn"; // the progress bar says what is going on
  logToStderr(); // stdout is the output path
  worker = await startWorker({ concurrency: 4, log, handleSignals: false, ownsProcess: true });
  const { images, ...brief } = parsed.data;
  const campaign = await createCampaign(db(), brief);
  if (images.length) {
    const files = await Promise.all(images.map(async (p) => ({ name: p, bytes: await fs.readFile(path.resolve(path.dirname(file), p)) })));
    await addCampaignImages(db(), campaign.id, files);
  }
  const render = await queueRender(db(), { campaignId: campaign.id, preset: values.preset as "final" | "preview" });
  const t0 = Date.now();
  const ac = new AbortController();
  process.once("SIGINT", () => ac.abort());
  let last = "";
  for (;;) {
    const r = await db().render.findUniqueOrThrow({ where: { id: render.id } });
    const line = bar(r.progress, r.stage);
    if (process.stderr.isTTY) process.stderr.write(`\r${line} ${((Date.now() - t0) / 1000).toFixed(0)}s`);
    else if (line !== last) console.error(line);
    last = line;
    if (r.status === "succeeded") {
      if (process.stderr.isTTY) process.stderr.write("\n");
      const out = path.resolve(values.out ?? path.join("out", `${campaign.name.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 60) || "video"}-${render.id}.mp4`));
      await fs.mkdir(path.dirname(out), { recursive: true });
      await fs.copyFile(await (await storage()).localPath(r.outputFile!), out);
      console.error(`Rendered ${r.durationSec?.toFixed(1)} s (target ${parsed.data.targetSeconds} s) with ${r.encoder} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      console.log(out);
      break;
    }
    if (r.status === "failed" || r.status === "cancelled") throw new Error(`render ${r.status}: ${r.error ?? ""}`);
    if (ac.signal.aborted) {
      await db().render.update({ where: { id: render.id }, data: { status: "cancelled", stage: "cancelled" } });
      throw new Error("cancelled");
    }
    await new Promise((res) => setTimeout(res, 250));
  }
} catch (e) {
  console.error(`\n${e instanceof EnvError || e instanceof UploadError ? e.message : (e as Error).message}`);
  exitCode = 1;
} finally {
  await worker?.stop().catch(() => {});
  await disconnectDb();
  await stopEmbedded().catch(() => {});
}
process.exit(exitCode);
