import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RenderPlanInput, renderVideo } from "../index";
import { ff, makeImage, makeMusic, makeVoice } from "../testing";
import { type QaCheckId, type QaReport, QA_CHECK_IDS, startRenderChecks } from ".";
import { measureOutput } from "./measure-output";
import { loudnessCheck, safeZoneCheck, truePeakCheck } from "./report";
import { measureDrawnText } from "./measure-text";
import { safeRect } from "../safe-zone";

/**
 * Two real renders (preview size, real ffmpeg and libass) checked end to end: a clean one on which every check
 * passes, and one with a defect for every check (a black scene, a still scene, a silent voiceover, a small photo, a
 * character no font has, a length far from the target). Loudness and true peak, which mastering always fixes in a
 * render, fail on files made by ffmpeg; text outside the safe zone, which the caption layout now prevents, fails on
 * an .ass written as captions were before it (an unbroken line at the bottom margin), drawn by the same libass.
 */
let dir: string;
let work: string;
let clean: QaReport;
let broken: QaReport;

const verdict = (r: QaReport, id: QaCheckId) => r.checks.find((c) => c.id === id)!;

async function renderAndCheck(name: string, plan: RenderPlanInput, narration: string[], targetSec: number): Promise<QaReport> {
  const out = join(dir, `${name}.mp4`);
  const qa = startRenderChecks(plan, { targetSec, narration }, { workDir: work });
  await renderVideo(plan, { workDir: work, outPath: out });
  return qa.finish(out);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-qa-"));
  work = join(dir, "work");
  await mkdir(work);
  const photo = await makeImage(join(dir, "photo.jpg"), { width: 720, height: 1280, source: "testsrc2" });
  const small = await makeImage(join(dir, "small.jpg"), { width: 180, height: 320, source: "mandelbrot" });
  const lines = ["Fresh coffee every morning.", "Order yours today."];
  const v1 = await makeVoice(dir, "v1", lines[0]!);
  const v2 = await makeVoice(dir, "v2", lines[1]!);
  const silent = join(dir, "silent.wav");
  await ff(["-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "3", silent]);
  const music = await makeMusic(join(dir, "music.wav"), 6);

  // Clean: two photos large enough, speech in both scenes, short captions, the target met.
  const cleanPlan: RenderPlanInput = {
    output: { fps: 24, preset: "preview" },
    scenes: [
      { durationSec: 2.6, visual: { kind: "image", path: photo, motion: { type: "zoom-in" } }, transition: { kind: "crossfade", durationSec: 0.4 } },
      { durationSec: 2.4, visual: { kind: "image", path: photo, motion: { type: "pan-left" } } },
    ],
    captions: {
      cues: [
        { start: 0.1, end: 1.2, text: "Fresh coffee" },
        { start: 1.2, end: 2.4, text: "every morning." },
        { start: 2.7, end: 4.6, text: "Order yours today." },
      ],
    },
    audio: { voice: [{ path: v1, startSec: 0.1 }, { path: v2, startSec: 2.7 }], music: { path: music, gainDb: -20 } },
  };
  // Broken: a black second, 3.5 s without motion over a silent voiceover, an over-long caption line with a character
  // no font covers (U+10FFFD, private use), a photo cover-cropped by choice and so enlarged ~3.4x, and 8.5 s for a 20 s target.
  const brokenPlan: RenderPlanInput = {
    output: { fps: 24, preset: "preview" },
    scenes: [
      { durationSec: 1, visual: { kind: "color", color: "#000000" } },
      { durationSec: 3.5, visual: { kind: "color", color: "#3a6ea5" } },
      { durationSec: 4, visual: { kind: "image", path: small, motion: { type: "zoom-in" }, framing: { mode: "cover" } } },
    ],
    captions: {
      style: { sizePx: 96 },
      cues: [
        { start: 4.6, end: 6.4, text: "Donaudampfschifffahrtsgesellschaftskapitän" },
        { start: 6.4, end: 8.3, text: "Order yours \u{10FFFD}" },
      ],
    },
    audio: { voice: [{ path: silent, startSec: 1 }, { path: v2, startSec: 4.6 }] },
  };
  clean = await renderAndCheck("clean", cleanPlan, lines, 5);
  broken = await renderAndCheck("broken", brokenPlan, ["", "Our lab on one board, ready to code.", lines[1]!], 20);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("render checks on real renders", () => {
  it("report every check, warnings = failed checks, and time the part after the encode", () => {
    for (const r of [clean, broken]) {
      expect(r.checks.map((c) => c.id)).toEqual([...QA_CHECK_IDS]);
      expect(r.warnings).toBe(r.checks.filter((c) => c.verdict === "failed").length);
      expect(r.timingsMs.afterEncode).toBeGreaterThan(0);
      expect(r.timingsMs.total).toBeGreaterThanOrEqual(r.timingsMs.afterEncode);
    }
    expect(clean.warnings, JSON.stringify(clean.checks, null, 1)).toBe(0);
  });

  const defects: [QaCheckId, RegExp][] = [
    ["duration", /8\.5 s for a 20\.0 s target \(11\.5 s short\)/],
    ["black-frames", /1 black stretch/],
    ["frozen-frames", /1 frozen stretch/],
    ["narration-silence", /silence where narration should play/],
    ["voice", /1 of 2 scenes without audible speech/],
    ["upscale", /enlarged beyond 1\.5x/],
    ["glyphs", /U\+10FFFD/],
  ];
  it.each(defects)("%s: passes on the clean render, fails on the broken one", (id, summary) => {
    expect(verdict(clean, id).verdict, verdict(clean, id).summary).toBe("passed");
    const c = verdict(broken, id);
    expect(c.verdict, c.summary).toBe("failed");
    expect(c.summary).toMatch(summary);
  });

  it("name the offending scene, cue or character", () => {
    expect(verdict(broken, "black-frames").details[0]).toMatch(/^black at 0\.0-1\.0 s$/);
    expect(verdict(broken, "frozen-frames").details[0]).toMatch(/^no motion at 1\.0-4\.5 s$/);
    expect(verdict(broken, "voice").details).toEqual([expect.stringMatching(/^scene 2: 0\.0 s of speech/)]);
    expect(verdict(broken, "narration-silence").details[0]).toMatch(/^scene 2: silent/);
    expect(verdict(broken, "upscale").details).toEqual([expect.stringMatching(/^scene 3: 180x320 photo enlarged 3\.3\dx$/)]);
    expect(verdict(broken, "glyphs").details[0]).toMatch(/caption at 6\.4 s/);
  });

  it("safe-zone: passes on both renders (the captions are fitted to the zone), fails on libass's drawing of an unfitted line", async () => {
    expect(verdict(clean, "safe-zone").verdict, verdict(clean, "safe-zone").summary).toBe("passed");
    // The broken render's 42-letter compound was shrunk to fit by the caption layout, and measured inside.
    expect(verdict(broken, "safe-zone").verdict, verdict(broken, "safe-zone").summary).toBe("passed");
    // The same line as captions were written before that layout: one unbroken line at the bottom margin.
    const size = { width: 540, height: 960 };
    const ass = join(dir, "unfitted.ass");
    await writeFile(
      ass,
      [
        "[Script Info]", "ScriptType: v4.00+", "PlayResX: 540", "PlayResY: 960", "WrapStyle: 2", "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
        "Style: Caption,DejaVu Sans,36,&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,2.5,0,2,40,40,80,1", "",
        "[Events]", "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
        "Dialogue: 0,0:00:01.00,0:00:03.00,Caption,,0,0,0,,Donaudampfschifffahrtsgesellschaftskapitän",
        "Dialogue: 0,0:00:03.00,0:00:04.00,Caption,,0,0,0,,Order now",
        "",
      ].join("\n"),
    );
    const drawn = await measureDrawnText(ass, size, { cwd: work });
    const c = safeZoneCheck(drawn, safeRect(size.width, size.height));
    expect(c.verdict).toBe("failed");
    expect(c.summary).toBe("2 of 2 text events leave the safe zone");
    expect(c.details[0]).toMatch(/^“Donaudampf.*” at 2\.0 s: \d+ px past the left, \d+ px past the right, \d+ px below$/);
    expect(c.details[1]).toMatch(/^“Order now” at 3\.5 s: \d+ px below$/);
    // A box measured, not guessed: the short line is centred, and narrower than the compound.
    const [long, short] = drawn.map((d) => d.box!);
    expect(Math.abs(short!.x + short!.w / 2 - 270)).toBeLessThanOrEqual(3);
    expect(long!.w).toBeGreaterThan(size.width - 10);
  });

  it("loudness and true peak pass on a mastered render", () => {
    expect(verdict(clean, "loudness").verdict).toBe("passed");
    expect(verdict(clean, "true-peak").verdict).toBe("passed");
    expect(Math.abs(Number(verdict(clean, "loudness").measured.integrated_lufs) + 14)).toBeLessThanOrEqual(1);
  });

  it("loudness fails on a quiet soundtrack and true peak on a clipped one (measured in the same decode pass)", async () => {
    const make = async (name: string, audio: string) => {
      const path = join(dir, `${name}.mp4`);
      await ff(["-f", "lavfi", "-i", "testsrc2=s=180x320:r=24:d=3", "-f", "lavfi", "-i", audio, "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "160k", path]);
      return measureOutput(path, work);
    };
    const quiet = await make("quiet", "sine=f=440:r=48000,volume=-40dB");
    expect(loudnessCheck(quiet.audio!.integratedLufs, -14).verdict).toBe("failed");
    expect(loudnessCheck(quiet.audio!.integratedLufs, -14).summary).toMatch(/too quiet/);
    // A full-scale square wave: its true peak (between samples) is well over 0 dBTP.
    const hot = await make("hot", "aevalsrc=if(lt(mod(t*220\\,1)\\,0.5)\\,1\\,-1):s=48000");
    expect(truePeakCheck(hot.audio!.truePeakDb, -1).verdict).toBe("failed");
    expect(hot.audio!.truePeakDb).toBeGreaterThan(-0.5);
  });
});
