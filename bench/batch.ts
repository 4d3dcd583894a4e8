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
 *   assets_vs_single_ratio the provider stage alone: queued -> the last asset of the batch made or
 *                          reused, batch against single; the rest of the wall is assembly, which four
 *                          renders share the machine's cores (and the host's render slots) for
 *   *_cpu_s, *_ffmpeg_cpu_s CPU seconds of this process (it hosts the worker) and of its ffmpeg children
 *   batch_loop_delay_*_ms  the event loop's delay during the batch (perf_hooks): how long a provider job
 *                          or poll could wait behind the assemblies' work on the main thread
 *
 * The warm-up render is of another product, so the single render encodes its own segments (the segment
 * cache is shared across teams). BENCH_TRACE=1 also prints every job (due / started / finished) and each
 * render's segment hits and stage timings; BENCH_TRACE=attempts adds each asset's start, end and provider
 * attempts (admitted, call ms, reused from).
 *
 * Prints a readable report and, as the last line, one JSON object with the figures.
 */
import fs from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { type CallKind } from "~/plugins/google/fake-server";
import { BENCH_LATENCY_MS as LATENCY_MS, benchGemini } from "./lib/fake-google";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, ".data", "bench-batch");
fs.rmSync(dataDir, { recursive: true, force: true });

const CONCURRENCY = 24;
/** Scenes the fake script writes; the 30 s fit drops optional ones (the report counts the scenes rendered). */
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

/**
 * What the bench process (which hosts the worker) did during a measured round: the event loop's delay
 * (perf_hooks histogram, 10 ms resolution; a long delay holds every render's provider jobs and polls)
 * and CPU seconds: user + system of this process (its worker threads included), and of its ended children
 * (ffmpeg; Linux /proc/self/stat cutime + cstime, 0 elsewhere).
 */
