/** Exact length with the local chain: template script + flite voice. */
import { afterAll, describe, expect, it } from "vitest";
import { testDb } from "../helpers/db";
import { withWorker } from "../helpers/worker";
import { expectCoverage, renderAndMeasure, TARGETS } from "./fixture";

afterAll(async () => {
  await testDb().$disconnect();
});

describe("exact length, local template + flite voice", () => {
  it.each(TARGETS)("a %i s target: ffprobe duration <= target and >= target - 0.5 s; every required line said and shown", async (target) => {
    const m = await withWorker(() => renderAndMeasure(target, "slt"), 4);
    expect(m.durationSec).toBeLessThanOrEqual(target);
    expect(m.durationSec).toBeGreaterThanOrEqual(target - 0.5);
    expectCoverage(m);
  }, 300_000);
});
