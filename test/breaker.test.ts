/**
 * The breaker's parts around one call (src/server/services/breaker.ts), with the real Veo plugin
 * and SDK against the fake Gemini API: the first call of a quota window goes alone, the check as
 * the request leaves refuses what another host's opening should stop, and a 429 being decided
 * holds this process's next call.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { lastMidnightPacific } from "~/plugins/google/pacific-time";
import { type FakeGemini } from "~/plugins/google/fake-server";
import { ProviderError } from "~/plugins/spec";
import * as breaker from "~/server/services/breaker";
import { decide } from "~/server/services/pipeline/retry-policy";
import { providerSlots } from "~/server/services/pipeline/limits";
import { getProvider, providerContext } from "~/server/services/providers";
import { testDb } from "./helpers/db";
import { useFakeGemini } from "./helpers/google";

let fake: FakeGemini;
let outputDir: string;
const db = () => testDb();
const veo = () => getProvider("google-veo");
const tomorrow = () => new Date(Date.now() + 24 * 3600_000);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** One predictLongRunning request, as the Veo plugin sends it. */
const startVeo = (f: typeof fetch) =>
  f(`${fake.baseUrl}/v1beta/models/${veo().model}:predictLongRunning`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": "test-gemini-key-123" },
    body: JSON.stringify({ instances: [{ prompt: "boots" }], parameters: { aspectRatio: "9:16", durationSeconds: 4 } }),
  });

/**
 * One Veo start as an asset job makes it (pipeline/assets.ts): the provider's slot, admission,
 * the plugin's call through the breaker's fetch, the outcome reported. Returns what happened.
 */
async function veoJob(host: string): Promise<"started" | "refused" | "held" | "failed"> {
  const p = veo();
  if (p.kind !== "video") throw new Error("google-veo is a video provider");
  const call = new breaker.BreakerCall(db(), p, host);
  try {
    const ctx = providerContext(p, { signal: AbortSignal.timeout(30_000), outputDir, logger: quiet, fetch: call.fetch });
    return await providerSlots(p.id, p.maxConcurrency).run(async () => {
      const a = await call.admit();
      if (!a.allowed) return a.state === "probing" ? "held" : "refused";
      try {
        await p.doStartVideo({ prompt: "Trail boots on wet rock", durationSec: 4 }, ctx);
        await call.succeeded();
        return "started";
      } catch (e) {
        if (call.refusedAsSent) return "refused";
        const err = ProviderError.wrap(e, p.id);
        const d = decide(err, 0);
        await call.failed(err, d.action === "open-breaker" ? d.resetAt : undefined);
        return "failed";
      }
    });
  } finally {
    await call.end();
  }
}

const row = () => db().providerBreaker.findUniqueOrThrow({ where: { providerId_model: { providerId: veo().id, model: veo().model } } });

beforeAll(async () => {
  fake = await useFakeGemini({ latencyMs: { video: 150 } });
  outputDir = await fs.mkdtemp(path.join(os.tmpdir(), "breaker-test-"));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
  await fs.rm(outputDir, { recursive: true, force: true });
  await db().$disconnect();
});
beforeEach(async () => {
  fake.clearFaults();
  fake.resetCalls();
  await db().providerBreaker.deleteMany({});
});

