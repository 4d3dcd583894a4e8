import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderVideo } from "./index";
import { hyphenatorSync } from "./hyphenate";
import { breakLines, fitText, layoutOverlays, splitTrailingUrl, textWidthEm } from "./overlays";
import { parseRenderPlan } from "./plan";
import { rectInside, textBands } from "./safe-zone";
import { makeImage, readRgbFrame } from "./testing";

let dir: string;
let work: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-overlays-"));
  work = join(dir, "work");
  await mkdir(work);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const black = { kind: "color" as const, color: "#000000" };

describe("layoutOverlays", () => {
  it("breaks and shrinks headlines into the headline band, clear of the captions, and escapes user text", () => {
    const long = "Built-in debugger {\\b1} no probe needed, motion sensors and eight LEDs ready to code, all on one tiny board";
    for (const position of ["bottom", "top", "center"] as const) {
      const plan = parseRenderPlan({
        scenes: [{ durationSec: 3, visual: black, headline: long }, { durationSec: 2, visual: black, headline: "Short" }],
        captions: { style: { position } },
        endCard: { cta: "Order yours today for under thirty dollars", url: "shop.example.com" },
        brand: { name: "Nucleo" },
      });
      const l = layoutOverlays(plan);
      const bands = textBands(1080, 1920, position);
      const heads = l.boxes.filter((b) => b.kind === "headline");
      expect(heads).toHaveLength(2);
      for (const b of heads) {
        expect(rectInside(b.box, bands.headline)).toBe(true);
        expect(b.lines.length).toBeLessThanOrEqual(3);
      }
      // The long one was shrunk below the short one's size.
      expect(heads[0]!.fontPx).toBeLessThan(heads[1]!.fontPx);
      for (const b of l.boxes.filter((b) => b.sceneIndex === 2)) {
        expect(rectInside(b.box, bands.captions) || !overlaps(b.box, bands.captions)).toBe(true);
        expect(overlaps(b.box, bands.captions)).toBe(false);
      }
      expect(l.ass).toContain("\\{\\\u2060b1\\}");
      expect(l.ass).not.toContain("{\\b1}");
    }
  });

  it("breaks words longer than a line", () => {
    const lines = breakLines("Supercalifragilisticexpialidocious", 8);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(textWidthEm(l)).toBeLessThanOrEqual(8);
    // Text is never cut: too long for its box, it gets smaller and keeps every word.
    const text = "Cortex-M4 lab on one board with eight LEDs";
    const fit = fitText(text, { w: 400, h: 120 }, { maxPx: 80, minPx: 30, maxLines: 2, padPx: () => 4 });
    expect(fit.lines.join(" ")).toBe(text);
    expect(fit.lines.join("")).not.toContain("…");
    expect(fit.fontPx).toBeLessThan(80);
    expect(fit.w).toBeLessThanOrEqual(400);
    expect(fit.h).toBeLessThanOrEqual(120);
    // Words stay whole while the size can stay readable (>= minPx): a shorter compound shrinks a little, whole.
    const whole = fitText("Try Zahnaufhellungsgel today", { w: 880, h: 300 }, { maxPx: 84, minPx: 48, maxLines: 2, padPx: (px) => px * 0.3 });
    expect(whole.lines.join(" ")).toBe("Try Zahnaufhellungsgel today");
    expect(whole.fontPx).toBeGreaterThanOrEqual(48);
    // A 36-letter compound cannot stay whole at a readable size: it is hyphenated at one instead.
    const compound = fitText("Wasserstoffperoxidzahnaufhellungsgel", { w: 880, h: 300 }, { maxPx: 84, minPx: 48, maxLines: 2, padPx: (px) => px * 0.3 });
    expect(compound.fontPx).toBeGreaterThanOrEqual(48);
    expect(compound.lines).toHaveLength(2);
    expect(compound.lines[0]).toMatch(/-$/);
    expect(compound.lines.join("").replace("-", "")).toBe("Wasserstoffperoxidzahnaufhellungsgel");
    const split = breakLines("Wasserstoffperoxidzahnaufhellungsgel", 10);
    expect(split.slice(0, -1).every((l) => l.endsWith("-"))).toBe(true);
    expect(split.join("").replaceAll("-", "")).toBe("Wasserstoffperoxidzahnaufhellungsgel");
    expect(breakLines("Wasserstoffperoxidzahnaufhellungsgel", 10, { split: false })).toBeNull();
    expect(breakLines("桜の保湿クリーム", 3).every((l) => !l.endsWith("-"))).toBe(true); // no hyphens in Japanese
    // Lines are evened out (no orphan word): "Readable on / any photo", not "Readable on any / photo".
    const even = fitText("Readable on any photo", { w: 880, h: 400 }, { maxPx: 84, minPx: 40, maxLines: 2, padPx: (px) => px * 0.28 });
    expect(even.lines).toEqual(["Readable on", "any photo"]);
    expect(breakLines("Readable on any photo", textWidthEm("Readable on any"))).toEqual(["Readable on any", "photo"]);
    // A CTA with its offer and URL breaks between its parts.
    const cta = fitText("Order yours · Under $30 · st.com/nucleo", { w: 880, h: 400 }, { maxPx: 84, minPx: 40, maxLines: 2, padPx: (px) => px * 0.28 });
    expect(cta.lines).toEqual(["Order yours · Under $30", "st.com/nucleo"]);
    // Thai (no spaces between words) breaks between ICU's dictionary words, not inside one; whole words, no hyphen.
    const thai = "ครีมบำรุงผิวสูตรใหม่ซึมเร็วไม่เหนียวเหนอะหนะ";
    const thaiLines = breakLines(thai, 9, { split: false, language: "th" });
    expect(thaiLines).not.toBeNull();
    expect(thaiLines!.join("")).toBe(thai);
    expect(thaiLines!.length).toBeGreaterThan(1);
    const bounds = new Set([...new Intl.Segmenter("th", { granularity: "word" }).segment(thai)].map((s) => s.index));
    let at = 0;
    for (const l of thaiLines!.slice(0, -1)) expect(bounds.has((at += l.length)), thaiLines!.join(" | ")).toBe(true);
    const thaiFit = fitText(thai, { w: 880, h: 300 }, { maxPx: 84, minPx: 40, maxLines: 2, padPx: (px) => px * 0.3, language: "th" });
    expect(thaiFit.fontPx).toBeGreaterThanOrEqual(40);
    expect(thaiFit.lines.join("")).toBe(thai);
    const huge = fitText("word ".repeat(200), { w: 500, h: 200 }, { maxPx: 80, minPx: 30, maxLines: 3, padPx: () => 4 });
    expect(huge.lines.join(" ").split(" ")).toHaveLength(200);
    expect(huge.w).toBeLessThanOrEqual(500);
  });
});

