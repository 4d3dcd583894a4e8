/**
 * The breaker's last check, in the provider's fetch: a call admitted a moment before another host
 * opened the breaker never reaches the API, and while a 429 is being decided this process's other
 * calls to that provider wait for the decision instead of racing it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeGemini } from "~/plugins/google/fake-server";
import * as breaker from "~/server/services/breaker";
import { getProvider } from "~/server/services/providers";
import { gatedFetch, type Gate } from "~/server/services/pipeline/assets";
import { testDb } from "./helpers/db";
import { useFakeGemini } from "./helpers/google";

let fake: FakeGemini;
const db = () => testDb();
const veo = () => getProvider("google-veo");
const tomorrow = () => new Date(Date.now() + 24 * 3600_000);

/** One predictLongRunning request, as the Veo plugin sends it. */
const startVeo = (f: typeof fetch) =>
  f(`${fake.baseUrl}/v1beta/models/${veo().model}:predictLongRunning`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": "test-gemini-key-123" },
    body: JSON.stringify({ instances: [{ prompt: "boots" }], parameters: { aspectRatio: "9:16", durationSeconds: 4 } }),
  });

beforeAll(async () => {
  fake = await useFakeGemini();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
  await db().$disconnect();
});
beforeEach(async () => {
  fake.clearFaults();
  fake.resetCalls();
  await db().providerBreaker.deleteMany({});
});

describe("the breaker's check as the request leaves", () => {
  it("refuses a call admitted before another host opened the breaker; the API never sees it", async () => {
    expect((await breaker.admit(db(), veo().id, veo().model, "host-a")).allowed).toBe(true);
    // Host B's daily 429 lands between host A's admission and its request.
    await breaker.open(db(), veo().id, veo().model, tomorrow(), "quota: per day (host b)");
    const gate: Gate = {};
    await expect(startVeo(gatedFetch(db(), veo(), "host-a", gate))).rejects.toThrow(/breaker open before the request was sent/);
    expect(gate.refused).toMatchObject({ allowed: false, state: "open", reason: "quota: per day (host b)" });
    expect(fake.callsOf("video")).toHaveLength(0);
  });

  it("lets a closed breaker's call through, and the half-open trial's owner only", async () => {
    const res = await startVeo(gatedFetch(db(), veo(), "host-a", {}));
    expect(res.status).toBe(200);
    await breaker.open(db(), veo().id, veo().model, new Date(Date.now() - 1000), "quota: per day");
    expect(await breaker.admit(db(), veo().id, veo().model, "host-a")).toEqual({ allowed: true, trial: true });
    const other: Gate = {};
    await expect(startVeo(gatedFetch(db(), veo(), "host-b", other))).rejects.toThrow(/breaker half_open/);
    expect((await startVeo(gatedFetch(db(), veo(), "host-a", {}))).status).toBe(200);
    expect(fake.callsOf("video")).toHaveLength(2);
  });

  it("holds this process's next call while a 429 is decided, then refuses it once the breaker is open", async () => {
    fake.setFault("video", { type: "quota_day" });
    const first: Gate = {};
    expect((await startVeo(gatedFetch(db(), veo(), "host-a", first))).status).toBe(429);
    expect(first.release).toBeTypeOf("function");
    const second: Gate = {};
    let settled = false;
    const next = startVeo(gatedFetch(db(), veo(), "host-a", second)).finally(() => (settled = true));
    next.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false); // waiting for the first call's decision
    await breaker.open(db(), veo().id, veo().model, tomorrow(), "quota: per day");
    first.release!();
    await expect(next).rejects.toThrow(/breaker open/);
    expect(fake.callsOf("video")).toHaveLength(1);
  });
});
