import { beforeAll, describe, expect, it } from "vitest";
import { assColor, buildAss, escapeAssText, loadCaptionFonts, timedWords } from "./ass";
import { type CaptionFonts } from "./caption-script";
import { CaptionsSchema } from "./plan";
import { textBands } from "./safe-zone";

const WJ = "\u2060";

describe("ASS escaping", () => {
  it("neutralises override blocks, backslashes and line breaks", () => {
    expect(escapeAssText("{\\b1}bold")).toBe(`\\{\\${WJ}b1\\}bold`);
    expect(escapeAssText("a\\Nb")).toBe(`a\\${WJ}Nb`);
    expect(escapeAssText("a}b{c")).toBe("a\\}b\\{c");
    expect(escapeAssText("one\r\ntwo\nthree")).toBe("one\\Ntwo\\Nthree");
    expect(escapeAssText("  padded \t ")).toBe("padded");
    expect(escapeAssText("bell\u0007")).toBe("bell");
  });

  it("passes emoji and Arabic through", () => {
    expect(escapeAssText("🎉 مرحبا بالعالم")).toBe("🎉 مرحبا بالعالم");
  });

  it("leaves no user brace able to open an override block", () => {
    const out = escapeAssText("x{\\pos(1,2)\\c&H0000FF&}y\\");
    // Every `{` is preceded by a backslash, and every user backslash is followed by the word joiner.
    expect(out.replace(/\\\{/g, "").includes("{")).toBe(false);
    expect(out.match(/\\(?![{}N])/g)?.length).toBe(out.match(new RegExp(`\\\\${WJ}`, "g"))?.length);
  });

  it("converts colours to ASS BGR", () => {
    expect(assColor("#ff8800")).toBe("&H000088FF");
  });
});

describe("ASS script", () => {
  const size = { width: 1080, height: 1920 };
  let fonts: CaptionFonts;
  beforeAll(async () => {
    fonts = await loadCaptionFonts({ font: "DejaVu Sans", bold: true });
  });
  const captions = CaptionsSchema.parse({
    style: { font: "DejaVu Sans", sizePx: 72, highlightColor: "#ffd21f", position: "bottom" },
    cues: [
      {
        start: 1,
        end: 3,
        text: "ignored when words are given",
        words: [
          { text: "Buy", start: 1.0, end: 1.4 },
          { text: "{now}", start: 1.5, end: 2.0 },
        ],
      },
    ],
  });
  const dialogues = (ass: string) => ass.split("\n").filter((l) => l.startsWith("Dialogue:"));

  it("writes one line per span with the spoken word highlighted, anchored in the caption band", () => {
    const ass = buildAss(captions, size, fonts);
    const lines = dialogues(ass);
    const band = textBands(1080, 1920, "bottom").captions;
    expect(lines.map((l) => l.split(",").slice(1, 3).join("-"))).toEqual([
      "0:00:01.00-0:00:01.40",
      "0:00:01.40-0:00:01.50",
      "0:00:01.50-0:00:02.00",
      "0:00:02.00-0:00:03.00",
    ]);
    // Bottom centre of the caption band, less the outline and a margin.
    const x = Math.round(band.x + band.w / 2);
    for (const l of lines) expect(l).toContain(`{\\an2\\pos(${x},${band.y + band.h - 9})}`);
    const highlighted = (l: string) => /\\1c&H001FD2FF&\}((?:\\\{|[^{])*)/.exec(l)?.[1] ?? null;
    expect(lines.map(highlighted)).toEqual(["Buy", null, "\\{now\\}", null]);
    // Every span has the same units and fonts; only colours differ.
    const skeleton = (l: string) => l.split(",,").slice(-1)[0]!.replace(/\\1c&H[0-9A-F]+&/g, "");
    expect(new Set(lines.map(skeleton)).size).toBe(1);
    expect(ass).toContain("PlayResX: 1080\nPlayResY: 1920");
    expect(ass).toContain("WrapStyle: 2");
  });

  it("shares a cue between words by character count when timings are missing", () => {
    const words = timedWords({ start: 0, end: 1, text: "a bbbbbbbb" }, false);
    expect(words.map((w) => [w.text, w.start, w.end])).toEqual([
      ["a", 0, 18],
      ["bbbbbbbb", 18, 100],
    ]);
  });

  it("splits Japanese and Thai tokens into words, sharing their time", () => {
    const words = timedWords({ start: 0, end: 1, text: "桜の保湿クリームです" }, false);
    expect(words.length).toBeGreaterThan(2);
    expect(words.map((w) => w.text).join("")).toBe("桜の保湿クリームです");
    expect(words[0]!.start).toBe(0);
    expect(words.at(-1)!.end).toBe(100);
    expect(words.slice(1).every((w) => w.joined)).toBe(true);
  });

  it("uppercases when the style asks", () => {
    const ass = buildAss(CaptionsSchema.parse({ style: { uppercase: true }, cues: [{ start: 0, end: 1, text: "shop now" }] }), size, fonts);
    expect(ass).toContain("SHOP");
  });

  it("breaks a word wider than the band at a hyphenation point and keeps every line within the band", () => {
    const ass = buildAss(CaptionsSchema.parse({ cues: [{ start: 0, end: 1, text: "Wasserstoffperoxidzahnaufhellungsgel" }] }), size, fonts);
    const text = dialogues(ass)[0]!.split(",,").slice(-1)[0]!.replace(/\{[^}]*\}/g, "");
    const lines = text.split("\\N");
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/-$/);
    expect(lines.join("").replace("-", "")).toBe("Wasserstoffperoxidzahnaufhellungsgel");
  });
});