describe("a CTA headline with its URL, and a long brand name on the end card", () => {
  const black = { kind: "color" as const, color: "#000000" };
  const CTA = "Order yours today · Under $30";
  const URL = "st.com/nucleo";
  // 36 characters: the brief's long brand name.
  const LONG_BRAND = "Northwind Precision Microcontrollers";

  it("splits a trailing URL or handle off a headline in parts", () => {
    expect(splitTrailingUrl(`${CTA} · ${URL}`)).toEqual({ main: CTA, url: URL });
    expect(splitTrailingUrl("Try it · @nucleo_labs")).toEqual({ main: "Try it", url: "@nucleo_labs" });
    expect(splitTrailingUrl("Shop now · https://shop.example.com/x?y=1")).toEqual({ main: "Shop now", url: "https://shop.example.com/x?y=1" });
    // Not a URL: an offer, a sentence with a full stop, a URL alone (nothing to keep large).
    expect(splitTrailingUrl(CTA)).toEqual({ main: CTA, url: null });
    expect(splitTrailingUrl("Order now · Ends Jan. 5")).toEqual({ main: "Order now · Ends Jan. 5", url: null });
    expect(splitTrailingUrl(URL)).toEqual({ main: URL, url: null });
  });

  it("the CTA keeps the size it has without the URL; the URL is a smaller line under it, in the band", () => {
    for (const [W, H] of [[1080, 1920], [540, 960]] as const) {
      const unit = H / 1920;
      const plan = parseRenderPlan({
        output: { width: W, height: H },
        scenes: [
          { durationSec: 2, visual: black, headline: CTA },
          { durationSec: 2, visual: black, headline: `${CTA} · ${URL}` },
        ],
      });
      const l = layoutOverlays(plan);
      const [alone, withUrl] = l.boxes.filter((b) => b.kind === "headline");
      const url = l.boxes.find((b) => b.kind === "url")!;
      expect(withUrl!.text).toBe(CTA);
      expect(withUrl!.lines).toEqual(alone!.lines);
      // Was 52 px of 1920 with the URL in the headline, against 74 px without.
      expect(withUrl!.fontPx).toBe(alone!.fontPx);
      expect(withUrl!.fontPx).toBeGreaterThanOrEqual(70 * unit);
      expect(url).toMatchObject({ sceneIndex: 1, text: URL, lines: [URL] });
      expect(url.fontPx).toBeGreaterThanOrEqual(32 * unit);
      expect(url.fontPx).toBeLessThanOrEqual(withUrl!.fontPx * 0.62);
      // Under the headline, inside the headline band (less the slide-up's travel).
      const band = textBands(W, H).headline;
      expect(url.box.y).toBeGreaterThan(withUrl!.box.y);
      expect(url.box.y + url.box.h).toBeLessThanOrEqual(band.y + band.h - Math.round(band.h * 0.04));
      expect(rectInside(url.box, band)).toBe(true);
      // Drawn as the plate's last line at its own size.
      expect(l.ass).toContain(`\\N{\\fs${url.fontPx}}`);
    }
  });

  it("a long brand name wraps on two balanced lines at full size before it shrinks, never under 40 px of 1920 on two lines", () => {
    const card = (name: string, language = "en") =>
      layoutOverlays(
        parseRenderPlan({
          scenes: [{ durationSec: 2, visual: black }],
          captions: { language },
          brand: { name },
          endCard: { cta: "Order yours today for under $30", url: URL },
        }),
      ).boxes;
    const short = card("Nucleo").find((b) => b.kind === "brand")!;
    expect(short.lines).toEqual(["Nucleo"]);
    const long = card(LONG_BRAND).find((b) => b.kind === "brand")!;
    // Was one line of 32 px (the 28 px floor of a one-line fit).
    expect(long.lines).toEqual(["Northwind Precision", "Microcontrollers"]);
    expect(long.fontPx).toBe(short.fontPx);
    // Balanced: the lines' widths within 25% of each other.
    const [a, b] = long.lines.map(textWidthEm) as [number, number];
    expect(Math.min(a, b) / Math.max(a, b)).toBeGreaterThan(0.75);
    // One 36-letter word: hyphenated at a German syllable onto two lines, still >= 40 px.
    const word = card("Wasserstoffperoxidzahnaufhellungsgel", "de").find((b) => b.kind === "brand")!;
    expect(word.lines).toEqual(["Wasserstoffperoxid-", "zahnaufhellungsgel"]);
    expect(word.fontPx).toBeGreaterThanOrEqual(40);
    // Longer names shrink on two lines down to the minimum; one that two lines cannot hold at 40 px takes a third
    // line (fitText's rule below the minimum) rather than going smaller.
    const mid = card("Northwind Precision Microcontrollers and Sensors").find((x) => x.kind === "brand")!;
    expect(mid.lines).toHaveLength(2);
    expect(mid.fontPx).toBeGreaterThanOrEqual(40);
    expect(mid.fontPx).toBeLessThan(short.fontPx);
    // Up to the schema's 80 characters.
    for (const name of ["Northwind Precision Microcontrollers and Development Boards", "Northwind Precision Microcontrollers, Sensors and Development Boards Limited"]) {
      const b = card(name).find((x) => x.kind === "brand")!;
      expect(b.lines.join(" ")).toBe(name);
      expect(b.lines, name).toHaveLength(3);
      expect(b.fontPx, name).toBeGreaterThanOrEqual(36);
    }
    // The CTA and URL under a two-line name stay large.
    const boxes = card(LONG_BRAND);
    expect(boxes.find((b) => b.kind === "cta")!.fontPx).toBeGreaterThanOrEqual(64);
    expect(boxes.find((b) => b.kind === "url")!.fontPx).toBeGreaterThanOrEqual(44);
  });
});

