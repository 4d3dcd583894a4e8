import { beforeAll, describe, expect, it } from "vitest";
import { loadCaptionFonts, timedWords } from "./ass";
import { type CueLayout, layoutCue } from "./caption-layout";
import { type CaptionFonts } from "./caption-script";

let fonts: CaptionFonts;
beforeAll(async () => {
  fonts = await loadCaptionFonts({ font: "DejaVu Sans", bold: true });
});

const words = (text: string) => text.split(" ").map((t) => ({ text: t, breakBefore: false }));
const lineTexts = (l: CueLayout) => l.pages.flatMap((p) => p.lines.map((line) => line.units.map((u) => u.text).join("")));

describe("caption layout", () => {
  it("orders right-to-left words from the right, with their punctuation on the left", () => {
    const l = layoutCue(words("שלום עולם, יפה!"), { maxWidth: 860, maxHeight: 360, sizePx: 72 }, fonts);
    expect(l.rtl).toBe(true);
    const units = l.pages[0]!.lines[0]!.units;
    // Left to right: "!", יפה, " ", ",", עולם, " ", שלום.
    expect(units.map((u) => u.text)).toEqual(["!", "יפה", " ", ",", "עולם", " ", "שלום"]);
    expect(units.map((u) => u.word)).toEqual([2, 2, -1, 1, 1, -1, 0]);
  });

  it("keeps a right-to-left campaign's cue right-to-left when it starts with a brand name", () => {
    const l = layoutCue(words("iPhone 15 رائع"), { maxWidth: 860, maxHeight: 360, sizePx: 72 }, fonts, { language: "ar", direction: "rtl" });
    expect(l.pages[0]!.lines[0]!.units.map((u) => u.text)).toEqual(["رائع", " ", "iPhone", " ", "15"]);
    const ltr = layoutCue(words("iPhone 15 رائع"), { maxWidth: 860, maxHeight: 360, sizePx: 72 }, fonts);
    expect(ltr.pages[0]!.lines[0]!.units.map((u) => u.text)).toEqual(["iPhone", " ", "15", " ", "رائع"]);
  });

  it("breaks Japanese by kinsoku: no line starts with closing punctuation or a prolonged sound mark, none ends with an opening bracket", () => {
    const text = "桜の保湿クリームで一日中しっとりした肌を。「夜」にもおすすめです。ハンドクリームやボディークリームとしても使えます。";
    const pieces = [...new Intl.Segmenter("ja", { granularity: "word" }).segment(text)].map((s, i) => ({ text: s.segment, breakBefore: false, joined: i > 0 }));
    for (const maxWidth of [300, 420, 560]) {
      const l = layoutCue(pieces, { maxWidth, maxHeight: 2000, sizePx: 72 }, fonts, { language: "ja" });
      const lines = lineTexts(l);
      expect(lines.join("")).toBe(text);
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines) {
        expect(line, `${maxWidth}: ${lines.join(" | ")}`).not.toMatch(/^[。、」ーぁぃぅぇぉっゃゅょ）]/);
        expect(line, `${maxWidth}: ${lines.join(" | ")}`).not.toMatch(/[「（]$/);
      }
      for (const p of l.pages) for (const line of p.lines) expect(line.width).toBeLessThanOrEqual(maxWidth);
    }
  });

  it("breaks Thai, Lao, Khmer and Burmese between dictionary words at full size instead of shrinking the line", () => {
    const texts: Record<string, string> = {
      th: "ผิวนุ่มตลอดวันด้วยครีมบำรุงผิวสูตรใหม่ของเราที่ซึมเร็วและไม่เหนียวเหนอะหนะเลย",
      lo: "ຜິວອ່ອນນຸ້ມຕະຫຼອດມື້ດ້ວຍຄຣີມບຳລຸງຜິວສູດໃໝ່ຂອງພວກເຮົາທີ່ຊຶມໄວ",
      km: "ស្បែកទន់រលោងពេញមួយថ្ងៃជាមួយក្រែមថ្មីរបស់យើងដែលស្រូបយកលឿន",
      my: "ကျွန်ုပ်တို့၏ခရင်မ်အသစ်ဖြင့်တစ်နေ့တာလုံးအသားအရေနူးညံ့ပါစေ",
    };
    for (const [language, text] of Object.entries(texts)) {
      const pieces = timedWords({ start: 0, end: 3, text }, false, language);
      const l = layoutCue(pieces, { maxWidth: 860, maxHeight: 2000, sizePx: 78 }, fonts, { language });
      const lines = lineTexts(l);
      expect(lines.join(""), language).toBe(text);
      expect(lines.length, language).toBeGreaterThan(1);
      // Every break is a word boundary of ICU's segmentation in the language.
      const bounds = new Set([...new Intl.Segmenter(language, { granularity: "word" }).segment(text)].map((s) => s.index));
      let at = 0;
      for (const line of lines.slice(0, -1)) expect(bounds.has((at += line.length)), `${language}: ${lines.join(" | ")}`).toBe(true);
      for (const p of l.pages) {
        for (const line of p.lines) {
          expect(line.scale, `${language}: ${lines.join(" | ")}`).toBe(1);
          expect(line.width).toBeLessThanOrEqual(860);
        }
      }
    }
  });

  it("fits every line in the width and pages a cue too long for the band", () => {
    const text = "Our new serum keeps your skin soft and bright all day and all night long, even in the dry winter air of the city";
    const l = layoutCue(words(text), { maxWidth: 860, maxHeight: 150, sizePx: 72 }, fonts);
    expect(l.pages.length).toBeGreaterThan(1);
    for (const p of l.pages) {
      expect(p.lines.reduce((h, line) => h + line.height, 0)).toBeLessThanOrEqual(150);
      for (const line of p.lines) expect(line.width).toBeLessThanOrEqual(860);
    }
    expect(lineTexts(l).join(" ")).toBe(text);
    // Pages start at word boundaries, in order.
    const firsts = l.pages.map((p) => p.firstWord);
    expect(firsts[0]).toBe(0);
    expect([...firsts].sort((a, b) => a - b)).toEqual(firsts);
  });

  it("breaks a URL after its punctuation, without hyphens", () => {
    const l = layoutCue(words("https://www.example-shop.com/products/glow-serum-night?ref=tiktok"), { maxWidth: 500, maxHeight: 2000, sizePx: 72 }, fonts);
    const lines = lineTexts(l);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join("")).toBe("https://www.example-shop.com/products/glow-serum-night?ref=tiktok");
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/[/.\-_?&=#:@]$/);
  });
});

describe("caption layout keeps text literally", () => {
  it("draws combining marks, ZWJ sequences and mixed scripts as typed, each word in one piece", () => {
    const sorted = (t: string) => [...t].sort().join("");
    for (const s of ["Cafe\u0301 cre\u0300me", "👨\u200d👩\u200d👧 pack", "Glow الجديد 新品 {\\b1}", "हिन्दी क्रीम"]) {
      const l = layoutCue(words(s), { maxWidth: 860, maxHeight: 360, sizePx: 72 }, fonts);
      const units = l.pages.flatMap((p) => p.lines.flatMap((line) => line.units)).filter((u) => u.word >= 0);
      // Every code point is drawn, none added or changed (only their visual order may differ).
      expect(sorted(units.map((u) => u.text).join("")), s).toBe(sorted(s.replace(/ /g, "")));
      // A grapheme is never split between units (a ZWJ family, an accented letter).
      for (const u of units) expect(u.text.startsWith("\u200d") || /^\p{M}/u.test(u.text), u.text).toBe(false);
    }
  });
});
