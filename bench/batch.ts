/**
 * `npm run bench:batch`: a 4-variant batch (2 hooks x 2 voices) against one render of the same
 * campaign, with the fake Gemini API's latencies close to Google's (script 2 s, voiceover 3 s,
 * music 5 s, image 3 s, each Veo clip 8 s; the same as bench:providers), the real SDK, one worker
 * host and a fresh embedded PostgreSQL. Issue 13's targets:
 *
 *   batch_vs_single_ratio  wall of the batch (queued -> last render finished) / wall of one render
 *                          of it (the single render runs in another team, so nothing is reused);
 *                          target <= 1.6
 *   veo_calls_batch        Veo generations the fake API saw during the batch
 *   unique_scenes          distinct Veo requests (content keys) of the batch's clips; target: equal
 *   assets_vs_single_ratio the provider stage alone: queued -> the last render's fan-in (every asset
 *                          made or reused), batch against single; the rest of the wall is assembly,
 *                          which four renders share the machine's cores for
 *
 * Prints a readable report and, as the last line, one JSON object with the figures.
 */
import fs from "node:fs";
import path from "node:path";
import { type CallKind } from "~/plugins/google/fake-server";
import { BENCH_LATENCY_MS as LATENCY_MS, benchGemini } from "./lib/fake-google";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, ".data", "bench-batch");
fs.rmSync(dataDir, { recursive: true, force: true });

const CONCURRENCY = 24;
const SCENES = 6;
const HOOKS = ["Dry feet on every trail.", "Lighter than your running shoes."];
const VOICES = ["Kore", "Puck"] as const;

const fake = await benchGemini({ dataDir, pgPort: "54362", scenes: SCENES, concurrency: CONCURRENCY });

const { db } = await import("~/server/db");
const { stopEmbedded } = await import("~/server/db/bootstrap");
const { createCampaign } = await import("~/server/services/campaigns");
const { queueRender } = await import("~/server/services/renders");
const { queueBatch } = await import("~/server/services/dashboard");
const { startWorker } = await import("../worker/runner");

const brief = {
  name: "Bench batch",
  product: "Trailblazer boots",
  audience: "weekend hikers",
  message: "Waterproof all day. Light as a sneaker.",
  targetSeconds: 30,
  voice: "Kore" as const,
  musicMood: "upbeat" as const,
};
const s = (ms: number) => +(ms / 1000).toFixed(2);
const PAID: CallKind[] = ["script", "voiceover", "image", "video", "music"];
const callCounts = () => Object.fromEntries(PAID.map((k) => [k, fake.callsOf(k).length])) as Record<CallKind, number>;