describe("headline hyphenation (the captions' patterns, by language)", () => {
  const word = "Wasserstoffperoxidzahnaufhellungsgel";
  // TeX's German patterns (hyphen/de): Was-ser-stoff-per-oxid-zahn-auf-hel-lungs-gel.
  const de = hyphenatorSync("de");
  const cutsOf = (lines: string[]) => {
    const out: number[] = [];
    let at = 0;
    for (const l of lines.slice(0, -1)) {
      expect(l).toMatch(/-$/);
      at += l.length - 1;
      out.push(at);
    }
    expect(lines.join("").replaceAll("-", "")).toBe(word);
    return out;
  };

  it("splits a long compound at a syllable of its language, not at the width limit", () => {
    expect(de(word)).toEqual([3, 6, 11, 14, 18, 22, 25, 28, 33]);
    const opts = { maxPx: 84, minPx: 48, maxLines: 2, padPx: (px: number) => px * 0.3 };
    // Without patterns the cut is wherever the width runs out ("...peroxi-" / "dzahn...").
    const blind = fitText(word, { w: 880, h: 300 }, opts);
    expect(de(word)).not.toContain(cutsOf(blind.lines)[0]);
    const fit = fitText(word, { w: 880, h: 300 }, { ...opts, hyphenate: de });
    expect(fit.lines).toEqual(["Wasserstoffperoxid-", "zahnaufhellungsgel"]);
    expect(fit.fontPx).toBeGreaterThanOrEqual(48);
    expect(fit.w).toBeLessThanOrEqual(880);
    // Narrow lines: every cut is a hyphenation point, each piece fits.
    const narrow = breakLines(word, 10, { hyphenate: de });
    for (const c of cutsOf(narrow)) expect(de(word)).toContain(c);
    for (const l of narrow) expect(textWidthEm(l)).toBeLessThanOrEqual(10);
    // A point too early to fill 40% of the line is not taken: the width cut is the last resort.
    const tiny = breakLines("Abcdefghijklmnopqrstuvwxyz", 6, { hyphenate: () => [1] });
    expect(tiny[0]!.length).toBeGreaterThan(2);
  });

  it("headlines and the end card follow the campaign's language", () => {
    const black = { kind: "color" as const, color: "#000000" };
    for (const language of ["de", "en"]) {
      const h = hyphenatorSync(language);
      const plan = parseRenderPlan({
        scenes: [{ durationSec: 3, visual: black, headline: word }],
        captions: { language },
        endCard: { cta: `Try ${word} today` },
      });
      const boxes = layoutOverlays(plan).boxes;
      for (const kind of ["headline", "cta"] as const) {
        const b = boxes.find((x) => x.kind === kind)!;
        const pieces = b.lines.flatMap((l) => l.split(" ")).filter((p) => p.length > 2 && word.includes(p.replace(/-$/, "")));
        const cuts = cutsOf(pieces);
        expect(cuts.length).toBeGreaterThan(0);
        for (const c of cuts) expect(h(word)).toContain(c);
      }
    }
    // English and German patterns differ for the same word (the English fallback keeps only the points both agree on).
    expect(hyphenatorSync("en")(word)).not.toEqual(de(word));
  });
});

