import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "./ffmpeg";
import { type RenderPlanInput, renderVideo } from "./index";
import { parseRate } from "./ffmpeg";
import { makeImage, makeMusic, makeVoice, mean, measureLoudness, readGrayFrames } from "./testing";
import { textBands } from "./safe-zone";

let dir: string;
let work: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-render-"));
  work = join(dir, "work");
  const { mkdir } = await import("node:fs/promises");
  await mkdir(work);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("renderVideo (real ffmpeg)", () => {
  it("renders stills, a colour card, a flash, captions, voice and ducked music to a 1080x1920 H.264/AAC MP4", async () => {
    const img = await makeImage(join(dir, "wide.jpg"), { width: 1280, height: 720, source: "testsrc2" });
    const voice = await makeVoice(dir, "v1", "Fresh coffee, every morning.");
    const music = await makeMusic(join(dir, "music.wav"), 2);
    const plan: RenderPlanInput = {
      output: { fps: 24 },
      scenes: [
        { durationSec: 1.5, visual: { kind: "image", path: img, motion: { type: "zoom-in" } }, transition: { kind: "flash", durationSec: 0.5 } },
        { durationSec: 1.5, visual: { kind: "color", color: "#204080" } },
      ],
      captions: {
        style: { highlightColor: "#ffd21f", primaryColor: "#ffffff" },
        cues: [{ start: 2.0, end: 2.9, text: "Shop now", words: [{ text: "Shop", start: 2.0, end: 2.4 }, { text: "now", start: 2.4, end: 2.9 }] }],
      },
      audio: { voice: [{ path: voice, startSec: 0.1 }], music: { path: music, gainDb: -12 } },
    };
    const out = join(dir, "out.mp4");
    const progress: number[] = [];
    const r = await renderVideo(plan, { workDir: work, outPath: out, onProgress: (f) => progress.push(f) });
    expect(r.encoder).toBe("libx264");
    expect(progress.at(-1)).toBe(1);

    const p = await probe(out);
    const v = p.streams.find((s) => s.codec_type === "video")!;
    const a = p.streams.find((s) => s.codec_type === "audio")!;
    expect([v.codec_name, v.width, v.height, v.pix_fmt]).toEqual(["h264", 1080, 1920, "yuv420p"]);
    expect(parseRate(v.r_frame_rate)).toBe(24);
    expect(Number(v.nb_frames)).toBe(72);
    expect(a.codec_name).toBe("aac");
    expect(Math.abs(p.durationSec! - 3)).toBeLessThan(0.05);

    const loud = await measureLoudness(out);
    expect(Math.abs(loud.lufs - -14)).toBeLessThanOrEqual(1);
    expect(loud.truePeak).toBeLessThanOrEqual(-0.5);

    // Flash: the boundary is at frame 36; the brightest frame around it is near white.
    const around = await readGrayFrames(out, { from: 28, count: 16, width: 1080, height: 1920, scale: { w: 108, h: 192 } });
    const peak = Math.max(...around.map(mean));
    expect(peak).toBeGreaterThan(225);

    // Caption: at 2.2 s the highlighted word sits in the caption band; before the cue the band is the flat card.
    const band = textBands(1080, 1920, "bottom").captions;
    const [before] = await readGrayFrames(out, { from: 45, count: 1, width: 1080, height: 1920, crop: band });
    const [during] = await readGrayFrames(out, { from: 53, count: 1, width: 1080, height: 1920, crop: band });
    const bright = (f: Uint8Array) => f.filter((x) => x > 150).length;
    expect(bright(before!)).toBe(0);
    expect(bright(during!)).toBeGreaterThan(2000);

    // Nothing left behind in the work dir.
    expect(await readdir(work)).toEqual([]);
  });

  it("composes a flash between two stills outside ffmpeg: white at the boundary, pictures either side", async () => {
    const a = await makeImage(join(dir, "a.jpg"), { width: 900, height: 1600, source: "testsrc2" });
    const b = await makeImage(join(dir, "b.png"), { width: 1600, height: 900, source: "mandelbrot" });
    const out = join(dir, "flash.mp4");
    await renderVideo(
      {
        output: { fps: 24, preset: "preview" },
        scenes: [
          { durationSec: 1, visual: { kind: "image", path: a, motion: { type: "zoom-in" } }, transition: { kind: "flash", durationSec: 0.5 } },
          { durationSec: 1, visual: { kind: "image", path: b, motion: { type: "pan-left" } } },
        ],
      },
      { workDir: work, outPath: out },
    );
    const v = (await probe(out)).streams.find((s) => s.codec_type === "video")!;
    expect(Number(v.nb_frames)).toBe(48);
    const { width, height } = v as { width: number; height: number };
    const frames = await readGrayFrames(out, { from: 0, count: 48, width, height, scale: { w: 54, h: 96 } });
    const levels = frames.map(mean);
    // 12 frames centred on frame 24: the middle ones are white, the scenes themselves are not.
    expect(Math.max(levels[23]!, levels[24]!)).toBeGreaterThan(225);
    expect(levels[10]!).toBeLessThan(200);
    expect(levels[40]!).toBeLessThan(200);
    expect(levels[20]!).toBeGreaterThan(levels[14]!);
  });
});
