import { describe, expect, it } from "vitest";
import { parseCharset } from "./fonts";
import { describeMissingGlyphs, findMissingGlyphs, missingGlyphsIn } from "./glyphs";

describe("glyph check (given coverage)", () => {
  // Basic Latin and the owl only.
  const coverage = parseCharset("20-7e 1f989");

  it("names each grapheme no face covers once, with its code points and count", () => {
    const missing = missingGlyphsIn(["Glow ✨ serum ✨", "night owls 🦉 日本"], coverage);
    expect(missing).toEqual([
      { grapheme: "✨", codePoints: ["U+2728"], count: 2 },
      { grapheme: "日", codePoints: ["U+65E5"], count: 1 },
      { grapheme: "本", codePoints: ["U+672C"], count: 1 },
    ]);
    expect(describeMissingGlyphs(missing)).toBe("no installed font can draw ✨ (U+2728), 日 (U+65E5), 本 (U+672C)");
  });

  it("counts a ZWJ sequence or a skin tone as one character and needs no glyph for ZWJ or variation selectors", () => {
    const family = "👨\u200d👩\u200d👧";
    const missing = missingGlyphsIn(`a ${family} b 👍🏽 ❤\ufe0f`, coverage);
    expect(missing.map((m) => m.grapheme)).toEqual([family, "👍🏽", "❤\ufe0f"]);
    expect(missing[0]!.codePoints).toEqual(["U+1F468", "U+1F469", "U+1F467"]);
    expect(missing[2]!.codePoints).toEqual(["U+2764"]);
    expect(missingGlyphsIn("a\u200db\u2060{\\}", coverage)).toEqual([]);
  });

  it("keeps a letter and its combining marks together", () => {
    const missing = missingGlyphsIn("e\u0301", coverage);
    expect(missing).toEqual([{ grapheme: "e\u0301", codePoints: ["U+0301"], count: 1 }]);
  });
});

describe("glyph check (installed fonts)", () => {
  it("draws every script the setup's font chain covers, emoji sequences included", async () => {
    const texts = [
      "桜の保湿クリーム。「夜」", "护肤霜", "보습 크림", "مرحبا بالعالم", "سلام دنیا", "شکریہ", "שלום עולם",
      "नमस्ते दुनिया", "สวัสดีครับ", "Wasserstoffperoxidzahnaufhellungsgel", "✨ 🦉 🌟 💧 🔥 😍",
      "👨\u200d👩\u200d👧", "👍🏽", "café e\u0301",
    ];
    expect(await findMissingGlyphs(texts)).toEqual([]);
  });

  it("names characters no font has (unassigned and private-use code points)", async () => {
    const missing = await findMissingGlyphs("ok \u0378 \u{10fffd}");
    expect(missing.map((m) => m.codePoints[0])).toEqual(["U+0378", "U+10FFFD"]);
  });
});
