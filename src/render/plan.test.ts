import { describe, expect, it } from "vitest";
import { parseRenderPlan, sceneStarts, totalDurationSec } from "./plan";
import { buildTimeline } from "./timeline";

const still = { kind: "image", path: "/x/a.jpg" } as const;

describe("render plan", () => {
  it("fills defaults", () => {
    const p = parseRenderPlan({ scenes: [{ durationSec: 2, visual: still }] });
    expect(p.output).toEqual({ width: 1080, height: 1920, fps: 24, preset: "final" });
    expect(p.scenes[0]!.transition.kind).toBe("cut");
    expect(p.audio.targetLufs).toBe(-14);
    expect(p.captions.style.font).toBe("DejaVu Sans");
  });

  it("rejects a scene of 0 s with a message naming the scene", () => {
    const r = (() => {
      try {
        parseRenderPlan({ scenes: [{ durationSec: 2, visual: still }, { durationSec: 0, visual: still }] });
        return null;
      } catch (e) {
        return e as { issues: { path: (string | number)[]; message: string }[] };
      }
    })();
    expect(r?.issues[0]?.path).toEqual(["scenes", 1, "durationSec"]);
    expect(r?.issues[0]?.message).toMatch(/more than 0 s/);
  });

  it("rejects a transition longer than its scenes allow", () => {
    expect(() =>
      parseRenderPlan({
        scenes: [
          { durationSec: 0.5, visual: still, transition: { kind: "crossfade", durationSec: 1 } },
          { durationSec: 3, visual: still },
        ],
      }),
    ).toThrow(/too long/);
  });

  it("rejects fonts that could break the ASS style line and bad colours", () => {
    expect(() => parseRenderPlan({ scenes: [{ durationSec: 1, visual: still }], captions: { style: { font: "Evil,Font" } } })).toThrow();
    expect(() => parseRenderPlan({ scenes: [{ durationSec: 1, visual: { kind: "color", color: "red" } }] })).toThrow(/#ff8800/);
  });

  it("builds a frame-exact timeline with centred overlaps", () => {
    const p = parseRenderPlan({
      output: { fps: 30 },
      scenes: [
        { durationSec: 2, visual: still, transition: { kind: "crossfade", durationSec: 0.5 } },
        { durationSec: 1.5, visual: still, transition: { kind: "flash", durationSec: 0.2 } },
        { durationSec: 1, visual: still, transition: { kind: "cut", durationSec: 0 } },
        { durationSec: 1, visual: still },
      ],
    });
    expect(totalDurationSec(p)).toBe(5.5);
    expect(sceneStarts(p)).toEqual([0, 2, 3.5, 4.5, 5.5]);
    const t = buildTimeline(p);
    expect(t.totalFrames).toBe(165);
    expect(t.scenes.map((s) => [s.leadFrames, s.coreFrames, s.tailFrames])).toEqual([
      [0, 60, 7],
      [8, 45, 3],
      [3, 30, 0],
      [0, 30, 0],
    ]);
    // Joined length = sum of clips - overlaps = total.
    const clips = t.scenes.reduce((a, s) => a + s.clipFrames, 0);
    const overlaps = t.scenes.reduce((a, s) => a + (s.outgoing?.overlapFrames ?? 0), 0);
    expect(clips - overlaps).toBe(t.totalFrames);
  });
});
