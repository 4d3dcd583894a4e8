/**
 * `npm run bench:providers`: the provider stage against the fake Gemini API on 127.0.0.1 (real
 * SDK, real worker, fresh embedded PostgreSQL), with per-call latencies close to Google's:
 * script 2 s, voiceover 3 s, music 5 s, image 3 s, each Veo clip 8 s of generation.
 *
 *   (a) one 6-scene render: the asset stage's wall time against the slowest single asset chain
 *       (a scene's image, then its Veo clip) and against the sum of every asset (the old waterfall);
 *   (b) Veo answering a per-day 429: the time from that error to the fallback starting; the Veo
 *       calls that still reach the API once the breaker is open, over a 5-render batch on two
 *       worker processes; and a render's total time with Veo 429ing against the same render with
 *       Veo disabled (its breaker already open until tomorrow, so nothing calls it).
 *
 * Prints a readable report and, as the last line, one JSON object with the figures.
 * The renders use the preview preset: assembly is the same work in every compared pair and
 * only lengthens the run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type CallKind, type CallRecord } from "~/plugins/google/fake-server";
import { BENCH_LATENCY_MS as LATENCY_MS, benchGemini } from "./lib/fake-google";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, ".data", "bench-providers");
fs.rmSync(dataDir, { recursive: true, force: true });

/** Jobs per worker host: a 6-scene render has at most 13 asset jobs running at once (6 voiceovers, 6 stills, music). */
const CONCURRENCY = 24;
const BATCH = 5;
const SCENES = 6;

const fake = await benchGemini({ dataDir, pgPort: "54361", scenes: SCENES, concurrency: CONCURRENCY });

const { db } = await import("~/server/db");
const { stopEmbedded } = await import("~/server/db/bootstrap");
const { createCampaign } = await import("~/server/services/campaigns");
const { queueRender } = await import("~/server/services/renders");
const { getProvider } = await import("~/server/services/providers");
const { startWorker } = await import("../worker/runner");

type Attempt = { providerId: string; outcome: string; code?: string; at: string; ms?: number; host?: string; admittedAt?: string };
type Asset = { kind: string; sceneIndex: number; providerId: string | null; startedAt: Date | null; finishedAt: Date | null; attempts: unknown };
type Render = Awaited<ReturnType<typeof waitForRender>>;

const veo = getProvider("google-veo");
const s = (ms: number) => +(ms / 1000).toFixed(2);
const attemptsOf = (a: Asset) => a.attempts as Attempt[];
const active = (a: Asset) => a.finishedAt!.getTime() - a.startedAt!.getTime();
const served = (c: CallRecord) => c.endedAt - c.startedAt;
const callsBetween = (kind: CallKind, from: number, to: number) => fake.callsOf(kind).filter((c) => c.startedAt >= from && c.startedAt <= to);
const mark = (ok: boolean) => (ok ? "ok" : "MISSED");

async function waitForRender(id: string) {
  for (;;) {
    const r = await db().render.findUniqueOrThrow({ where: { id }, include: { assets: true } });
    if (!["queued", "running"].includes(r.status)) {
      if (r.status !== "succeeded") throw new Error(`render ${id} ${r.status}: ${r.error}`);
      return r;
    }
    await new Promise((res) => setTimeout(res, 100));
  }
}

const renderMs = (r: Render) => r.finishedAt!.getTime() - r.createdAt.getTime();
const toAssemblyMs = (r: Render) => r.assembleStartedAt!.getTime() - r.createdAt.getTime();
/** From the fan-in to the output stored. (stageTimings.assemble is written after the render is marked succeeded, so a reader may not see it yet.) */
const assemblyMs = (r: Render) => r.finishedAt!.getTime() - r.assembleStartedAt!.getTime();

