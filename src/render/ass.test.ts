import { describe, expect, it } from "vitest";
import { assColor, buildAss, escapeAssText, timedWords } from "./ass";
import { CaptionsSchema } from "./plan";

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

  it("writes one line per span with the spoken word highlighted", () => {
    const ass = buildAss(captions, { width: 1080, height: 1920 });
    const lines = ass.split("\n").filter((l) => l.startsWith("Dialogue:"));
    expect(lines).toEqual([
      "Dialogue: 0,0:00:01.00,0:00:01.40,Caption,,0,0,0,,{\\1c&H001FD2FF&}Buy{\\1c&H00FFFFFF&} \\{now\\}",
      "Dialogue: 0,0:00:01.40,0:00:01.50,Caption,,0,0,0,,Buy \\{now\\}",
      "Dialogue: 0,0:00:01.50,0:00:02.00,Caption,,0,0,0,,Buy {\\1c&H001FD2FF&}\\{now\\}{\\1c&H00FFFFFF&}",
      "Dialogue: 0,0:00:02.00,0:00:03.00,Caption,,0,0,0,,Buy \\{now\\}",
    ]);
    expect(ass).toContain("PlayResX: 1080\nPlayResY: 1920");
    // Bottom centre, 20% margin: clear of the platform UI at the bottom.
    expect(ass).toMatch(/Style: Caption,DejaVu Sans,72,.*,2,86,86,384,1/);
  });

  it("shares a cue between words by character count when timings are missing", () => {
    const words = timedWords({ start: 0, end: 1, text: "a bbbbbbbb" }, false);
    expect(words.map((w) => [w.text, w.start, w.end])).toEqual([
      ["a", 0, 18],
      ["bbbbbbbb", 18, 100],
    ]);
  });

  it("uppercases when the style asks", () => {
    const ass = buildAss(CaptionsSchema.parse({ style: { uppercase: true }, cues: [{ start: 0, end: 1, text: "shop now" }] }), {
      width: 1080,
      height: 1920,
    });
    expect(ass).toContain("SHOP");
  });
});
