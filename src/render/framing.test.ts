import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideFraming } from "./framing";
import { renderVideo } from "./index";
import { KenBurnsSchema, FramingSchema } from "./plan";
import { makeImage, readRgbFrame } from "./testing";

let dir: string;
let work: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-framing-"));
  work = join(dir, "work");
  await mkdir(work);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const zoomIn = KenBurnsSchema.parse({ type: "zoom-in" });
const auto = FramingSchema.parse({});

describe("decideFraming", () => {
  it("auto: landscape and low-resolution photos are shown whole, near-vertical sharp ones are cropped", () => {
    const frame = { width: 1080, height: 1920 };
    expect(decideFraming({ width: 720, height: 480 }, auto, zoomIn, frame).mode).toBe("contain");
    expect(decideFraming({ width: 1920, height: 1080 }, auto, zoomIn, frame).mode).toBe("contain");
    // 9:16 but small: a cover crop would upscale 1.5x * 1.12.
    expect(decideFraming({ width: 720, height: 1280 }, auto, zoomIn, frame).mode).toBe("contain");
    const sharp = decideFraming({ width: 1440, height: 2560 }, auto, zoomIn, frame);
    expect(sharp.mode).toBe("cover");
    expect(sharp.upscale).toBeLessThanOrEqual(1);
    // 3:4 and large: within 1.4x of 9:16 in aspect, so cropped.
    expect(decideFraming({ width: 3024, height: 4032 }, auto, zoomIn, frame).mode).toBe("cover");
    // Contain never upscales beyond 1.5x, even for a tiny photo.
    expect(decideFraming({ width: 200, height: 150 }, auto, zoomIn, frame).upscale).toBeLessThanOrEqual(1.5);
  });
});

describe("framing on real renders (frames read back)", () => {
  it("a 720x480 landscape photo appears whole, upscaled no more than 1.5x, over a backdrop", async () => {
    // Blue with a 24 px white frame: the sharp layer's white edges must all be on screen.
    const photo = await makeImage(join(dir, "land.png"), {
      width: 720,
      height: 480,
      source: "color=c=0x2040c0",
      extraFilter: "drawbox=x=0:y=0:w=720:h=480:color=white:t=24",
    });
    const out = join(dir, "land.mp4");
    const fps = 24;
    const r = await renderVideo(
      { output: { fps }, scenes: [{ durationSec: 1, visual: { kind: "image", path: photo, motion: { type: "zoom-in" } } }] },
      { workDir: work, outPath: out },
    );
    expect(r.framing).toEqual([{ sceneIndex: 0, sourceWidth: 720, sourceHeight: 480, mode: "contain", upscale: expect.any(Number) }]);
    expect(r.framing[0]!.upscale).toBeLessThanOrEqual(1.5);
    const size = { width: 1080, height: 1920 };
    for (const n of [0, fps - 1]) {
      const f = await readRgbFrame(out, n, size);
      // Along the middle row and the middle column, the first and last white pixels are the photo's edges.
      const white = (p: number[]) => Math.min(...p) > 225;
      const row = Math.round(1920 * 0.47);
      const xs = [...Array(size.width).keys()].filter((x) => white(f.at(x, row)));
      const col = 540;
      const ys = [...Array(size.height).keys()].filter((y) => white(f.at(col, y)));
      const left = xs[0]!;
      const right = xs.at(-1)!;
      const top = ys[0]!;
      const bottom = ys.at(-1)!;
      // Whole: both white side edges inside the frame, with backdrop (not white) beyond them.
      expect(left).toBeGreaterThan(4);
      expect(right).toBeLessThan(size.width - 5);
      expect(white(f.at(left - 3, row))).toBe(false);
      expect(white(f.at(right + 3, row))).toBe(false);
      // The edges are the photo's (blue inside them), at most 1.5x the source size.
      expect(f.at(left + 60, row)[2]).toBeGreaterThan(150);
      const width = right - left + 1;
      const height = bottom - top + 1;
      expect(width / 720).toBeLessThanOrEqual(1.5 + 0.01);
      expect(Math.abs(width / height - 1.5)).toBeLessThan(0.03);
      // The backdrop is the blurred photo (blue-ish and darker), not black.
      const [, , b] = f.meanRgb(10, 100, 40, 40);
      expect(b).toBeGreaterThan(60);
      if (n === fps - 1) expect(Math.abs(width / 720 - r.framing[0]!.upscale)).toBeLessThan(0.02);
    }
  });

  it("a focal point moves a cover crop toward it", async () => {
    // Left third red, middle green, right third blue.
    const photo = await makeImage(join(dir, "thirds.png"), {
      width: 1920,
      height: 1080,
      source: "color=c=black",
      extraFilter: "drawbox=x=0:y=0:w=640:h=1080:color=red:t=fill,drawbox=x=640:y=0:w=640:h=1080:color=green:t=fill,drawbox=x=1280:y=0:w=640:h=1080:color=blue:t=fill",
    });
    const centre = async (focusX: number | undefined, name: string) => {
      const out = join(dir, `${name}.mp4`);
      const r = await renderVideo(
        {
          output: { fps: 24, preset: "preview" },
          scenes: [{ durationSec: 0.5, visual: { kind: "image", path: photo, motion: { type: "none" }, framing: { mode: "cover", focusX } } }],
        },
        { workDir: work, outPath: out },
      );
      expect(r.framing[0]!.mode).toBe("cover");
      const f = await readRgbFrame(out, 0, { width: 540, height: 960 });
      return f.meanRgb(250, 460, 40, 40);
    };
    const [r1, g1, b1] = await centre(0.05, "left");
    expect(r1).toBeGreaterThan(180);
    expect(Math.max(g1, b1)).toBeLessThan(60);
    const [r2, g2, b2] = await centre(0.95, "right");
    expect(b2).toBeGreaterThan(180);
    expect(Math.max(r2, g2)).toBeLessThan(60);
    const [r3, g3, b3] = await centre(undefined, "middle");
    expect(g3).toBeGreaterThan(90);
    expect(Math.max(r3, b3)).toBeLessThan(60);
  });
});
