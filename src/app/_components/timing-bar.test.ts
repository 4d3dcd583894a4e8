import { describe, expect, it } from "vitest";
import { timingSegments } from "./timing-bar";

describe("timingSegments", () => {
  it("stacks script, assets and the assembly's steps in order; the total and the music wait are not steps", () => {
    const t = { script: 100, assets: 4000, assemble: 9000, "assemble.total": 8000, "assemble.qa": 1200, "assemble.segments": 5000, "assemble.plan": 400, "assemble.mux": 1000, "assemble.musicWait": 1300, "assemble.audioMix": 900 };
    const segs = timingSegments(t);
    expect(segs.map((s) => s.key)).toEqual(["script", "assets", "assemble.plan", "assemble.audioMix", "assemble.segments", "assemble.mux", "assemble.qa", "other"]);
    expect(segs.map((s) => s.label)).toContain("QA checks");
    // What the steps leave of the assembly's wall time is "other" (9000 - 8500).
    expect(segs.at(-1)!.ms).toBe(500);
  });
});
