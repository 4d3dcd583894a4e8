/**
 * Headlines over photos, measured on the rendered frames: whatever the photo behind a headline (white, black, busy),
 * the headline's text sits on its opaque plate (no photo pixel shows between or around the glyphs) and reaches
 * WCAG 2.2 AA contrast for normal text, 4.5:1 (SC 1.4.3), against that plate. We hold every headline and end-card
 * line to 4.5:1 and do not use the 3:1 allowance for large text, although headlines are drawn at >= 40 px of 1920.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATE_CONTRAST, TEXT_CONTRAST, contrastRatio, plateColors } from "./design";
import { renderVideo } from "./index";
import { type OverlayBox, keylineOf } from "./overlays";
import { ff, makeImage, readRgbFrame } from "./testing";

let dir: string;
let work: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-contrast-"));
  work = join(dir, "work");
  await mkdir(work);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const toHex = (rgb: readonly number[]) => `#${rgb.map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, "0")).join("")}`;
const rgbOf = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const median = (vs: number[]) => [...vs].sort((a, b) => a - b)[Math.floor(vs.length / 2)]!;

type Frame = Awaited<ReturnType<typeof readRgbFrame>>;
type Span = { y: number; x0: number; x1: number };

/**
 * The plate's extent, row by row: where pixels of (about) the plate colour start and end in the row, searched a little
 * around the estimated box (estimated widths run high), 3 px in from each end (yuv420p's chroma blends the plate's
 * edge with what is behind it). Rows with no plate are left out.
 */
function plateSpans(f: Frame, box: OverlayBox["box"], plate: string, width: number): Span[] {
  const P = rgbOf(plate);
  const out: Span[] = [];
  const x0 = Math.max(0, box.x - 20);
  const x1 = Math.min(width, box.x + box.w + 20);
  for (let y = box.y + 3; y < box.y + box.h - 3; y++) {
    let first = -1;
    let last = -1;
    for (let x = x0; x < x1; x++) {
      if (Math.hypot(...f.at(x, y).map((v, i) => v - P[i]!)) <= 40) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first >= 0 && last - first >= 12) out.push({ y, x0: first + 3, x1: last - 3 });
  }
  return out;
}

/** Inside `spans`: the plate's and the text's colours (medians of the pixels near each expected colour) and their counts. */
function plateAndText(f: Frame, spans: Span[], expected: { plate: string; text: string }) {
  const near = (p: readonly number[], hex: string, tol: number) => Math.hypot(...p.map((v, i) => v - rgbOf(hex)[i]!)) <= tol;
  const plates: number[][] = [];
  const texts: number[][] = [];
  for (const s of spans)
    for (let x = s.x0; x <= s.x1; x++) {
      const p = f.at(x, s.y);
      if (near(p, expected.plate, 40)) plates.push(p);
      else if (near(p, expected.text, 60)) texts.push(p);
    }
  const med = (ps: number[][]) => toHex([0, 1, 2].map((c) => median(ps.map((p) => p[c]!))));
  return { plate: plates.length ? med(plates) : "#000000", text: texts.length ? med(texts) : "#000000", platePixels: plates.length, textPixels: texts.length };
}

/**
 * How much what is inside the plate changes between two frames showing the same text over different photos: the
 * share of pixels (in `spans`) whose colour differs by more than 48 (RGB distance; x264's noise stays well under).
 * An opaque plate gives ~0; a see-through one shows the photo.
 */
function changedInside(a: Frame, b: Frame, spans: Span[]): number {
  let n = 0;
  let changed = 0;
  for (const s of spans)
    for (let x = s.x0; x <= s.x1; x++) {
      n++;
      const p = a.at(x, s.y);
      const q = b.at(x, s.y);
      if (Math.hypot(...p.map((v, i) => v - q[i]!)) > 48) changed++;
    }
  return changed / Math.max(1, n);
}