/** Most calls of `kind` the fake was serving at the same moment. */
function peakOverlap(calls: CallRecord[]): number {
  const edges = calls.flatMap((c) => [[c.startedAt, 1] as const, [c.endedAt, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (now += d));
  return peak;
}

/** A failed google-veo attempt (a daily 429), the fake's record of its call and the fallback after it. */
interface VeoFailure {
  /** When the breaker was asked for this attempt. */
  admittedMs: number;
  /** The attempt's start: after the breaker admitted it. */
  startMs: number;
  /** The attempt's recorded end (`at`). */
  endMs: number;
  /** The 429 as the fake served it: the earliest Veo call inside the attempt's window. */
  call?: CallRecord;
  /** The next provider's start (`at - ms`), if there was one. */
  fallbackStartMs?: number;
}

function veoFailures(renders: Render[]): VeoFailure[] {
  const out: VeoFailure[] = [];
  for (const a of renders.flatMap((r) => r.assets)) {
    const xs = attemptsOf(a);
    xs.forEach((x, i) => {
      if (x.providerId !== veo.id || x.outcome !== "failed" || x.code !== "quota") return;
      const endMs = Date.parse(x.at);
      const startMs = endMs - (x.ms ?? 0);
      const call = fake.callsOf("video").filter((c) => c.startedAt >= startMs && c.endedAt <= endMs).sort((p, q) => p.endedAt - q.endedAt)[0];
      const next = xs[i + 1];
      out.push({ admittedMs: x.admittedAt ? Date.parse(x.admittedAt) : startMs, startMs, endMs, call, fallbackStartMs: next?.ms === undefined ? undefined : Date.parse(next.at) - next.ms });
    });
  }
  return out;
}

/** Worst gaps from a daily 429 to its fallback starting: from the attempt's recorded end, and from the 429 leaving the API. */
function fallbackGaps(failures: VeoFailure[]) {
  const f = failures.filter((x) => x.fallbackStartMs !== undefined);
  return {
    n: f.length,
    fromAttemptMs: Math.max(...f.map((x) => x.fallbackStartMs! - x.endMs)),
    from429Ms: Math.max(...f.map((x) => x.fallbackStartMs! - (x.call?.endedAt ?? NaN))),
  };
}

const brief = {
  name: "Bench providers",
  product: "Trailblazer boots",
  audience: "weekend hikers",
  message: "Waterproof all day. Light as a sneaker.",
  targetSeconds: 30, // the fake answers 5 s scenes; its scene_count fault makes them 6
  voice: "Kore" as const,
  musicMood: "upbeat" as const,
};

/** A second worker host: its own process, same database, storage and fake API. */
async function startChildWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "worker", "index.ts")], { cwd: root, env: { ...process.env, LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "inherit"] }); // info: its start-up line
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      if (/host \S+ started/.test(out)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`second worker exited ${code} before starting:\n${out}`)));
  });
  child.removeAllListeners("exit");
  return child;
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const benchStart = performance.now();
const worker = await startWorker({ concurrency: CONCURRENCY, handleSignals: false, log: () => {} });
let child: ChildProcess | undefined;
try {
  const campaign = await createCampaign(db(), brief);
  const queue = async () => (await queueRender(db(), { campaignId: campaign.id, preset: "preview" })).id;

  // (a) Fan-out: every asset at once.
  const a = await waitForRender(await queue());
  const gen = a.assets.filter((x) => x.kind !== "script");
  const stageMs = (a.stageTimings as Record<string, number>).assets ?? Math.max(...gen.map((x) => x.finishedAt!.getTime())) - Math.min(...gen.map((x) => x.startedAt!.getTime()));
  const inA = (k: CallKind) => callsBetween(k, a.createdAt.getTime(), a.finishedAt!.getTime());
  // A scene's chain: from its still's call reaching the API to its clip stored (Veo generation, checks, download).
  const chains = Array.from({ length: SCENES }, (_, i) => {
    const still = inA("image").find((c) => JSON.stringify(c.body).includes(`Vertical shot ${i + 1} of`));
    const clip = gen.find((x) => x.kind === "video" && x.sceneIndex === i);
    if (!still || !clip?.finishedAt || clip.providerId !== veo.id) throw new Error(`scene ${i + 1}: no still call or no Veo clip (${clip?.providerId})`);
    return clip.finishedAt.getTime() - still.startedAt;
  });
  const singles = [...chains, ...inA("voiceover").map(served), ...inA("music").map(served)];
  const slowestMs = Math.max(...singles);
  const floorMs = LATENCY_MS.image + LATENCY_MS.video;
  const waterfallMs = [...inA("image"), ...inA("voiceover"), ...inA("music")].reduce((t, c) => t + served(c), 0) + gen.filter((x) => x.kind === "video").reduce((t, x) => t + active(x), 0);
  const ratio = stageMs / slowestMs;
  const t0 = Math.min(...gen.map((x) => x.startedAt!.getTime()));
  console.log(`(a) one ${SCENES}-scene render, one worker (concurrency ${CONCURRENCY}), latencies ${JSON.stringify(LATENCY_MS)} ms`);
  console.log(`    ${gen.length} assets, render ${s(renderMs(a))} s (script ${s((a.stageTimings as Record<string, number>).script ?? 0)} s, assembly ${s(assemblyMs(a))} s)`);
  for (const k of ["voiceover", "image", "music"] as const) {
    const cs = inA(k);
    console.log(`    ${k.padEnd(9)} ${cs.length} calls at the API from +${s(Math.min(...cs.map((c) => c.startedAt)) - t0)} s to +${s(Math.max(...cs.map((c) => c.endedAt)) - t0)} s, at most ${peakOverlap(cs)} at once`);
  }
  const veoClips = gen.filter((x) => x.kind === "video");
  console.log(`    video     ${veoClips.length} Veo clips from +${s(Math.min(...veoClips.map((x) => x.startedAt!.getTime())) - t0)} s to +${s(Math.max(...veoClips.map((x) => x.finishedAt!.getTime())) - t0)} s; chains (still + clip) ${chains.map(s).join(", ")} s`);
  console.log(`    asset stage wall          ${s(stageMs)} s`);
  console.log(`    slowest single asset      ${s(slowestMs)} s (latency floor: still ${LATENCY_MS.image / 1000} s + Veo ${LATENCY_MS.video / 1000} s = ${floorMs / 1000} s)`);
  console.log(`    stage / slowest           ${ratio.toFixed(3)}x  (target <= 1.1x: ${mark(ratio <= 1.1)})`);
  console.log(`    sum of all assets         ${s(waterfallMs)} s (the old waterfall): the stage takes ${((100 * stageMs) / waterfallMs).toFixed(0)}% of it`);

  // (b1) The same render with Veo 429ing and with Veo disabled, one worker, in the order
  // disabled, 429ing, 429ing, disabled so that a drift in the machine's load cancels out.
  fake.setFault("video", { type: "quota_day" });
  const veoKey = { providerId_model: { providerId: veo.id, model: veo.model } };
  const renderWith = async (veoState: "disabled" | "429ing") => {
    await db().providerBreaker.deleteMany({});
    if (veoState === "disabled") {
      const tomorrow = new Date(Date.now() + 24 * 3600_000);
      await db().providerBreaker.create({ data: { providerId: veo.id, model: veo.model, state: "open", reason: "bench: Veo disabled", openedAt: new Date(), resetAt: tomorrow } });
    }
    const r = await waitForRender(await queue());
    return { r, veoCalls: callsBetween("video", r.createdAt.getTime(), r.finishedAt!.getTime()).length };
  };
  const off1 = await renderWith("disabled");
  const on1 = await renderWith("429ing");
  const on2 = await renderWith("429ing");
  const off2 = await renderWith("disabled");
  const [on, off] = [[on1, on2], [off1, off2]];
  const sum = (xs: { r: Render }[], f: (r: Render) => number) => xs.reduce((t, x) => t + f(x.r), 0);
  const vsOff = sum(on, renderMs) / sum(off, renderMs);
  const vsOffToAssembly = sum(on, toAssemblyMs) / sum(off, toAssemblyMs);
  const single = fallbackGaps(veoFailures(on.map((x) => x.r)));
  const line = (x: { r: Render; veoCalls: number }) => `${s(renderMs(x.r))} s (to assembly ${s(toAssemblyMs(x.r))} s, assembly ${s(assemblyMs(x.r))} s; ${x.veoCalls} Veo calls)`;
  console.log(`(b) Veo answering 429 RESOURCE_EXHAUSTED per day; its fallback is local-kenburns`);
  console.log(`    render, Veo 429ing        ${line(on1)}, ${line(on2)}`);
  console.log(`    render, Veo disabled      ${line(off1)}, ${line(off2)}  (breaker open until tomorrow)`);
  console.log(`    429ing / disabled         ${vsOff.toFixed(3)}x total (target: at most 10% slower, <= 1.1x: ${mark(vsOff <= 1.1)}); ${vsOffToAssembly.toFixed(3)}x up to the assembly, the part providers decide`);
  console.log(`    429 -> fallback start     max ${single.fromAttemptMs} ms from the failed attempt's end (target < 1000 ms: ${mark(single.fromAttemptMs < 1000)}; old pipeline ~180000 ms), max ${single.from429Ms} ms from the 429 leaving the API, over ${single.n} failed Veo calls`);

  // (b2) A 5-render batch on two worker hosts sharing the breaker through PostgreSQL.
  await db().providerBreaker.deleteMany({});
  child = await startChildWorker();
  const batchStart = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < BATCH; i++) ids.push(await queue());
  const batch = await Promise.all(ids.map(waitForRender));
  const batchMs = Date.now() - batchStart;
  await stopChild(child);
  const openedAt = (await db().providerBreaker.findUniqueOrThrow({ where: veoKey })).openedAt!.getTime();
  const batchVeo = callsBetween("video", batchStart, Date.now());
  const afterOpen = batchVeo.filter((c) => c.startedAt > openedAt);
  // Stricter: calls reaching the API after it answered its first daily 429 (the breaker opens a
  // few ms later, once the worker has read that answer and written the row).
  const first429Ms = Math.min(...batchVeo.filter((c) => c.status === 429).map((c) => c.endedAt));
  const afterFirst429 = batchVeo.filter((c) => c.startedAt > first429Ms);
  const failures = veoFailures(batch);
  // A call that reached the API after the breaker opened, though the breaker had admitted it before.
  const admittedBefore = afterOpen.filter((c) => failures.some((f) => f.call === c && f.admittedMs <= openedAt)).length;
  const admitToCall = Math.max(...failures.flatMap((f) => (f.call ? [f.call.startedAt - f.startMs] : [])));
  const clips = batch.flatMap((r) => r.assets.filter((x) => x.kind === "video"));
  const hosts = new Set(batch.flatMap((r) => r.assets.flatMap((x) => attemptsOf(x).map((t) => t.host))));
  const skipped = clips.filter((x) => attemptsOf(x).some((t) => t.providerId === veo.id && t.code === "breaker_open")).length;
  const inBatch = fallbackGaps(failures);
  console.log(`    batch of ${BATCH} renders on 2 worker processes (attempts made by ${hosts.size} hosts): ${s(batchMs)} s, all succeeded`);
  console.log(`    Veo calls in the batch    ${batchVeo.length}, all 429: ${batchVeo.every((c) => c.status === 429)}; ${skipped} of ${clips.length} clips skipped Veo on the open breaker`);
  console.log(`    Veo calls after the breaker opened  ${afterOpen.length}  (target 0: ${mark(afterOpen.length === 0)}); ${admittedBefore} of them admitted before it opened (admission -> request up to ${admitToCall} ms)`);
  console.log(`    Veo calls after the first 429 left the API  ${afterFirst429.length} (the breaker opened ${openedAt - first429Ms} ms after that answer)`);
  console.log(`    429 -> fallback start     max ${inBatch.fromAttemptMs} ms from the failed attempt's end, max ${inBatch.from429Ms} ms from the 429 leaving the API, over ${inBatch.n} failed Veo calls (2 cores also assembling)`);

  const benchS = s(performance.now() - benchStart);
  console.log(`bench wall ${benchS} s on ${os.cpus().length} cores (load from other processes is not excluded)`);
  console.log(
    JSON.stringify({
      worker_concurrency: CONCURRENCY,
      asset_stage_s: s(stageMs),
      slowest_asset_s: s(slowestMs),
      asset_vs_slowest_ratio: +ratio.toFixed(3),
      latency_floor_s: s(floorMs),
      asset_vs_floor_ratio: +(stageMs / floorMs).toFixed(3),
      waterfall_sum_s: s(waterfallMs),
      quota_to_fallback_ms: single.fromAttemptMs,
      quota_429_answer_to_fallback_ms: single.from429Ms,
      quota_to_fallback_batch_ms: inBatch.fromAttemptMs,
      veo_calls_after_breaker_open: afterOpen.length,
      veo_calls_after_first_429_answer: afterFirst429.length,
      first_429_to_breaker_open_ms: openedAt - first429Ms,
      veo_calls_after_daily_429_admitted_before: admittedBefore,
      veo_admission_to_request_max_ms: admitToCall,
      veo_calls_batch: batchVeo.length,
      batch_s: s(batchMs),
      render_with_veo_429_s: s(sum(on, renderMs) / 2),
      render_veo_disabled_s: s(sum(off, renderMs) / 2),
      veo_429_vs_disabled_ratio: +vsOff.toFixed(3),
      veo_429_vs_disabled_to_assembly_ratio: +vsOffToAssembly.toFixed(3),
      bench_s: benchS,
    }),
  );
} finally {
  if (child) await stopChild(child);
  await worker.stop();
  await db().$disconnect();
  await stopEmbedded();
  await fake.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
