import { describe, expect, it } from "vitest";
import { END_CARD_SEC, MAX_TEMPO, OUTPUT_MARGIN_SEC } from "~/shared/brief-fit";
import { fitTimeline, type FitScene, TimelineFitError } from "./timeline-fit";

const voiced = (sec: number, required = false): FitScene => ({ voice: { durationSec: sec + 0.6, voicedStartSec: 0.3, voicedEndSec: 0.3 + sec }, estimateSec: sec, required });
const total = (f: ReturnType<typeof fitTimeline>) => f.scenes.reduce((a, s) => a + s.durationSec, 0) + f.endCardSec;

describe("timeline fit", () => {
  it.each([6, 10, 15, 20, 30, 60, 90])("short narration at %i s: holds and a longer end card fill the target minus the margin, in whole frames", (target) => {
    const f = fitTimeline({ targetSec: target, fps: 24, scenes: [voiced(1.2, true), voiced(0.6), voiced(0.9, true)] });
    expect(f.tempo).toBe(1);
    expect(f.dropped).toEqual([]);
    expect(total(f)).toBeCloseTo(f.totalSec, 6);
    expect(f.totalSec).toBeLessThanOrEqual(target - OUTPUT_MARGIN_SEC);
    expect(f.totalSec).toBeGreaterThan(target - OUTPUT_MARGIN_SEC - 1 / 24);
    for (const s of f.scenes) expect(Math.abs(s.durationSec * 24 - Math.round(s.durationSec * 24))).toBeLessThan(1e-6);
    expect(f.endCardSec).toBeGreaterThanOrEqual(END_CARD_SEC.min);
    // Each clip plays only its voiced span plus the pads.
    expect(f.scenes[0]).toMatchObject({ trimStartSec: 0.25, trimEndSec: expect.closeTo(1.6, 6) });
  });

  it("narration a little too long: sped up, never past MAX_TEMPO, nothing dropped", () => {
    const f = fitTimeline({ targetSec: 10, fps: 30, scenes: [voiced(2.6, true), voiced(2.6), voiced(2.4, true)] });
    expect(f.tempo).toBeGreaterThan(1);
    expect(f.tempo).toBeLessThanOrEqual(MAX_TEMPO);
    expect(f.dropped).toEqual([]);
    expect(total(f)).toBeCloseTo(f.totalSec, 6);
  });

  it("far too long: optional scenes are dropped (longest first) and noted; required ones stay", () => {
    const f = fitTimeline({ targetSec: 10, fps: 24, scenes: [voiced(2, true), voiced(2.5), voiced(4), voiced(2, true)] });
    expect(f.dropped).toEqual([2]);
    expect(f.scenes.map((s) => s.index)).toEqual([0, 1, 3]);
    expect(f.notes.join(" ")).toMatch(/scene 3 dropped/);
    expect(total(f)).toBeCloseTo(f.totalSec, 6);
  });

  it("required narration that cannot fit even at MAX_TEMPO: a clear error, not a long video", () => {
    expect(() => fitTimeline({ targetSec: 6, fps: 24, scenes: [voiced(4, true), voiced(4, true)] })).toThrow(TimelineFitError);
  });

  it("scenes without a voice share the time", () => {
    const f = fitTimeline({ targetSec: 12, fps: 24, scenes: [{ estimateSec: 2, required: true }, { estimateSec: 2, required: true }] });
    expect(total(f)).toBeCloseTo(f.totalSec, 6);
    expect(f.scenes.every((s) => s.durationSec > 4)).toBe(true);
  });
});