describe("the first call of a quota window", () => {
  const BATCH = 8;

  it("a spent daily quota costs one refused call per window, over repeated batches", async () => {
    fake.setFault("video", { type: "quota_day" });
    // Each batch begins a window the way windows begin: a breaker never used, one whose last
    // success was before this window's midnight Pacific, one an admin just closed, and one whose
    // reset has passed (the half-open trial).
    const windows: [string, () => Promise<unknown>][] = [
      ["never used", async () => undefined],
      ["last success before this window", () => db().providerBreaker.update({ where: { providerId_model: { providerId: veo().id, model: veo().model } }, data: { state: "closed", resetAt: null, lastSuccessAt: new Date(lastMidnightPacific(new Date()).getTime() - 3600_000) } })],
      ["reset by an admin", () => breaker.reset(db(), veo().id, veo().model)],
      ["reset time passed", () => db().providerBreaker.update({ where: { providerId_model: { providerId: veo().id, model: veo().model } }, data: { state: "open", resetAt: new Date(Date.now() - 1000) } })],
    ];
    const perWindow: number[] = [];
    for (const [, begin] of windows) {
      await begin();
      const before = fake.callsOf("video").length;
      const outcomes = await Promise.all(Array.from({ length: BATCH }, (_, i) => veoJob(`host-a`).then((o) => [i, o] as const)));
      perWindow.push(fake.callsOf("video").length - before);
      // One call answered 429 and opened the breaker; every other job was refused without calling.
      expect(outcomes.filter(([, o]) => o === "failed")).toHaveLength(1);
      expect(outcomes.filter(([, o]) => o === "refused")).toHaveLength(BATCH - 1);
      expect((await row()).state).toBe("open");
    }
    expect(perWindow).toEqual([1, 1, 1, 1]);
  });

  it("a quota that answers releases the held calls: all start, none before the probe answered", async () => {
    const outcomes = await Promise.all(Array.from({ length: BATCH }, () => veoJob("host-a")));
    expect(outcomes).toEqual(Array(BATCH).fill("started"));
    const calls = fake.callsOf("video").sort((a, b) => a.startedAt - b.startedAt);
    expect(calls).toHaveLength(BATCH);
    // The probe is the first call; every other call left after its answer.
    for (const c of calls.slice(1)) expect(c.startedAt).toBeGreaterThanOrEqual(calls[0]!.endedAt);
    const r = await row();
    expect(r.lastSuccessAt).not.toBeNull();
    expect(r.probeOwner).toBeNull();
    // In a proven window calls are admitted together again, none a probe, none waiting.
    const together = [new breaker.BreakerCall(db(), veo(), "host-a"), new breaker.BreakerCall(db(), veo(), "host-a")];
    expect(await Promise.all(together.map((c) => c.admit()))).toEqual([
      { allowed: true, trial: false, probe: false },
      { allowed: true, trial: false, probe: false },
    ]);
    await Promise.all(together.map((c) => c.end()));
  });

  it("a probe that fails without a daily quota hands the window to the next caller", async () => {
    fake.setFault("video", { fault: { type: "internal" }, times: 1 });
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => veoJob("host-a")));
    expect(outcomes.filter((o) => o === "failed")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "started")).toHaveLength(3);
    expect((await row()).state).toBe("closed");
  });

  it("another host's probe holds this host's call (come back shortly), and a stale probe is reclaimed", async () => {
    // Host B claimed the probe a moment ago and has not answered.
    await db().providerBreaker.create({ data: { providerId: veo().id, model: veo().model, probeOwner: "host-b/1", probeAt: new Date() } });
    const call = new breaker.BreakerCall(db(), veo(), "host-a");
    try {
      expect(await call.admit()).toMatchObject({ allowed: false, state: "probing", retryInMs: breaker.PROBE_RECHECK_MIN_MS });
    } finally {
      await call.end();
    }
    expect(await veoJob("host-a")).toBe("held");
    expect(fake.callsOf("video")).toHaveLength(0);
    // Host B died with it: after PROBE_STALE_MS the probe is claimable.
    await db().$executeRaw`update "ProviderBreaker" set "probeAt" = clock_timestamp() - interval '1 hour' where "providerId" = ${veo().id}`;
    expect(await veoJob("host-a")).toBe("started");
    expect((await row()).probeOwner).toBeNull();
  });
});

describe("the breaker's check as the request leaves", () => {
  it("refuses a call admitted before another host opened the breaker; the API never sees it", async () => {
    expect(await veoJob("host-a")).toBe("started"); // proves the window
    fake.resetCalls();
    const call = new breaker.BreakerCall(db(), veo(), "host-a");
    expect((await call.admit()).allowed).toBe(true);
    // Host B's daily 429 lands between host A's admission and its request.
    await breaker.open(db(), veo().id, veo().model, tomorrow(), "quota: per day (host b)");
    await expect(startVeo(call.fetch)).rejects.toThrow(/breaker open before the request was sent/);
    expect(call.refusedAsSent).toMatchObject({ allowed: false, state: "open", reason: "quota: per day (host b)" });
    expect(fake.callsOf("video")).toHaveLength(0);
  });

  it("lets the half-open trial's owner through, and no other call", async () => {
    await breaker.open(db(), veo().id, veo().model, new Date(Date.now() - 1000), "quota: per day");
    const trial = new breaker.BreakerCall(db(), veo(), "host-a");
    expect(await trial.admit()).toEqual({ allowed: true, trial: true, probe: false });
    // Another call of the same host is not the trial.
    const other = new breaker.BreakerCall(db(), veo(), "host-a");
    expect(await other.admit()).toMatchObject({ allowed: false, state: "half_open" });
    await expect(startVeo(other.fetch)).rejects.toThrow(/breaker half_open/);
    expect((await startVeo(trial.fetch)).status).toBe(200);
    await trial.succeeded();
    expect(fake.callsOf("video")).toHaveLength(1);
    expect((await row()).state).toBe("closed");
  });

  it("holds this process's next call while a 429 is decided, then refuses it once the breaker is open", async () => {
    expect(await veoJob("host-a")).toBe("started"); // proves the window
    fake.resetCalls();
    fake.setFault("video", { type: "quota_day" });
    const first = new breaker.BreakerCall(db(), veo(), "host-a");
    expect((await startVeo(first.fetch)).status).toBe(429);
    const second = new breaker.BreakerCall(db(), veo(), "host-a");
    let settled = false;
    const next = startVeo(second.fetch).finally(() => (settled = true));
    next.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false); // waiting for the first call's decision
    await first.failed(new ProviderError({ code: "quota", message: "per day", providerId: veo().id, quotaScope: "day", retryable: false }), tomorrow());
    await expect(next).rejects.toThrow(/breaker open/);
    expect(fake.callsOf("video")).toHaveLength(1);
  });
});
