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

  // Issue 13: a batch variant with another hook (or CTA) keeps every other scene's frames, tempo and voice trims.
  const six = (hook: number, cta = 2.1) => [voiced(hook, true), voiced(2.4), voiced(2.9), voiced(1.8), voiced(2.6), voiced(cta, true)];
  const checkFit = (f: ReturnType<typeof fitTimeline>, target: number, fps: number) => {
    expect(total(f)).toBeCloseTo(f.totalSec, 6);
    expect(f.totalSec).toBeLessThanOrEqual(target - OUTPUT_MARGIN_SEC);
    expect(f.totalSec).toBeGreaterThan(target - OUTPUT_MARGIN_SEC - 1 / fps);
    expect(f.endCardSec).toBeGreaterThanOrEqual(END_CARD_SEC.min - 1e-6);
    expect(f.endCardSec).toBeLessThanOrEqual(END_CARD_SEC.max + 2 / fps);
    for (const s of f.scenes) {
      // Every line and its breath fit in its scene at its own tempo (within the frame the rounding takes), never
      // past MAX_TEMPO.
      expect(s.durationSec + 1 / fps + 1e-6).toBeGreaterThanOrEqual((s.trimEndSec - s.trimStartSec) / s.tempo + 0.25);
      expect(s.tempo).toBeLessThanOrEqual(MAX_TEMPO);
      expect(Math.abs(s.durationSec * fps - Math.round(s.durationSec * fps))).toBeLessThan(1e-6);
    }
  };
  it.each([
    [30, 17, 1.2],
    [30, 17, 2.4],
    [30, 20, 0.8],
    [30, 30, 1.5],
    [30, 30, 3.5],
    [24, 17, 1.2],
    [24, 30, 3.5],
  ])("a hook variant at %i fps, %i s (hook line %f s): scenes 2..6 keep their frames, tempo, lead and trims", (fps, target, hookSec) => {
    const base = fitTimeline({ targetSec: target, fps, scenes: six(2.2) });
    const variant = fitTimeline({ targetSec: target, fps, scenes: six(hookSec) });
    for (const f of [base, variant]) {
      expect(f.layout).toBe("stable");
      checkFit(f, target, fps);
    }
    expect(variant.scenes.slice(1)).toEqual(base.scenes.slice(1));
    expect(variant.tempo).toBe(base.tempo);
    expect(variant.scenes[0]!.trimEndSec).toBeCloseTo(0.25 + hookSec + 0.15, 6);
  });

  it("a hook that fits only if every line is sped up: spread, never sped up where spreading would not", () => {
    const f = fitTimeline({ targetSec: 30, fps: 30, scenes: six(6) });
    expect(f.layout).toBe("spread");
    expect(f.tempo).toBe(1);
    checkFit(f, 30, 30);
  });

  it("a CTA variant keeps the hook and the scenes between", () => {
    const base = fitTimeline({ targetSec: 30, fps: 30, scenes: six(2.2, 2.1) });
    const variant = fitTimeline({ targetSec: 30, fps: 30, scenes: six(2.2, 2.5) });
    expect(variant.layout).toBe("stable");
    checkFit(variant, 30, 30);
    expect(variant.scenes.slice(0, -1)).toEqual(base.scenes.slice(0, -1));
    expect(variant.scenes.at(-1)!.durationSec).toBeGreaterThan(base.scenes.at(-1)!.durationSec);
  });

  it("a hook too long for the stable layout: the fit spreads over every scene and still meets the target", () => {
    const f = fitTimeline({ targetSec: 20, fps: 30, scenes: six(4.5) });
    expect(f.layout).toBe("spread");
    checkFit(f, 20, 30);
    expect(f.scenes.every((s) => s.tempo === f.tempo)).toBe(true);
  });

  it("two scenes: the CTA is kept and the hook takes the end card's slack (an 8 s ad)", () => {
    const two = (hook: number) => [voiced(hook, true), voiced(2.1, true)];
    const base = fitTimeline({ targetSec: 8, fps: 30, scenes: two(2.2) });
    for (const hook of [1.4, 2.6]) {
      const variant = fitTimeline({ targetSec: 8, fps: 30, scenes: two(hook) });
      expect(variant.layout).toBe("stable");
      checkFit(variant, 8, 30);
      expect(variant.scenes[1]).toEqual(base.scenes[1]);
      expect(variant.scenes[0]!.durationSec).not.toBe(base.scenes[0]!.durationSec);
    }
  });

  it("a layout that would drop scenes: spread, as before", () => {
    expect(fitTimeline({ targetSec: 15, fps: 30, scenes: six(2.2) }).layout).toBe("spread");
  });
});