function overlaps(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe("overlays on a real render (frames read back)", () => {
  it("a frame at a headline's time shows it in its box; the end card shows the CTA and the logo", async () => {
    // A red disc on a transparent square.
    const logo = await makeImage(join(dir, "logo.png"), {
      width: 200,
      height: 200,
      source: "color=c=red",
      extraFilter: "format=rgba,geq=r=255:g=0:b=0:a='if(lt(hypot(X-100,Y-100),90),255,0)'",
    });
    const primary = "#e11d48";
    const out = join(dir, "o.mp4");
    const fps = 24;
    const r = await renderVideo(
      {
        output: { fps, preset: "preview" },
        scenes: [
          { durationSec: 1.5, visual: black, headline: "Eight LEDs ready to code" },
          { durationSec: 1, visual: black },
        ],
        brand: { name: "Nucleo Labs", logoPath: logo, colors: { primary, secondary: "#0f172a", text: "#ffffff" } },
        endCard: { cta: "Order yours today", url: "st.com/nucleo", durationSec: 1.5 },
      },
      { workDir: work, outPath: out },
    );
    expect(r.durationSec).toBeCloseTo(4, 1);
    const size = { width: 540, height: 960 };
    const head = r.overlays.find((b) => b.kind === "headline")!;
    const count = (f: Awaited<ReturnType<typeof readRgbFrame>>, box: { x: number; y: number; w: number; h: number }, test: (p: number[]) => boolean) => {
      let n = 0;
      for (let y = box.y; y < box.y + box.h; y++) for (let x = box.x; x < box.x + box.w; x++) if (test(f.at(x, y))) n++;
      return n / (box.w * box.h);
    };
    const plate = (p: number[]) => Math.abs(p[0]! - 0xe1) < 30 && Math.abs(p[1]! - 0x1d) < 30 && Math.abs(p[2]! - 0x48) < 30;
    const white = (p: number[]) => Math.min(...p) > 200;
    const before = await readRgbFrame(out, 0, size);
    expect(count(before, head.box, plate)).toBe(0);
    const during = await readRgbFrame(out, Math.round(((head.startSec + head.endSec) / 2) * fps), size);
    expect(count(during, head.box, plate)).toBeGreaterThan(0.2);
    expect(count(during, head.box, white)).toBeGreaterThan(0.05);
    // Nothing of it outside its box (a margin of 2 px for antialiasing).
    const outside = { x: head.box.x - 30, y: head.box.y + head.box.h + 2, w: head.box.w + 60, h: 40 };
    expect(count(during, outside, plate)).toBe(0);

    const cta = r.overlays.find((b) => b.kind === "cta")!;
    const logoBox = r.overlays.find((b) => b.kind === "logo")!.box;
    expect(cta.sceneIndex).toBe(2);
    const scene2 = await readRgbFrame(out, Math.round(2.2 * fps), size);
    expect(count(scene2, cta.box, white)).toBe(0);
    const card = await readRgbFrame(out, Math.round(3.8 * fps), size);
    expect(count(card, cta.box, white)).toBeGreaterThan(0.08);
    const [lr, lg, lb] = card.meanRgb(logoBox.x + logoBox.w / 2 - 3, logoBox.y + logoBox.h / 2 - 3, 6, 6);
    expect(lr).toBeGreaterThan(200);
    expect(Math.max(lg, lb)).toBeLessThan(60);
    // The logo's transparent corner shows the card behind it (not black, not red).
    const corner = card.at(logoBox.x + 1, logoBox.y + 1);
    expect(Math.max(...corner)).toBeGreaterThan(25);
    expect(plate(corner) && corner[1]! < 10).toBe(false);
  });
  it("frames: the CTA with its URL is drawn at the size it has alone, the URL on a smaller line; a long brand name on two lines", async () => {
    const out = join(dir, "cta-url.mp4");
    const fps = 24;
    const CTA = "Order yours today · Under $30";
    const r = await renderVideo(
      {
        output: { fps, preset: "preview" },
        scenes: [
          { durationSec: 1.5, visual: black, headline: CTA },
          { durationSec: 1.5, visual: black, headline: `${CTA} · st.com/nucleo` },
        ],
        brand: { name: "Northwind Precision Microcontrollers", colors: { primary: "#1d4ed8", secondary: "#0f172a", text: "#ffffff" } },
        endCard: { cta: "Order yours today for under $30", url: "st.com/nucleo", durationSec: 1.5 },
      },
      { workDir: work, outPath: out },
    );
    const size = { width: 540, height: 960 };
    const frameOf = (o: { startSec: number; endSec: number }) => readRgbFrame(out, Math.round(((o.startSec + o.endSec) / 2) * fps), size);
    const white = (p: number[]) => Math.min(...p) > 190;
    const plate = (p: number[]) => Math.hypot(p[0]! - 0x1d, p[1]! - 0x4e, p[2]! - 0xd8) < 60;
    // The runs of rows holding text (white) pixels on the plate (between a row's first and last plate pixel: not its
    // white keyline) in a column range: one run per drawn line of text, its height in px.
    const textRows = (f: Awaited<ReturnType<typeof readRgbFrame>>, x0: number, x1: number, y0: number, y1: number) => {
      const runs: { y: number; h: number }[] = [];
      for (let y = y0; y < y1; y++) {
        let n = 0;
        const onPlate: number[] = [];
        for (let x = x0; x < x1; x++) if (plate(f.at(x, y))) onPlate.push(x);
        if (onPlate.length > 1) for (let x = onPlate[0]! + 1; x < onPlate.at(-1)!; x++) if (white(f.at(x, y))) n++;
        const last = runs.at(-1);
        if (n >= 2) {
          if (last && last.y + last.h >= y - 1) last.h = y - last.y + 1;
          else runs.push({ y, h: 1 });
        }
      }
      return runs;
    };
    const [alone, withUrl] = r.overlays.filter((o) => o.kind === "headline");
    const url = r.overlays.find((o) => o.kind === "url" && o.sceneIndex === 1)!;
    const band = textBands(size.width, size.height).headline;
    const rows = async (o: typeof alone) => textRows(await frameOf(o!), band.x, band.x + band.w, band.y, band.y + band.h);
    const a = await rows(alone);
    const b = await rows(withUrl);
    // Two lines alone; the same two lines and the URL's line with it. Measured (540x960): 29 and 27 px tall both
    // times at 36 px, the URL's 14 px at 22 px (main: with the URL in the headline, 26 px and one line fewer).
    expect(a, JSON.stringify(a)).toHaveLength(2);
    expect(b, JSON.stringify(b)).toHaveLength(3);
    // The CTA's lines are drawn the same height (same size) with and without the URL.
    for (const k of [0, 1]) expect(Math.abs(b[k]!.h - a[k]!.h), `line ${k}: ${a[k]!.h} px alone, ${b[k]!.h} px with the URL`).toBeLessThanOrEqual(1);
    expect(a[1]!.h).toBeGreaterThanOrEqual(0.6 * alone!.fontPx);
    // The URL's line: smaller (its x-height and ascenders: ~0.5 of the CTA's "Under $30"), inside its box, readable.
    const ratio = b[2]!.h / b[1]!.h;
    expect(ratio, `URL line ${b[2]!.h} px vs CTA line ${b[1]!.h} px`).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(0.75);
    expect(b[2]!.y).toBeGreaterThanOrEqual(url.box.y);
    expect(b[2]!.y + b[2]!.h).toBeLessThanOrEqual(url.box.y + url.box.h);
    expect(b[2]!.h).toBeGreaterThanOrEqual(12);
    // The end card's brand name: two lines of text in its box.
    const brand = r.overlays.find((o) => o.kind === "brand")!;
    expect(brand.lines).toHaveLength(2);
    const card = await frameOf(brand);
    const lines = textRows(card, brand.box.x, brand.box.x + brand.box.w, brand.box.y, brand.box.y + brand.box.h);
    expect(lines, JSON.stringify(lines)).toHaveLength(2);
    expect(Math.min(...lines.map((l) => l.h))).toBeGreaterThanOrEqual(0.6 * brand.fontPx);
  });
});
