import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RenderInputError } from "./errors";
import { probe } from "./ffmpeg";
import { type RenderPlanInput, renderVideo } from "./index";
import { findFfmpeg } from "./ffmpeg";
import { brandBackdrops } from "./image-file";
import { DEFAULT_BRAND } from "./plan";
import { ff, makeCmykJpeg, makeImage, makeVideo, readRgbFrame } from "./testing";
import { execFileSync } from "node:child_process";

/** RGB of one output pixel of frame 0. */
function rgbAt(path: string, x: number, y: number): number[] {
  const out = execFileSync(findFfmpeg().ffmpeg, [
    "-v", "error", "-i", path, "-vf", `format=rgb24,crop=1:1:${x}:${y}`, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
  ]);
  return [...out];
}

let dir: string;
let work: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-bad-"));
  work = join(dir, "work");
  await mkdir(work);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const quick = (scenes: RenderPlanInput["scenes"]): RenderPlanInput => ({
  output: { fps: 24, preset: "preview" },
  scenes,
});
const still = (path: string, durationSec = 0.5) => ({ durationSec, visual: { kind: "image" as const, path } });

async function renderError(plan: RenderPlanInput): Promise<RenderInputError> {
  try {
    await renderVideo(plan, { workDir: work, outPath: join(dir, "bad.mp4") });
  } catch (e) {
    if (RenderInputError.isInstance(e)) return e;
    throw e;
  }
  throw new Error("render succeeded");
}

