import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encoderSettings } from "./encoders";
import { probe } from "./ffmpeg";
import { buildFfmpegArgs, escapeFilterValue } from "./graph";
import { renderVideo } from "./index";
import { parseRenderPlan } from "./plan";
import { makeImage } from "./testing";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-graph-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("assembly arguments", () => {
  it("escapes filter option values at both levels", () => {
    expect(escapeFilterValue("/a/b.ass")).toBe("/a/b.ass");
    // Level 1 turns `:` into `\:` and `\` into `\\`; level 2 then doubles every backslash.
    expect(escapeFilterValue("C:\\x")).toBe(String.raw`C\\:\\\\x`);
    expect(escapeFilterValue("it's")).toBe(String.raw`it\\\'s`);
    expect(escapeFilterValue("a[b],c;d")).toBe("a\\[b\\]\\,c\\;d");
  });

  it("is an argument array in which caption text never appears", () => {
    const plan = parseRenderPlan({
      scenes: [
        { durationSec: 1, visual: { kind: "color", color: "#112233" }, transition: { kind: "crossfade", durationSec: 0.4 } },
        { durationSec: 1, visual: { kind: "color", color: "#445566" }, transition: { kind: "flash", durationSec: 0.2 } },
        { durationSec: 1, visual: { kind: "color", color: "#778899" } },
      ],
      captions: { cues: [{ start: 0, end: 1, text: "'; rm -rf / #[x],subtitles=evil" }] },
    });
    const args = buildFfmpegArgs(plan, {
      scenes: plan.scenes.map((s) => ({ kind: "color", color: s.visual.kind === "color" ? s.visual.color : "#000000" })),
      audio: null,
      assPath: "/tmp/x/captions.ass",
      encoder: encoderSettings("libx264", "final"),
      outPath: "/tmp/x/out.mp4",
    });
    expect(Array.isArray(args)).toBe(true);
    expect(args.join(" ")).not.toContain("rm -rf");
    const graph = args[args.indexOf("-filter_complex") + 1]!;
    // 0.4 s at 24 fps -> 10 overlapping frames, centred: scene 0 runs 24 + 5 frames, its last 10 are blended.
    expect(graph).toContain("[t0x]trim=start_frame=19,setpts=PTS-STARTPTS[t0]");
    expect(graph).toContain("[t0][h1]xfade=transition=fade:duration=0.416667:offset=0[x1]");
    expect(graph).toContain("[b0][x1][b1][x2][b2]concat=n=5");
    expect(graph).toContain("xfade=transition=fadewhite");
    expect(graph).toContain("subtitles=filename=/tmp/x/captions.ass");
    expect(args.slice(-3)).toEqual(["-f", "mp4", "/tmp/x/out.mp4"]);
  });

  it("renders from a work dir whose path has filtergraph metacharacters", async () => {
    const weird = join(dir, "it's: [a], b;c");
    await mkdir(weird, { recursive: true });
    const img = await makeImage(join(weird, "p.png"), { width: 300, height: 300 });
    const out = join(weird, "out.mp4");
    await renderVideo(
      {
        output: { fps: 24, preset: "preview" },
        scenes: [{ durationSec: 0.5, visual: { kind: "image", path: img, motion: { type: "pan-right" } } }],
        captions: { cues: [{ start: 0, end: 0.5, text: "ok" }] },
      },
      { workDir: weird, outPath: out },
    );
    expect((await probe(out)).streams.length).toBe(2);
  });
});