async function waitForAll(ids: string[]) {
  for (;;) {
    const rs = await db().render.findMany({ where: { id: { in: ids } }, include: { assets: true } });
    if (rs.every((r) => !["queued", "running"].includes(r.status))) {
      const bad = rs.find((r) => r.status !== "succeeded");
      if (bad) throw new Error(`render ${bad.id} ${bad.status}: ${bad.error}`);
      return rs;
    }
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** A team and its marketer: the single render and the batch each get their own (no reuse between them). */
async function team(name: string) {
  const t = await db().team.create({ data: { name } });
  const user = await db().user.create({ data: { name: `${name} marketer`, email: `${name.toLowerCase().replace(/\W+/g, "-")}@bench.local`, role: "marketer", teamId: t.id } });
  return { teamId: t.id, user: { id: user.id, email: user.email, name: user.name, role: "marketer" as const, teamId: t.id } };
}

const worker = await startWorker({ concurrency: CONCURRENCY, handleSignals: false, log: () => {} });
try {
  // One render (a warm-up first, in a third team, so neither measured round pays for the first ffmpeg/fonts start).
  const warm = await team("Warm-up");
  const cw = await createCampaign(db(), brief, { userId: warm.user.id, teamId: warm.teamId });
  await waitForAll([(await queueRender(db(), { campaignId: cw.id, preset: "preview", queuedById: warm.user.id })).id]);

  const single = await team("Single");
  const c1 = await createCampaign(db(), brief, { userId: single.user.id, teamId: single.teamId });
  const t1 = Date.now();
  const [one] = await waitForAll([(await queueRender(db(), { campaignId: c1.id, preset: "preview", queuedById: single.user.id })).id]);
  const singleMs = Date.now() - t1;

  const b = await team("Batch");
  const c2 = await createCampaign(db(), brief, { userId: b.user.id, teamId: b.teamId });
  const before = callCounts();
  const t2 = Date.now();
  const batch = await queueBatch(db(), b.user, { campaignId: c2.id, preset: "preview", hooks: HOOKS, voices: [...VOICES] });
  const rs = await waitForAll(batch.renderIds);
  const batchMs = Date.now() - t2;
  const after = callCounts();
  const paid = Object.fromEntries(PAID.map((k) => [k, after[k] - before[k]])) as Record<CallKind, number>;

  const assets = rs.flatMap((r) => r.assets);
  const uniqueOf = (kind: string) => new Set(assets.filter((a) => a.kind === kind).map((a) => a.contentKey ?? a.id)).size;
  const countOf = (kind: string) => assets.filter((a) => a.kind === kind).length;
  const veoClips = assets.filter((a) => a.kind === "video" && a.providerId === "google-veo");
  const reused = assets.filter((a) => a.reusedFromRenderId);
  const savedUsd = reused.reduce((t, a) => t + a.savedUsd, 0);
  // How long a reuse lagged its source: from the later of (source stored, reuse first asked) to the reuse stored.
  // A follower woken by its leader lags by a job pickup; one left to its recheck lags by about WAIT_RECHECK_MS.
  const byId = new Map(assets.map((a) => [a.id, a]));
  const lags = reused
    .flatMap((a) => {
      const src = byId.get(a.reusedFromAssetId!);
      return src?.finishedAt && a.finishedAt && a.startedAt ? [a.finishedAt.getTime() - Math.max(src.finishedAt.getTime(), a.startedAt.getTime())] : [];
    })
    .sort((x, y) => x - y);
  const lagP50 = lags[Math.floor(lags.length / 2)] ?? 0;
  const lagMax = lags.at(-1) ?? 0;
  const costUsd = rs.reduce((t, r) => t + r.costUsd, 0);
  const ratio = batchMs / singleMs;
  const singleAssetsMs = one!.assembleStartedAt!.getTime() - one!.createdAt.getTime();
  const batchAssetsMs = Math.max(...rs.map((r) => r.assembleStartedAt!.getTime())) - Math.min(...rs.map((r) => r.createdAt.getTime()));
  const assetsRatio = batchAssetsMs / singleAssetsMs;

  console.log(`one ${SCENES}-scene render (preview), latencies ${JSON.stringify(LATENCY_MS)} ms, one worker (concurrency ${CONCURRENCY})`);
  console.log(`    single render           ${s(singleMs)} s (${one!.assets.filter((a) => a.kind === "video").length} Veo clips, cost $${one!.costUsd.toFixed(3)})`);
  console.log(`${rs.length}-variant batch: hooks ${JSON.stringify(HOOKS)} x voices ${VOICES.join(", ")}`);
  console.log(`    batch wall              ${s(batchMs)} s  (renders ${rs.map((r) => s(r.finishedAt!.getTime() - r.createdAt.getTime())).join(", ")} s)`);
  console.log(`    batch / single          ${ratio.toFixed(3)}x  (target <= 1.6: ${ratio <= 1.6 ? "ok" : "MISSED"})`);
  console.log(`    provider stage          ${s(batchAssetsMs)} s against ${s(singleAssetsMs)} s for one render: ${assetsRatio.toFixed(3)}x`);
  for (const k of ["video", "image", "voiceover", "music", "script"]) {
    console.log(`    ${k.padEnd(9)} ${String(countOf(k)).padStart(3)} assets, ${String(uniqueOf(k)).padStart(3)} unique requests, ${String(paid[k as CallKind]).padStart(3)} API calls`);
  }
  console.log(`    reused ${reused.length} assets, saving $${savedUsd.toFixed(3)}; the batch cost $${costUsd.toFixed(3)} (4 single renders: $${(4 * one!.costUsd).toFixed(3)})`);
  console.log(`    reuse lag behind its source: median ${s(lagP50)} s, max ${s(lagMax)} s`);
  console.log(`    Veo calls ${paid.video} for ${uniqueOf("video")} unique scenes (${paid.video === uniqueOf("video") ? "ok" : "MISSED"}); ${veoClips.length} of ${countOf("video")} clips from Veo`);
  console.log(
    JSON.stringify({
      single_render_s: s(singleMs),
      batch_s: s(batchMs),
      batch_vs_single_ratio: +ratio.toFixed(3),
      veo_calls_batch: paid.video,
      unique_scenes: uniqueOf("video"),
      assets_vs_single_ratio: +assetsRatio.toFixed(3),
      image_calls_batch: paid.image,
      unique_images: uniqueOf("image"),
      tts_calls_batch: paid.voiceover,
      unique_tts_lines: uniqueOf("voiceover"),
      reused_assets: reused.length,
      reuse_lag_p50_s: s(lagP50),
      reuse_lag_max_s: s(lagMax),
      saved_usd: +savedUsd.toFixed(4),
      batch_cost_usd: +costUsd.toFixed(4),
      single_cost_usd: +one!.costUsd.toFixed(4),
    }),
  );
} finally {
  await worker.stop();
  await db().$disconnect();
  await stopEmbedded();
  await fake.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