function probe() {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const cpu0 = process.cpuUsage();
  const child0 = childCpuS();
  return () => {
    h.disable();
    const cpu = process.cpuUsage(cpu0);
    return { loopP50Ms: h.percentile(50) / 1e6, loopP99Ms: h.percentile(99) / 1e6, loopMaxMs: h.max / 1e6, cpuS: (cpu.user + cpu.system) / 1e6, childCpuS: childCpuS() - child0 };
  };
}
/** CPU seconds of this process's waited-for children (cutime + cstime, at 100 ticks/s); 0 without /proc. */
function childCpuS() {
  try {
    const f = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return 0;
  }
}
/** BENCH_TRACE=1: each job's queued (run_at) / started / finished, seconds from the round's start, printed after it. */
const trace: { task: string; renderId: string; assetId: string; runAt: number; start: number; end?: number }[] = [];
if (process.env.BENCH_TRACE) {
  const byId = new Map<string, (typeof trace)[number]>();
  // Both pools share one emitter (worker/runner.ts).
  for (const r of [worker.runner]) {
    r.events.on("job:start", ({ job }) => {
      const p = job.payload as { renderId?: string; assetId?: string };
      const e = { task: job.task_identifier, renderId: p.renderId ?? "", assetId: p.assetId ?? "", runAt: job.run_at.getTime(), start: Date.now() };
      byId.set(job.id, e);
      trace.push(e);
    });
    r.events.on("job:complete", ({ job }) => {
      const e = byId.get(job.id);
      if (e) e.end = Date.now();
    });
  }
}
async function printTrace(t0: number, renderIds: string[]) {
  if (!process.env.BENCH_TRACE) return;
  const assets = new Map((await db().renderAsset.findMany({ where: { renderId: { in: renderIds } } })).map((a) => [a.id, a]));
  const rel = (ms: number) => ((ms - t0) / 1000).toFixed(2).padStart(7);
  for (const e of trace.filter((x) => renderIds.includes(x.renderId)).sort((a, b) => a.start - b.start)) {
    const a = assets.get(e.assetId);
    const what = a ? `${a.kind}${a.sceneIndex >= 0 ? ` #${a.sceneIndex}` : ""}` : "";
    console.log(`  r${renderIds.indexOf(e.renderId)} ${e.task.padEnd(16)} ${what.padEnd(12)} due ${rel(e.runAt)} start ${rel(e.start)} end ${e.end ? rel(e.end) : "   -   "}  (${e.end ? ((e.end - e.start) / 1000).toFixed(2) : "-"} s)`);
  }
  trace.length = 0;
  if (process.env.BENCH_TRACE === "attempts") for (const a of assets.values()) console.log(`  ${a.kind} #${a.sceneIndex} r${renderIds.indexOf(a.renderId)} started ${a.startedAt ? rel(a.startedAt.getTime()) : "-"} finished ${a.finishedAt ? rel(a.finishedAt.getTime()) : "-"} ${JSON.stringify(a.attempts)}`);
  for (const r of await db().render.findMany({ where: { id: { in: renderIds } } })) {
    const t = Object.entries(r.stageTimings as Record<string, number>).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}`);
    console.log(`  r${renderIds.indexOf(r.id)} segments ${r.cacheHits} hit / ${r.cacheMisses} built; ${t.join(", ")}`);
  }
}
try {
  // One render (a warm-up first, in a third team, so neither measured round pays for the first ffmpeg/fonts start).
  // Another product: its headlines differ, so none of its encoded segments serve the measured renders (the segment
  // cache is shared by every team; with the same brief the single render was built from the warm-up's segments).
  const warm = await team("Warm-up");
  const cw = await createCampaign(db(), { ...brief, name: "Bench warm-up", product: "Summit gloves" }, { userId: warm.user.id, teamId: warm.teamId });
  await waitForAll([(await queueRender(db(), { campaignId: cw.id, preset: "preview", queuedById: warm.user.id })).id]);

  const single = await team("Single");
  const c1 = await createCampaign(db(), brief, { userId: single.user.id, teamId: single.teamId });
  const t1 = Date.now();
  const p1 = probe();
  const [one] = await waitForAll([(await queueRender(db(), { campaignId: c1.id, preset: "preview", queuedById: single.user.id })).id]);
  const singleMs = Date.now() - t1;
  const singleProbe = p1();
  await printTrace(t1, [one!.id]);

  const b = await team("Batch");
  const c2 = await createCampaign(db(), brief, { userId: b.user.id, teamId: b.teamId });
  const before = callCounts();
  const t2 = Date.now();
  const p2 = probe();
  const batch = await queueBatch(db(), b.user, { campaignId: c2.id, preset: "preview", hooks: HOOKS, voices: [...VOICES] });
  const rs = await waitForAll(batch.renderIds);
  const batchMs = Date.now() - t2;
  const batchProbe = p2();
  await printTrace(t2, batch.renderIds);
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
  // Every asset made or reused: the last asset's end (the assembly may start later, when a render slot is free).
  const assetsDone = (r: (typeof rs)[number]) => Math.max(...r.assets.flatMap((a) => (a.finishedAt ? [a.finishedAt.getTime()] : [])));
  const singleAssetsMs = assetsDone(one!) - one!.createdAt.getTime();
  const batchAssetsMs = Math.max(...rs.map(assetsDone)) - Math.min(...rs.map((r) => r.createdAt.getTime()));
  const assetsRatio = batchAssetsMs / singleAssetsMs;

  // Scenes rendered: the script as the assembly left it (the fit may drop optional scenes).
  const scenesOf = (r: (typeof rs)[number]) => (r.assets.find((a) => a.kind === "script")?.data as { scenes?: unknown[] } | null)?.scenes?.length ?? 0;
  const batchScenes = [...new Set(rs.map(scenesOf))].join("/");
  console.log(`one ${scenesOf(one!)}-scene render (preview; the fake script writes ${SCENES}, the fit keeps these), latencies ${JSON.stringify(LATENCY_MS)} ms, one worker (concurrency ${CONCURRENCY})`);
  console.log(`    single render           ${s(singleMs)} s (${one!.assets.filter((a) => a.kind === "video").length} Veo clips, cost $${one!.costUsd.toFixed(3)})`);
  console.log(`${rs.length}-variant batch (${batchScenes} scenes each): hooks ${JSON.stringify(HOOKS)} x voices ${VOICES.join(", ")}`);
  console.log(`    batch wall              ${s(batchMs)} s  (renders ${rs.map((r) => s(r.finishedAt!.getTime() - r.createdAt.getTime())).join(", ")} s)`);
  console.log(`    batch / single          ${ratio.toFixed(3)}x  (target <= 1.6: ${ratio <= 1.6 ? "ok" : "MISSED"})`);
  console.log(`    provider stage          ${s(batchAssetsMs)} s against ${s(singleAssetsMs)} s for one render: ${assetsRatio.toFixed(3)}x`);
  for (const k of ["video", "image", "voiceover", "music", "script"]) {
    console.log(`    ${k.padEnd(9)} ${String(countOf(k)).padStart(3)} assets, ${String(uniqueOf(k)).padStart(3)} unique requests, ${String(paid[k as CallKind]).padStart(3)} API calls`);
  }
  console.log(`    reused ${reused.length} assets, saving $${savedUsd.toFixed(3)}; the batch cost $${costUsd.toFixed(3)} (4 single renders: $${(4 * one!.costUsd).toFixed(3)})`);
  console.log(`    reuse lag behind its source: median ${s(lagP50)} s, max ${s(lagMax)} s`);
  const fmt = (p: ReturnType<ReturnType<typeof probe>>) => `event loop delay p50 ${p.loopP50Ms.toFixed(0)} ms, p99 ${p.loopP99Ms.toFixed(0)} ms, max ${p.loopMaxMs.toFixed(0)} ms; ${p.cpuS.toFixed(1)} CPU s here, ${p.childCpuS.toFixed(1)} in ffmpeg`;
  console.log(`    this process, single    ${fmt(singleProbe)}`);
  console.log(`    this process, batch     ${fmt(batchProbe)}`);
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
      single_cpu_s: +singleProbe.cpuS.toFixed(1),
      batch_cpu_s: +batchProbe.cpuS.toFixed(1),
      single_ffmpeg_cpu_s: +singleProbe.childCpuS.toFixed(1),
      batch_ffmpeg_cpu_s: +batchProbe.childCpuS.toFixed(1),
      batch_loop_delay_p99_ms: Math.round(batchProbe.loopP99Ms),
      batch_loop_delay_max_ms: Math.round(batchProbe.loopMaxMs),
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
