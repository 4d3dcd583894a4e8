/**
 * `npm run bench:first-render`: renders examples/campaign.json end to end (queue -> worker ->
 * local providers -> ffmpeg) on a fresh embedded database and an empty cache, and in the same
 * run measures the encode floor of its output. Prints both, their ratio, and, as the last line,
 * one JSON object with the figures.
 */
import fs from "node:fs";
import path from "node:path";
import { campaignFileSchema } from "~/shared/campaign";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, ".data", "bench-first-render");
fs.rmSync(dataDir, { recursive: true, force: true });
process.env.DATA_DIR = dataDir;
process.env.EMBEDDED_PG_PORT ??= "54359";
process.env.LOG_LEVEL ??= "warn";
delete process.env.DATABASE_URL;

const { db } = await import("~/server/db");
const { stopEmbedded } = await import("~/server/db/bootstrap");
const { createCampaign } = await import("~/server/services/campaigns");
const { queueRender } = await import("~/server/services/renders");
const { addCampaignImages } = await import("~/server/services/uploads");
const { storage } = await import("~/server/storage");
const { startWorker } = await import("../worker/runner");
const { encodeFloor, rssSampler } = await import("./lib/measure");

const file = path.join(root, "examples", "campaign.json");
const { images, ...brief } = campaignFileSchema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
const worker = await startWorker({ concurrency: 4, handleSignals: false, log: () => {} });
try {
  const c = await createCampaign(db(), brief);
  await addCampaignImages(db(), c.id, images.map((p) => ({ name: p, bytes: fs.readFileSync(path.join(root, "examples", p)) })));
  const rss = rssSampler();
  const t0 = performance.now();
  const r0 = await queueRender(db(), { campaignId: c.id, preset: "final" });
  let r = r0;
  while (r.status === "queued" || r.status === "running") {
    await new Promise((res) => setTimeout(res, 100));
    r = await db().render.findUniqueOrThrow({ where: { id: r0.id } });
  }
  const wallSec = (performance.now() - t0) / 1000;
  const peak = (await rss.stop()).rss;
  if (r.status !== "succeeded") throw new Error(`render ${r.status}: ${r.error}`);
  const out = await (await storage()).localPath(r.outputFile!);
  const { floorSec, frames } = await encodeFloor(out, dataDir, (r.encoder ?? "libx264") as "libx264", "final");
  const t = r.stageTimings as Record<string, number>;
  console.log(`example campaign: ${r.durationSec?.toFixed(1)} s video, ${frames} frames at ${brief.fps} fps, encoder ${r.encoder}`);
  console.log(`  end-to-end wall  ${wallSec.toFixed(2)} s  (script ${(t.script ?? 0) / 1000} s, assets ${(t.assets ?? 0) / 1000} s, assembly ${(t.assemble ?? 0) / 1000} s)`);
  console.log(`  encode floor     ${floorSec.toFixed(2)} s`);
  console.log(`  ratio            ${(wallSec / floorSec).toFixed(2)}x the floor; ${(frames / wallSec).toFixed(1)} frames/s end to end (old pipeline: ~1 frame/s)`);
  console.log(`  peak RSS         ${(peak / 1048576).toFixed(0)} MB`);
  console.log(`  stages (ms)      ${Object.entries(t).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  const assets = await db().renderAsset.findMany({ where: { renderId: r.id }, orderBy: [{ kind: "asc" }, { sceneIndex: "asc" }] });
  const at = (d: Date | null) => (d ? ((d.getTime() - r0.createdAt.getTime()) / 1000).toFixed(1) : "?");
  console.log(`  assets (s from queueing: start-end) ${assets.map((a) => `${a.kind}${a.sceneIndex >= 0 ? a.sceneIndex : ""} ${at(a.startedAt)}-${at(a.finishedAt)}`).join(", ")}`);
  console.log(
    JSON.stringify({
      wall_s: +wallSec.toFixed(3),
      floor_wall_s: +floorSec.toFixed(3),
      ratio: +(wallSec / floorSec).toFixed(3),
      assemble_s: +((t.assemble ?? 0) / 1000).toFixed(3),
      assets_s: +((t.assets ?? 0) / 1000).toFixed(3),
      video_s: r.durationSec,
      frames,
      fps_end_to_end: +(frames / wallSec).toFixed(2),
      peak_rss_mb: Math.round(peak / 1048576),
    }),
  );
} finally {
  await worker.stop();
  await db().$disconnect();
  await stopEmbedded();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
