import { describe, expect, it } from "vitest";
import { LOCAL_BASE_SEC, libassMs, localizeAss, planSegments } from "./segments";
import { buildTimeline } from "./timeline";
import { parseRenderPlan } from "./plan";

const colour = (durationSec: number, transition?: { kind: "cut" | "flash" | "crossfade" | "slide"; durationSec: number }) => ({
  durationSec,
  visual: { kind: "color" as const, color: "#336699" },
  ...(transition ? { transition } : {}),
});

describe("planSegments", () => {
  it("tiles the timeline: bodies and transitions in order, no gap, no overlap, every frame once", () => {
    for (const fps of [24, 30] as const) {
      const plan = parseRenderPlan({
        output: { fps },
        scenes: [colour(1.3, { kind: "flash", durationSec: 0.3 }), colour(2.1, { kind: "cut", durationSec: 0 }), colour(0.9, { kind: "crossfade", durationSec: 0.5 }), colour(1.7)],
      });
      const t = buildTimeline(plan);
      const segs = planSegments(t);
      expect(segs.map((s) => s.kind)).toEqual(["body", "transition", "body", "body", "transition", "body"]);
      let at = 0;
      for (const s of segs) {
        expect(s.startFrame).toBe(at);
        expect(s.frames).toBeGreaterThan(0);
        at += s.frames;
      }
      expect(at).toBe(t.totalFrames);
      // A transition takes A's last k clip frames and B's first k; B's body starts after them.
      const tr = segs[1]!;
      if (tr.kind !== "transition") throw new Error("expected a transition");
      expect(tr.aFirst + tr.frames).toBe(t.scenes[0]!.clipFrames);
      const b = segs[2]!;
      if (b.kind !== "body") throw new Error("expected a body");
      expect(b.range.from).toBe(tr.frames);
    }
  });
});

describe("localizeAss", () => {
  const header = ["[Script Info]", "PlayResX: 1080", "", "[Events]", "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text"];
  const ass = [...header, "Dialogue: 0,0:00:00.95,0:00:01.37,Caption,,0,0,0,,one", "Dialogue: 0,0:00:01.37,0:00:02.00,Caption,,0,0,0,,two", "Dialogue: 0,0:00:05.00,0:00:06.00,Caption,,0,0,0,,later", ""].join("\n");
  const visible = (script: string, frameMs: number) =>
    script
      .split("\n")
      .filter((l) => l.startsWith("Dialogue:"))
      .filter((l) => {
        const [, s, e] = l.split(",");
        const cs = (x: string) => {
          const [h, m, sc] = x.split(":");
          return Math.round((Number(h) * 3600 + Number(m) * 60 + Number(sc)) * 100);
        };
        return cs(s!) * 10 <= frameMs && frameMs < cs(e!) * 10;
      })
      .map((l) => l.split(",").at(-1));

  it.each([24, 30])("at %i fps an event shows on exactly the frames it shows on in a one-pass render", (fps) => {
    let shown = 0;
    for (const startFrame of [0, 1, 7, 13, 20, 22, 25, 31, 32, 33, 40]) {
      const seg = { startFrame, frames: 17 };
      const local = localizeAss(ass, seg, fps) ?? "";
      expect(local).not.toContain("later");
      for (let n = 0; n < seg.frames; n++) {
        const onePass = visible(ass, libassMs(startFrame + n, fps));
        const segmented = visible(local, libassMs(LOCAL_BASE_SEC * fps + n, fps));
        expect(segmented, `fps ${fps} segment at ${startFrame}, frame ${n}`).toEqual(onePass);
        shown += onePass.length;
      }
    }
    // The segments above do meet the events (the comparison is not vacuous).
    expect(shown).toBeGreaterThan(40);
  });

  it("is the same text wherever the segment sits when its events keep their place relative to it (a shifted scene reuses it)", () => {
    const at = (shiftFrames: number) => {
      const shift = (cs: number) => {
        const c = cs + (shiftFrames * 100) / 30;
        const h = Math.floor(c / 360000);
        return `${h}:${String(Math.floor((c % 360000) / 6000)).padStart(2, "0")}:${String(Math.floor((c % 6000) / 100)).padStart(2, "0")}.${String(Math.round(c % 100)).padStart(2, "0")}`;
      };
      const script = [...header, `Dialogue: 0,${shift(100)},${shift(150)},Caption,,0,0,0,,x`, ""].join("\n");
      return localizeAss(script, { startFrame: 30 + shiftFrames, frames: 30 }, 30);
    };
    expect(at(0)).not.toBeNull();
    expect(at(15)).toBe(at(0));
    expect(at(300)).toBe(at(0));
  });

  it("keeps only the styles its events use, so a style another segment needs does not change its text (or key)", () => {
    const styled = (extra: string[]) =>
      ["[Script Info]", "", "[V4+ Styles]", "Format: Name, Fontname, Fontsize", "Style: Caption,DejaVu Sans,80", "Style: Headline60,DejaVu Sans,60", ...extra,
        "", "[Events]", "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
        "Dialogue: 0,0:00:00.00,0:00:01.00,Headline60,,0,0,0,,hook", "Dialogue: 0,0:00:02.00,0:00:03.00,Caption,,0,0,0,,later", ""].join("\n");
    const seg = { startFrame: 60, frames: 30 };
    const local = localizeAss(styled([]), seg, 30)!;
    expect(local).toContain("Style: Caption,");
    expect(local).not.toContain("Style: Headline60");
    expect(localizeAss(styled(["Style: Headline38,DejaVu Sans,38"]), seg, 30)).toBe(local);
    expect(localizeAss(styled([]), { startFrame: 0, frames: 30 }, 30)).toContain("Style: Headline60,");
  });

  it("null when nothing is visible in the segment", () => {
    expect(localizeAss(ass, { startFrame: 70, frames: 10 }, 30)).toBeNull();
  });
});