describe("headline contrast over photos (frames read back)", () => {
  const fps = 24;
  const size = { width: 540, height: 960 };

  // A dark blue kit (white text) and a light yellow kit whose own text colour is unreadable on it (black text).
  const kits = [
    { primary: "#1d4ed8", secondary: "#0f172a", text: "#ffffff" },
    { primary: "#facc15", secondary: "#fef08a", text: "#ffffff" },
  ];
  const renders = new Map<number, Promise<{ out: string; overlays: OverlayBox[] }>>();
  /** Kit `k`'s render (once for both tests): "Readable on any photo" over a white, a black and a busy photo, then the end card. */
  const renderKit = (k: number) => {
    let p = renders.get(k);
    if (!p) {
      p = (async () => {
        const white = await makeImage(join(dir, `white${k}.png`), { width: 1080, height: 1920, source: "color=c=white" });
        const black = await makeImage(join(dir, `black${k}.png`), { width: 1080, height: 1920, source: "color=c=black" });
        // Busy: colour bars, gradients, text and a moving pattern (all colours and all lightnesses), at full frame.
        const busy = await makeImage(join(dir, `busy${k}.png`), { width: 1080, height: 1920, source: "testsrc2" });
        const out = join(dir, `kit${k}.mp4`);
        const r = await renderVideo(
          {
            output: { fps, preset: "preview" },
            scenes: [white, black, busy].map((path) => ({
              durationSec: 1.5,
              visual: { kind: "image" as const, path, motion: { type: "none" as const } },
              // The same text on every photo: what is inside its plate must come out the same.
              headline: "Readable on any photo",
            })),
            brand: { name: "Nucleo", colors: kits[k]! },
            endCard: { cta: "Order yours today", url: "st.com/nucleo", durationSec: 1.5 },
          },
          { workDir: work, outPath: `${out}` },
        );
        if (process.env.KEEP_CONTRAST_RENDER) await ff(["-i", out, "-c", "copy", join(process.env.KEEP_CONTRAST_RENDER, `kit${k}.mp4`)]);
        return { out, overlays: r.overlays };
      })();
      renders.set(k, p);
    }
    return p;
  };

  it("white, black and busy photos: the text is on its plate and reaches 4.5:1 against it, for a dark and a light brand colour", async () => {
    for (const [k, colors] of kits.entries()) {
      const { out, ...r } = await renderKit(k);
      const expected = plateColors(colors);
      const boxes = r.overlays.filter((o) => o.kind !== "logo");
      const heads = boxes.filter((o) => o.kind === "headline");
      expect(heads).toHaveLength(3);
      const frameOf = (o: OverlayBox) => readRgbFrame(out, Math.round(((o.startSec + o.endSec) / 2) * fps), size);
      const frames = await Promise.all(heads.map(frameOf));
      // The same headline over a white, a black and a busy photo: the plate's rows found on each frame must agree, and
      // what is inside the plate must not change with the photo behind it (no photo pixel between or around the glyphs).
      const spans = frames.map((f, i) => plateSpans(f, heads[i]!.box, expected.plate, size.width));
      for (const [i, s] of spans.entries()) {
        expect(s.length, `kit ${colors.primary}, scene ${i}: plate rows`).toBeGreaterThan(heads[0]!.box.h * 0.6);
        // Antialiased top and bottom rows blend with the photo: a row or two either way.
        expect(Math.abs(s.length - spans[0]!.length)).toBeLessThanOrEqual(4);
      }
      for (const i of [1, 2]) expect(changedInside(frames[0]!, frames[i]!, spans[0]!), `kit ${colors.primary}: plate of scene 0 vs ${i}`).toBeLessThan(0.01);
      // Text against its immediate backdrop (the plate), measured: >= 4.5:1, for every headline and end-card line.
      for (const [i, o] of boxes.entries()) {
        const f = i < 3 ? frames[i]! : await frameOf(o);
        const m = plateAndText(f, plateSpans(f, o.box, expected.plate, size.width), expected);
        const what = `kit ${colors.primary}, ${o.kind} "${o.text}" (scene ${o.sceneIndex})`;
        expect(m.platePixels, `${what}: plate drawn`).toBeGreaterThan(500);
        expect(m.textPixels, `${what}: text drawn`).toBeGreaterThan(100);
        expect(contrastRatio(m.text, m.plate), `${what}: text ${m.text} on plate ${m.plate}`).toBeGreaterThanOrEqual(TEXT_CONTRAST);
      }
    }
  });

  /**
   * The plate against the photo behind it. Rule (overlays.ts KEYLINE_EM): every plate has a keyline in its text's
   * colour, 0.07 em wide (3 px on these 540x960 frames), so the plate's outline is a plate | keyline edge of the
   * text's own contrast (>= 4.5:1) whatever the photo; the keyline's outer edge meets the photo. Measured on each
   * plate row, 2 px outside the plate's first and last pixel (the keyline) and 7 px outside (the photo), and down
   * the plate's centre column above its top (medians; measured 2026-12-01, preview 540x960, x264):
   *   yellow #facc15 plate, black keyline: plate | keyline 13.3-13.5:1 over all three photos; over white, plate |
   *     photo 1.55:1 (without the keyline its edge vanishes) and keyline | photo 20.8:1;
   *   blue #1d4ed8 plate, white keyline: plate | keyline 6.5-6.7:1; over black, plate | photo 3.1:1 and keyline |
   *     photo 20.5:1; over white, plate | photo 6.8:1 (the keyline merges into the photo).
   * Over the busy photo (colour bars) plate | photo is under 3:1 on 201 of the 208 row ends for yellow (yellow and
   * magenta bars) and 101 for blue (the blue bar); the keyline outlines every one of those rows at >= 4.5:1.
   */
  it("the plate stands out from any photo: a keyline in the text colour outlines it at >= 4.5:1 over white, black and busy photos", async () => {
    const photoNames = ["white", "black", "busy"];
    for (const [k, colors] of kits.entries()) {
      const { out, overlays } = await renderKit(k);
      const expected = plateColors(colors);
      const heads = overlays.filter((o) => o.kind === "headline");
      const key = keylineOf(heads[0]!.fontPx);
      expect(key).toBe(3);
      const P = rgbOf(expected.plate);
      const isPlate = (p: readonly number[]) => Math.hypot(...p.map((v, i) => v - P[i]!)) <= 40;
      for (const [i, o] of heads.entries()) {
        const f = await readRgbFrame(out, Math.round(((o.startSec + o.endSec) / 2) * fps), size);
        const what = `kit ${colors.primary} over the ${photoNames[i]} photo`;
        // Every plate row: the keyline's and the photo's pixels beside the plate's first and last pixel.
        const keyline: number[][] = [];
        const photo: number[][] = [];
        let rows = 0;
        let outlined = 0;
        let vanishing = 0;
        const plateMed = plateAndText(f, plateSpans(f, o.box, expected.plate, size.width), expected).plate;
        for (let y = o.box.y + key + 4; y < o.box.y + o.box.h - key - 4; y++) {
          let first = -1;
          let last = -1;
          for (let x = Math.max(0, o.box.x - 20); x < Math.min(size.width, o.box.x + o.box.w + 20); x++) {
            if (isPlate(f.at(x, y))) {
              if (first < 0) first = x;
              last = x;
            }
          }
          if (first < 0 || last - first < 40) continue;
          rows++;
          let ok = true;
          for (const [kx, px] of [
            [first - 2, first - key - 4],
            [last + 2, last + key + 4],
          ] as const) {
            const kp = f.at(kx, y);
            const pp = f.at(px, y);
            keyline.push(kp);
            photo.push(pp);
            if (contrastRatio(toHex(kp), plateMed) < TEXT_CONTRAST) ok = false;
            if (contrastRatio(toHex(pp), plateMed) < PLATE_CONTRAST) vanishing++;
          }
          if (ok) outlined++;
        }
        // The top edge, down the centre column.
        const cx = Math.round(o.box.x + o.box.w / 2);
        let top = o.box.y;
        while (top < o.box.y + o.box.h && !isPlate(f.at(cx, top))) top++;
        const topKeyline = toHex(f.at(cx, top - 2));
        const medianOf = (ps: number[][]) => toHex([0, 1, 2].map((c) => median(ps.map((p) => p[c]!))));
        const m = { keyline: medianOf(keyline), photo: medianOf(photo) };
        const ratios = {
          plateKeyline: contrastRatio(plateMed, m.keyline),
          plateKeylineTop: contrastRatio(plateMed, topKeyline),
          platePhoto: contrastRatio(plateMed, m.photo),
          keylinePhoto: contrastRatio(m.keyline, m.photo),
        };
        if (process.env.KEEP_CONTRAST_RENDER) console.log(what, JSON.stringify({ plate: plateMed, ...m, rows, outlined, vanishing, ...ratios }));
        expect(rows, `${what}: plate rows`).toBeGreaterThan(o.box.h * 0.6);
        // The keyline is the text's colour, all the way round: every row's both sides, and the top.
        expect(contrastRatio(m.keyline, expected.text), `${what}: keyline ${m.keyline} vs text ${expected.text}`).toBeLessThan(1.3);
        expect(outlined / rows, `${what}: rows outlined at >= 4.5:1 on both sides`).toBeGreaterThanOrEqual(0.97);
        expect(ratios.plateKeyline, `${what}: plate ${plateMed} | keyline ${m.keyline}`).toBeGreaterThanOrEqual(TEXT_CONTRAST);
        expect(ratios.plateKeylineTop, `${what}: top edge plate ${plateMed} | keyline ${topKeyline}`).toBeGreaterThanOrEqual(TEXT_CONTRAST);
        if (i === 2) expect(vanishing, `${what}: row ends where the photo alone hides the plate's edge`).toBeGreaterThanOrEqual(50);
        else {
          // A flat photo: the plate with its keyline stands out at >= 3:1 (WCAG 1.4.11) by one edge or the other.
          expect(Math.max(ratios.platePhoto, ratios.keylinePhoto), `${what}: ${JSON.stringify(ratios)}`).toBeGreaterThanOrEqual(PLATE_CONTRAST);
        }
      }
    }
    // The case the keyline is for: a yellow plate's own edge over a white photo is ~1.5:1.
    expect(contrastRatio(kits[1]!.primary, "#ffffff")).toBeLessThan(1.6);
  });

  it("the measurement catches a see-through plate (the photo behind changes what is inside it)", async () => {
    // A plate with white "glyph" bars over a white and over a busy photo: opaque, then 60% opaque.
    const plate = (alpha: string) =>
      `drawbox=x=100:y=100:w=300:h=80:color=0x1d4ed8${alpha}:t=fill,drawbox=x=130:y=120:w=40:h=40:color=white:t=fill,drawbox=x=230:y=120:w=60:h=40:color=white:t=fill`;
    const at = async (name: string, source: string, alpha: string) => {
      const png = await makeImage(join(dir, `${name}.png`), { width: size.width, height: size.height, source, extraFilter: plate(alpha) });
      const mp4 = join(dir, `${name}.mp4`);
      await ff(["-loop", "1", "-i", png, "-t", "0.25", "-r", String(fps), "-pix_fmt", "yuv420p", "-c:v", "libx264", mp4]);
      return readRgbFrame(mp4, 0, size);
    };
    const box = { x: 100, y: 100, w: 300, h: 80 };
    const expected = { plate: "#1d4ed8", text: "#ffffff" };
    const [ow, ob] = [await at("opaque-white", "color=c=white", ""), await at("opaque-busy", "testsrc2", "")];
    const spans = plateSpans(ow, box, expected.plate, size.width);
    expect(spans.length).toBeGreaterThan(60);
    expect(changedInside(ow, ob, spans)).toBeLessThan(0.01);
    const m = plateAndText(ow, spans, expected);
    expect(contrastRatio(m.text, m.plate)).toBeGreaterThanOrEqual(TEXT_CONTRAST);
    const [sw, sb] = [await at("see-through-white", "color=c=white", "@0.6"), await at("see-through-busy", "testsrc2", "@0.6")];
    // Same geometry as the opaque plate (whose colour this one no longer has): inside it, the photo shows.
    expect(changedInside(sw, sb, spans)).toBeGreaterThan(0.2);
  });
});
