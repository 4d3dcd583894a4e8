/**
 * `npm run bench:breaker`: calls per daily-quota window against the fake Gemini API (real SDK,
 * real plugins, a fresh embedded PostgreSQL), when the quota is already spent as the window opens.
 *
 * Each window, a batch of asset calls starts at once in one worker process, as a render's fan-out
 * does: 12 Veo starts (2 slots per process) and 12 Gemini images (8 slots), every call through the
 * breaker as an asset job makes it (slot, admission, the plugin's call, the outcome). Windows
 * begin the four ways they begin: a breaker never used, a last success before this window's
 * midnight Pacific, an admin's reset, a reset time that has passed (half-open). Compared in the
 * same run: the breaker with its first-call probe, and the same breaker without it (the provider
 * declaring no quota window), which is how it behaved before the probe.
 *
 * Prints a readable report and, as the last line, one JSON object with the figures.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startFakeGemini, type CallKind } from "~/plugins/google/fake-server";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, ".data", "bench-breaker");
fs.rmSync(dataDir, { recursive: true, force: true });

const WINDOWS = 12;
const BATCH = 12;
const API_KEY = "bench-gemini-key-0001";
/** Answer times of the fake: a Veo start and an image's first byte, close to Google's. */
const LATENCY_MS = { image: 400 } satisfies Partial<Record<CallKind, number>>;

const fake = await startFakeGemini({ apiKey: API_KEY, latencyMs: LATENCY_MS, faults: { video: { type: "quota_day" }, image: { type: "quota_day" } } });
Object.assign(process.env, {
  DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: process.env.EMBEDDED_PG_PORT ?? "54362",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
  GEMINI_API_KEY: API_KEY,
  GEMINI_BASE_URL: fake.baseUrl,
});
delete process.env.DATABASE_URL;

const { db } = await import("~/server/db");
const { prepareDatabase, stopEmbedded } = await import("~/server/db/bootstrap");
const breaker = await import("~/server/services/breaker");
const { decide } = await import("~/server/services/pipeline/retry-policy");
const { providerSlots } = await import("~/server/services/pipeline/limits");
const { getProvider, providerContext } = await import("~/server/services/providers");
const { ProviderError } = await import("~/plugins/spec");
const { lastMidnightPacific } = await import("~/plugins/google/pacific-time");
type Provider = ReturnType<typeof getProvider>;

await prepareDatabase(() => {});
const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-breaker-"));
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** One asset call as pipeline/assets.ts makes it. */
async function job(p: Provider, breakerView: Provider): Promise<"called" | "refused" | "held"> {
  const call = new breaker.BreakerCall(db(), breakerView, "bench");
  try {
    const ctx = providerContext(p, { signal: AbortSignal.timeout(30_000), outputDir, logger: quiet, fetch: call.fetch });
    return await providerSlots(`${p.id}:${breakerView.quotaWindowStart ? "probe" : "none"}`, p.maxConcurrency).run(async () => {
      const a = await call.admit();
      if (!a.allowed) return a.state === "probing" ? "held" : "refused";
      try {
        if (p.kind === "video") await p.doStartVideo({ prompt: "Trail boots on wet rock", durationSec: 4 }, ctx);
        else if (p.kind === "image") await p.doGenerateImage({ prompt: "Trail boots on wet rock" }, ctx);
        await call.succeeded();
        return "called";
      } catch (e) {
        if (call.refusedAsSent) return "refused";
        const err = ProviderError.wrap(e, p.id);
        const d = decide(err, 0);
        await call.failed(err, d.action === "open-breaker" ? d.resetAt : undefined);
        return "called";
      }
    });
  } finally {
    await call.end();
  }
}

const kindOf = { "google-veo": "video", "google-image": "image" } as const;
const BEGINS = ["never used", "last success before this window", "reset by an admin", "reset time passed"] as const;

async function beginWindow(p: Provider, how: (typeof BEGINS)[number]) {
  const where = { providerId_model: { providerId: p.id, model: p.model } };
  if (how === "never used") await db().providerBreaker.deleteMany({ where: { providerId: p.id } });
  else if (how === "last success before this window") {
    await db().providerBreaker.upsert({ where, create: { providerId: p.id, model: p.model }, update: {} });
    await db().providerBreaker.update({ where, data: { state: "closed", resetAt: null, probeOwner: null, lastSuccessAt: new Date(lastMidnightPacific(new Date()).getTime() - 3600_000) } });
  } else if (how === "reset by an admin") await breaker.reset(db(), p.id, p.model);
  else await db().providerBreaker.update({ where, data: { state: "open", resetAt: new Date(Date.now() - 1000) } });
}

type Row = { provider: string; probe: boolean; windows: number; calls: number[]; batchMs: number[] };
const rows: Row[] = [];
for (const id of ["google-veo", "google-image"] as const) {
  const p = getProvider(id);
  for (const probe of [false, true]) {
    const view: Provider = probe ? p : ({ ...p, quotaWindowStart: undefined } as Provider);
    const row: Row = { provider: id, probe, windows: WINDOWS, calls: [], batchMs: [] };
    for (let w = 0; w < WINDOWS; w++) {
      await beginWindow(p, BEGINS[w % BEGINS.length]!);
      const before = fake.callsOf(kindOf[id]).length;
      const t0 = Date.now();
      const outcomes = await Promise.all(Array.from({ length: BATCH }, () => job(p, view)));
      row.batchMs.push(Date.now() - t0);
      row.calls.push(fake.callsOf(kindOf[id]).length - before);
      if (outcomes.includes("held")) throw new Error("a call was held by another host's probe: there is only one host here");
    }
    rows.push(row);
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const max = (xs: number[]) => Math.max(...xs);
console.log(`bench:breaker — ${WINDOWS} windows x ${BATCH} simultaneous calls per provider, quota already spent (fake Gemini, one worker process)`);
console.log(`load: ${os.loadavg().map((x) => x.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);
for (const r of rows) {
  console.log(`  ${r.provider.padEnd(13)} ${r.probe ? "with the first-call probe" : "without (before)         "}  calls per window: mean ${(sum(r.calls) / r.windows).toFixed(2)}, max ${max(r.calls)}  [${r.calls.join(" ")}]  batch ${Math.round(sum(r.batchMs) / r.windows)} ms`);
}
const figures = Object.fromEntries(rows.map((r) => [`${r.provider}:${r.probe ? "probe" : "noProbe"}`, { meanCallsPerWindow: sum(r.calls) / r.windows, maxCallsPerWindow: max(r.calls), meanBatchMs: Math.round(sum(r.batchMs) / r.windows) }]));

fs.rmSync(outputDir, { recursive: true, force: true });
await fake.close();
await db().$disconnect();
await stopEmbedded();
console.log(JSON.stringify({ bench: "breaker", windows: WINDOWS, batch: BATCH, load1: os.loadavg()[0], ...figures }));
process.exit(0);