describe("bad inputs fail with an error naming the asset, or render correctly", () => {
  it("missing file", async () => {
    const e = await renderError(quick([still("/nonexistent/a.jpg")]));
    expect(e.planPath).toBe("scenes[0].visual");
    expect(e.message).toMatch(/does not exist/);
  });

  it("truncated JPEG", async () => {
    const good = await makeImage(join(dir, "good.jpg"), { width: 640, height: 480 });
    const bytes = await readFile(good);
    await writeFile(join(dir, "trunc.jpg"), bytes.subarray(0, Math.floor(bytes.length / 3)));
    const e = await renderError(quick([still(good), still(join(dir, "trunc.jpg"))]));
    expect(e.planPath).toBe("scenes[1].visual");
    expect(e.assetPath).toBe(join(dir, "trunc.jpg"));
    expect(e.message).toMatch(/corrupt or truncated/);
  });

  it("a text file named .png", async () => {
    await writeFile(join(dir, "fake.png"), "definitely not a picture");
    const e = await renderError(quick([still(join(dir, "fake.png"))]));
    expect(e.message).toMatch(/fake\.png/);
  });

  it("1x1 image", async () => {
    await ff(["-f", "lavfi", "-i", "color=c=red:s=2x2", "-vf", "scale=1:1", "-frames:v", "1", join(dir, "dot.png")]);
    const e = await renderError(quick([still(join(dir, "dot.png"))]));
    expect(e.message).toMatch(/1x1/);
  });

  it("a missing voiceover file is named; an empty voice list renders silence", async () => {
    const img = await makeImage(join(dir, "ok.jpg"), { width: 320, height: 320 });
    const e = await renderError({ ...quick([still(img)]), audio: { voice: [{ path: join(dir, "nope.wav"), startSec: 0 }] } });
    expect(e.planPath).toBe("audio.voice[0]");
    const out = join(dir, "silent.mp4");
    await renderVideo(quick([still(img)]), { workDir: work, outPath: out });
    const p = await probe(out);
    expect(p.streams.map((s) => s.codec_type)).toEqual(["video", "audio"]);
  });

  it("PNG with alpha, animated GIF, odd aspect: render (first frame, flattened, covered)", async () => {
    const alpha = await makeImage(join(dir, "alpha.png"), {
      width: 300,
      height: 900,
      source: "testsrc2",
      extraFilter: "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(X,150),0,255)'",
    });
    await ff(["-f", "lavfi", "-i", "testsrc2=size=200x100:rate=10:duration=1", join(dir, "anim.gif")]);
    const out = join(dir, "alpha.mp4");
    await renderVideo(quick([still(alpha), still(join(dir, "anim.gif"))]), { workDir: work, outPath: out });
    const p = await probe(out);
    const v = p.streams.find((s) => s.codec_type === "video")!;
    expect([v.width, v.height, Number(v.nb_frames)]).toEqual([540, 960, 24]);
    // The transparent left half is flattened onto one of the brand's backdrops (the default brand here), the one
    // that contrasts with the picture (image-file.ts), never onto black. The 1:3 photo is shown whole ("contain",
    // about 244x732 px at frame 0, centred at x = 270): its left half spans about x = 150..270.
    const f = await readRgbFrame(out, 0, { width: 540, height: 960 });
    const seen = f.meanRgb(170, 350, 80, 260);
    const dist = (c: number[]) => Math.hypot(...c.map((v, k) => v - seen[k]!));
    const nearest = Math.min(...brandBackdrops(DEFAULT_BRAND.colors.primary, DEFAULT_BRAND.colors.secondary).map((c) => dist([1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)))));
    expect(nearest).toBeLessThan(12);
    expect(dist([0, 0, 0])).toBeGreaterThan(30);
  });

  it("CMYK JPEG renders with its real colours", async () => {
    const cmyk = await makeCmykJpeg(join(dir, "cmyk.jpg"), 256, 256, (x, y) =>
      x < 128 ? (y < 128 ? [255, 0, 0, 0] : [0, 255, 0, 0]) : y < 128 ? [0, 0, 255, 0] : [0, 0, 0, 0],
    );
    const out = join(dir, "cmyk.mp4");
    await renderVideo(
      { output: { fps: 24, preset: "preview" }, scenes: [{ durationSec: 0.5, visual: { kind: "image", path: cmyk, motion: { type: "none" }, framing: { mode: "cover" } } }] },
      { workDir: work, outPath: out },
    );
    // Converted through a CMYK ICC profile (sharp/lcms, as print software shows it): full cyan ink is about
    // rgb(0, 160, 225), not the naive (0, 255, 255).
    const [r, g, b] = rgbAt(out, 100, 200); // cyan quadrant
    expect(r).toBeLessThan(60);
    expect(g).toBeGreaterThan(130);
    expect(b).toBeGreaterThan(190);
    expect(Math.min(...rgbAt(out, 440, 800))).toBeGreaterThan(220); // no ink: white
  });

  it("a 12000x12000 image renders (scaled once to cover)", async () => {
    const big = join(dir, "big.jpg");
    await ff(["-f", "lavfi", "-i", "color=c=0x40a0ff:s=12000x12000", "-frames:v", "1", "-q:v", "5", big]);
    const out = join(dir, "big.mp4");
    await renderVideo(quick([still(big)]), { workDir: work, outPath: out });
    const v = (await probe(out)).streams.find((s) => s.codec_type === "video")!;
    expect([v.width, v.height]).toEqual([540, 960]);
  });

  it("a clip shorter than its scene loops; a long one is trimmed", async () => {
    const clip = await makeVideo(join(dir, "short.mp4"), { width: 320, height: 240, seconds: 0.4 });
    const out = join(dir, "loop.mp4");
    await renderVideo(quick([{ durationSec: 1.5, visual: { kind: "video", path: clip } }]), { workDir: work, outPath: out });
    const v = (await probe(out)).streams.find((s) => s.codec_type === "video")!;
    expect(Number(v.nb_frames)).toBe(36);
  });

  it("a scene of 0 s is rejected before anything runs", async () => {
    await expect(renderVideo(quick([still("/x.jpg", 0)]), { workDir: work, outPath: join(dir, "z.mp4") })).rejects.toThrow(/more than 0 s/);
  });

  it("abort kills ffmpeg and removes temp files", async () => {
    const img = await makeImage(join(dir, "abort.jpg"), { width: 640, height: 480 });
    const ac = new AbortController();
    const out = join(dir, "aborted.mp4");
    const p = renderVideo({ output: { fps: 30 }, scenes: [still(img, 20)] }, { workDir: work, outPath: out, signal: ac.signal });
    setTimeout(() => ac.abort(new Error("user cancelled")), 1500);
    await expect(p).rejects.toThrow("user cancelled");
    expect(await readdir(work)).toEqual([]);
    expect((await readdir(dir)).filter((f) => f.includes("aborted"))).toEqual([]);
  });

  it("keeps outputs untouched when the render fails", async () => {
    const out = join(dir, "keep.mp4");
    await copyFile(join(dir, "good.jpg"), out);
    await expect(renderVideo(quick([still("/nope.jpg")]), { workDir: work, outPath: out })).rejects.toThrow();
    expect((await readFile(out)).length).toBeGreaterThan(0);
  });
});

describe("bad audio", () => {
  it("a voice file that is not audio is named", async () => {
    const img = await makeImage(join(dir, "a.jpg"), { width: 320, height: 320 });
    await writeFile(join(dir, "voice.wav"), "RIFF-but-not-really");
    const e = await renderError({ ...quick([still(img)]), audio: { voice: [{ path: join(dir, "voice.wav"), startSec: 0 }] } });
    expect(e.planPath).toBe("audio.voice[0]");
    expect(e.assetPath).toBe(join(dir, "voice.wav"));
  });
});
