/**
 * Images of every kind (issue 10, item 5), made by ffmpeg in the test (sharp only for AVIF, which ffmpeg 5.1 cannot
 * write): refused with a named reason at the door, or rendered right, read back from real renders' frames.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "./ffmpeg";
import { contrastRatio, decodeImage, ImageFileError, pickBackdrop, prepareStill, relativeLuminance, sniffFormat, UPLOAD_LIMITS } from "./image-file";
import { MAX_IMAGE_PIXELS, checkImage } from "./validate";
import { renderVideo } from "./index";
import { ff, readRgbFrame } from "./testing";

let dir: string;
let work: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-imgfile-"));
  work = join(dir, "work");
  await mkdir(work);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Inside the 200x200 square in the middle of a 400x400 frame. */
const inSquare = "between(X,100,299)*between(Y,100,299)";
/** Opaque #141414 inside the square, fully transparent outside (drawbox would leave alpha untouched). */
const square = `geq=r='20*${inSquare}':g='20*${inSquare}':b='20*${inSquare}':a='255*${inSquare}'`;
/** Palette + one transparent entry (PNG tRNS, GIF transparent index). */
const palette = "split[a][b];[a]palettegen=reserve_transparent=1[p];[b][p]paletteuse=alpha_threshold=128";

/** A 400x400 image: transparent, with a dark (#141414) 200x200 square in the middle, through `extraFilter`. */
async function darkLogo(name: string, outArgs: string[], extraFilter = "null"): Promise<string> {
  const path = join(dir, name);
  await ff([
    "-f", "lavfi", "-i", "color=c=black:s=400x400:r=1:d=1",
    "-vf", `format=rgba,${square},${extraFilter}`,
    "-frames:v", "1", "-update", "1", ...outArgs, path,
  ]);
  return path;
}

/** An animation whose first frame is red and whose other frames are blue (320x320, 6 frames). */
async function redThenBlue(name: string, outArgs: string[]): Promise<string> {
  const path = join(dir, name);
  await ff([
    "-f", "lavfi", "-i", "color=c=red:s=320x320:r=6:d=0.17",
    "-f", "lavfi", "-i", "color=c=blue:s=320x320:r=6:d=0.84",
    "-filter_complex", "[0][1]concat=n=2:v=1[v]", "-map", "[v]", ...outArgs, path,
  ]);
  return path;
}

/** Inserts an EXIF APP1 segment with `orientation` (1..8) after a JPEG's SOI marker. */
function withExifOrientation(jpeg: Buffer, orientation: number): Buffer {
  const tiff = Buffer.from([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 255]), body]);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

const refusal = async (bytes: Buffer) => {
  try {
    await decodeImage(bytes, UPLOAD_LIMITS);
  } catch (e) {
    if (e instanceof ImageFileError) return e.message;
    throw e;
  }
  throw new Error("accepted");
};

describe("at the door: one decode, refusals name the reason", () => {
  it("AVIF (which ffmpeg here cannot decode) and HEIC are refused naming the format", async () => {
    const avif = join(dir, "photo.avif");
    await sharp({ create: { width: 64, height: 64, channels: 3, background: "#3366cc" } }).avif().toFile(avif);
    // The premise: ffmpeg 5.1 cannot read an AVIF still.
    const p = await probe(avif).catch(() => null);
    expect(p?.streams.find((s) => s.codec_type === "video")?.width ?? 0).toBe(0);
    expect(await refusal(await readFile(avif))).toMatch(/^AVIF images are not supported here: export it as JPEG or PNG/);
    // An iPhone photo's header: ftyp box, major brand heic.
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypheic\0\0\0\0mif1heic", "latin1"), Buffer.alloc(200)]);
    expect(await refusal(heic)).toMatch(/^HEIC\/HEIF images are not supported/);
    expect(sniffFormat(Buffer.from("II*\0xxxxxxxx", "latin1"))).toEqual({ refused: "TIFF" });
  });

  it("a PNG, GIF, WebP or JPEG cut short after its header is refused", async () => {
    const src = ["-f", "lavfi", "-i", "testsrc2=s=320x240", "-frames:v", "1", "-update", "1"];
    for (const [name, extra] of [["t.png", []], ["t.gif", []], ["t.webp", ["-c:v", "libwebp"]], ["t.jpg", ["-q:v", "3"]]] as const) {
      await ff([...src, ...extra, join(dir, name)]);
      const whole = await readFile(join(dir, name));
      await expect(decodeImage(whole)).resolves.toMatchObject({ width: 320, height: 240 });
      // Past the header (every decoder here reads the size from a cut file) but short of the end.
      const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
      expect(await refusal(cut), name).toMatch(/truncated/);
    }
  });

  it("over 40 megapixels is refused from the header, without decoding", async () => {
    const big = join(dir, "big.png");
    await ff(["-f", "lavfi", "-i", "color=c=gray:s=8000x5008", "-frames:v", "1", "-update", "1", big]);
    const t0 = performance.now();
    expect(await refusal(await readFile(big))).toBe("8000x5008 is too large (40.1 megapixels; at most 40)");
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("animated GIF, WebP and APNG, 16-bit, palette, grey+alpha, CMYK and EXIF-rotated images are accepted", async () => {
    const gif = await redThenBlue("a.gif", []);
    const webp = await redThenBlue("a.webp", ["-c:v", "libwebp_anim", "-loop", "0"]);
    const apng = await redThenBlue("a.png", ["-f", "apng", "-plays", "0"]);
    for (const f of [gif, webp, apng]) {
      const d = await decodeImage(await readFile(f));
      expect([d.width, d.height], f).toEqual([320, 320]);
    }
    expect((await decodeImage(await readFile(webp))).frames).toBeGreaterThan(1);
    const p16 = await decodeImage(await readFile(await darkLogo("l16.png", ["-pix_fmt", "rgba64be"])));
    expect(p16).toMatchObject({ bitDepth: 16, hasAlpha: true });
    const jpg = join(dir, "wide.jpg");
    await ff(["-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", "-update", "1", jpg]);
    const rotated = await decodeImage(withExifOrientation(await readFile(jpg), 6));
    expect(rotated).toMatchObject({ width: 360, height: 640, orientation: 6 });
  });
});

describe("pickBackdrop", () => {
  const px = (rgba: number[], n: number) => Uint8Array.from(Array.from({ length: n }, () => rgba).flat());
  it("a prepared still says, without decoding, whether ffmpeg decodes it with alpha (what checkImage finds)", async () => {
    // The streamed Ken Burns path takes `decodesWithAlpha` instead of probing every photo with ffmpeg.
    const made = async (name: string, filter: string, out: string[] = []) => {
      const path = join(dir, `alpha-${name}`);
      await ff(["-f", "lavfi", "-i", "testsrc2=s=320x320:r=1:d=1", "-vf", filter, "-frames:v", "1", "-update", "1", ...out, path]);
      return path;
    };
    const palFfmpeg = await made("pal-ffmpeg.png", "format=rgb24,split[a][b];[a]palettegen[p];[b][p]paletteuse");
    // A palette PNG without a tRNS chunk (ffmpeg's own palette PNGs always carry one): sharp writes it.
    const palOpaque = join(dir, "alpha-pal-opaque.png");
    await sharp(palFfmpeg).flatten({ background: "#ffffff" }).png({ palette: true }).toFile(palOpaque);
    const files: Record<string, string> = {
      "rgb.png": await made("rgb.png", "format=rgb24", ["-pix_fmt", "rgb24"]),
      "pal-ffmpeg.png": palFfmpeg,
      "pal-opaque.png": palOpaque,
      "pal-alpha.png": await made("pal-alpha.png", `format=rgba,${square},${palette}`),
      "rgba.png": await made("rgba.png", `format=rgba,${square}`, ["-pix_fmt", "rgba"]),
      "grey.png": await made("grey.png", "format=gray", ["-pix_fmt", "gray"]),
      "photo.jpg": await made("photo.jpg", "null", ["-q:v", "3"]),
    };
    const seen: Record<string, boolean> = {};
    for (const [name, path] of Object.entries(files)) {
      const p = await prepareStill(path, { workDir: work, backdrops: ["#ffffff"], limits: { maxPixels: MAX_IMAGE_PIXELS, timeoutSec: 60 } });
      const c = await checkImage("scenes[0].visual", p.path);
      expect(p.decodesWithAlpha, name).toBe(c.hasAlpha);
      seen[name] = c.hasAlpha;
    }
    // Both answers occur: an opaque palette PNG is pal8 to ffmpeg; a transparent one is flattened to RGB first.
    expect(seen).toMatchObject({ "rgb.png": false, "pal-opaque.png": true, "pal-alpha.png": false, "rgba.png": false, "photo.jpg": false });
  });

  it("keeps the brand colour when the content contrasts with it, else a brand-toned one that does", () => {
    const dark = px([20, 20, 20, 255], 50);
    expect(pickBackdrop(dark, ["#f59e0b", "#111827", "#fdf0da", "#311f02"]).color).toBe("#f59e0b");
    expect(pickBackdrop(dark, ["#1e293b", "#111827", "#dde0e4", "#06080c"]).color).toBe("#dde0e4");
    const white = px([250, 250, 250, 255], 50);
    expect(pickBackdrop(white, ["#fdf0da", "#f59e0b", "#311f02"]).color).toBe("#311f02");
    // Only transparent pixels: the brand colour.
    expect(pickBackdrop(px([0, 0, 0, 0], 10), ["#123456"]).color).toBe("#123456");
  });
});

describe("in the render (frames read back)", () => {
  const scene = (path: string) => ({ durationSec: 0.5, visual: { kind: "image" as const, path, motion: { type: "none" as const }, framing: { mode: "cover" as const } } });
  const W = 540;
  const H = 960;

  it("a dark logo on transparency (8-bit, 16-bit, palette, grey+alpha, WebP, GIF) stays visible on the brand colour", async () => {
    const logos = [
      await darkLogo("rgba.png", ["-pix_fmt", "rgba"]),
      await darkLogo("rgba64.png", ["-pix_fmt", "rgba64be"]),
      await darkLogo("ya8.png", ["-pix_fmt", "ya8"]),
      await darkLogo("pal8.png", [], palette),
      await darkLogo("alpha.webp", ["-c:v", "libwebp", "-pix_fmt", "yuva420p", "-lossless", "1"]),
      await darkLogo("alpha.gif", [], palette),
    ];
    const brand = { colors: { primary: "#f59e0b", secondary: "#111827", text: "#ffffff" } };
    const out = join(dir, "logos.mp4");
    await renderVideo({ output: { fps: 24, preset: "preview" }, brand, scenes: logos.map(scene) }, { workDir: work, outPath: out });
    const amber = relativeLuminance(0xf5, 0x9e, 0x0b);
    for (const [i, logo] of logos.entries()) {
      const f = await readRgbFrame(out, i * 12 + 6, { width: W, height: H });
      const ink = relativeLuminance(...f.meanRgb(W / 2 - 40, H / 2 - 40, 80, 80));
      const [r, g, b] = f.meanRgb(W / 2 - 40, 60, 80, 80);
      const ground = relativeLuminance(r, g, b);
      // The logo's square is dark, the transparent area is the brand's amber (not black), and they contrast.
      expect(ink, logo).toBeLessThan(0.02);
      expect(Math.abs(ground - amber), logo).toBeLessThan(0.08);
      expect(r, logo).toBeGreaterThan(200);
      expect(contrastRatio(ink, ground), logo).toBeGreaterThan(4);
    }
  });

  it("on a dark brand the same logo lands on a light brand tint; animated images show their first frame; EXIF rotation is applied", async () => {
    const logo = await darkLogo("dark-on-dark.png", ["-pix_fmt", "rgba"]);
    const gif = await redThenBlue("anim.gif", []);
    const webp = await redThenBlue("anim.webp", ["-c:v", "libwebp_anim", "-loop", "0"]);
    const apng = await redThenBlue("anim.png", ["-f", "apng", "-plays", "0"]);
    // Landscape, left half red and right half blue, stored with orientation 6 (display rotated 90 degrees clockwise):
    // shown upright it is portrait, red on top.
    const land = join(dir, "land.jpg");
    await ff(["-f", "lavfi", "-i", "color=c=red:s=480x270", "-vf", "drawbox=x=240:y=0:w=240:h=270:color=blue:t=fill", "-frames:v", "1", "-update", "1", "-q:v", "2", land]);
    const rotated = join(dir, "rotated.jpg");
    await writeFile(rotated, withExifOrientation(await readFile(land), 6));
    const brand = { colors: { primary: "#1e293b", secondary: "#111827", text: "#ffffff" } };
    const out = join(dir, "kinds.mp4");
    const r = await renderVideo(
      { output: { fps: 24, preset: "preview" }, brand, scenes: [logo, gif, webp, apng, rotated].map(scene) },
      { workDir: work, outPath: out },
    );
    expect(r.framing.map((x) => [x.sourceWidth, x.sourceHeight])).toEqual([[400, 400], [320, 320], [320, 320], [320, 320], [270, 480]]);
    const frame = (i: number) => readRgbFrame(out, i * 12 + 6, { width: W, height: H });
    const f0 = await frame(0);
    const ink = relativeLuminance(...f0.meanRgb(W / 2 - 40, H / 2 - 40, 80, 80));
    const ground = relativeLuminance(...f0.meanRgb(W / 2 - 40, 60, 80, 80));
    expect(ground).toBeGreaterThan(0.5);
    expect(contrastRatio(ink, ground)).toBeGreaterThan(4);
    for (const i of [1, 2, 3]) {
      const [red, green, blue] = (await frame(i)).meanRgb(100, 300, 300, 300);
      expect(red, `scene ${i}`).toBeGreaterThan(200);
      expect(Math.max(green, blue), `scene ${i}`).toBeLessThan(60);
    }
    const f4 = await frame(4);
    expect(f4.meanRgb(200, 150, 100, 100)[0]).toBeGreaterThan(200); // top: red
    expect(f4.meanRgb(200, 700, 100, 100)[2]).toBeGreaterThan(200); // bottom: blue
  });

  it("an animated WebP, GIF or APNG logo is on the end card as its first frame, its transparency kept", async () => {
    // A red disc on transparency, then a blue one: ffmpeg 5.1 cannot decode the animated WebP at all.
    const disc = (name: string, outArgs: string[]) =>
      ff([
        "-f", "lavfi", "-i", "color=c=red:s=200x200:r=5:d=0.2",
        "-f", "lavfi", "-i", "color=c=blue:s=200x200:r=5:d=0.6",
        "-filter_complex", "[0][1]concat=n=2:v=1,format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(hypot(X-100,Y-100),90),255,0)'[v]",
        "-map", "[v]", ...outArgs, join(dir, name),
      ]).then(() => join(dir, name));
    const logos = {
      webp: await disc("logo-anim.webp", ["-c:v", "libwebp_anim", "-loop", "0", "-pix_fmt", "yuva420p"]),
      gif: await disc("logo-anim.gif", ["-filter_complex_threads", "1", "-f", "gif"]),
      apng: await disc("logo-anim.png", ["-f", "apng", "-plays", "0"]),
    };
    expect((await sharp(logos.webp).metadata()).pages).toBeGreaterThan(1);
    const brand = { colors: { primary: "#1e293b", secondary: "#111827", text: "#ffffff" } };
    for (const [kind, logoPath] of Object.entries(logos)) {
      const out = join(dir, `logo-${kind}.mp4`);
      const r = await renderVideo(
        {
          output: { fps: 24, preset: "preview" },
          scenes: [{ durationSec: 0.5, visual: { kind: "color", color: "#1e293b" } }],
          brand: { ...brand, name: "Disc", logoPath },
          endCard: { cta: "Shop", durationSec: 1 },
        },
        { workDir: work, outPath: out },
      );
      const box = r.overlays.find((b) => b.kind === "logo")!.box;
      const f = await readRgbFrame(out, Math.round((r.durationSec - 0.1) * 24), { width: W, height: H });
      // The disc's centre is red (the first frame), not blue; its transparent corner shows the card, not black or red.
      const [red, green, blue] = f.meanRgb(box.x + box.w / 2 - 3, box.y + box.h / 2 - 3, 6, 6);
      expect(red, kind).toBeGreaterThan(180);
      expect(Math.max(green, blue), kind).toBeLessThan(80);
      const corner = f.at(box.x + 1, box.y + 1);
      if (kind !== "gif") {
        expect(corner[0]! < 150 || corner[1]! > 60, `${kind} corner ${corner.join(",")}`).toBe(true);
        expect(Math.max(...corner), `${kind} corner ${corner.join(",")}`).toBeGreaterThan(20);
      }
    }
  });
});
