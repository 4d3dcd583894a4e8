/**
 * Properties of the ASS writer over arbitrary Unicode (fast-check): user text reaches libass
 * literally and never as an override. Read back with a model of libass's Text-field parser:
 * `{` opens an override block; a backslash starts an escape, of which only `\{`, `\}`, `\N` and a
 * backslash followed by a word joiner (shown as a backslash) may come from user text.
 */
import bidiFactory from "bidi-js";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { buildAss, escapeAssText, loadCaptionFonts } from "./ass";
import { type CaptionFonts } from "./caption-script";
import { CaptionsSchema } from "./plan";

const WJ = "\u2060";
/** Unicode's Bidi_Mirroring_Glyph, from the same bidi-js the layout mirrors with (a hand-made table missed "⩤"). */
const bidi = bidiFactory();
const mirrorOf = (ch: string): string => bidi.getMirroredCharacter(ch) ?? ch;

/** What libass shows for an escaped Text field, or the offending position if anything would change its state. */
function readLiterally(field: string): { text: string } | { override: number } {
  let text = "";
  for (let i = 0; i < field.length; i++) {
    const ch = field[i]!;
    if (ch === "{" || ch === "}") return { override: i };
    if (ch !== "\\") {
      text += ch;
      continue;
    }
    const next = field[i + 1];
    if (next === "{" || next === "}") text += next;
    else if (next === "N") text += "\n";
    else if (next === WJ) text += "\\";
    else return { override: i }; // \n, \h, \b1, \fs…: a tag or a special libass would act on
    i++;
  }
  return { text };
}

/** The text as the escaper promises to show it: CRLF as LF, trimmed, tabs as spaces, other controls dropped. */
function shown(s: string): string {
  return [...s.replace(/\r\n?/g, "\n").trim()]
    .map((c) => (c === "\t" ? " " : c))
    .filter((c) => c === "\n" || !(c.codePointAt(0)! < 0x20 || c.codePointAt(0) === 0x7f))
    .join("");
}

/** Any Unicode, weighted towards what breaks ASS: braces, backslashes, tag letters, line breaks, controls. */
const hostile = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("{", "}", "\\", "N", "n", "h", "b", "1", "\n", "\r", "\t", "\u0000", "\u007f", "&", "H", "(", ")", ",", WJ) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom("🎉", "👩🏽‍💻", "مرحبا", "שלום", "日本語", "é", "e\u0301", "ก่") },
  ),
  maxLength: 60,
});

describe("escapeAssText over any Unicode string", () => {
  it("never lets user text change libass's state, and shows it literally", () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const read = readLiterally(escapeAssText(s));
        expect(read).toEqual({ text: shown(s) });
      }),
      { numRuns: 2000 },
    );
  });

  it("also for full-range strings (any code point, lone surrogates included)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 80 }), (s) => {
        expect(readLiterally(escapeAssText(s))).toEqual({ text: shown(s) });
      }),
      { numRuns: 2000 },
    );
  });
});

describe("buildAss over arbitrary caption words", () => {
  let fonts: CaptionFonts;
  beforeAll(async () => {
    fonts = await loadCaptionFonts({ font: "DejaVu Sans", bold: true });
  });

  /** The override blocks buildAss itself writes: position, font, size, colours; nothing else. */
  const OWN_BLOCK = /^\{(?:\\(?:an[1-9]|pos\(-?[\d.]+,-?[\d.]+\)|fn[^\\{}]+|fs[\d.]+|[1-4]c&H[0-9A-F]{6,8}&|[1-4]a&H[0-9A-F]{2}&|b[01]|bord[\d.]+|shad[\d.]+|fsp-?[\d.]+|fscx[\d.]+|fscy[\d.]+|q[0-3]|r))*\}$/;

  it("every override block in a Dialogue is one of its own; the rest reads back as the words", () => {
    const word = hostile.map((s) => s.replace(/\s+/g, "")).filter((s) => shown(s).length > 0);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (words) => {
        const captions = CaptionsSchema.parse({
          style: { font: "DejaVu Sans", sizePx: 72, highlightColor: "#ffd21f", position: "bottom" },
          cues: [{ start: 0, end: 2, text: words.join(" "), words: words.map((text, i) => ({ text, start: i * 0.3, end: i * 0.3 + 0.25 })) }],
        });
        const dialogues = buildAss(captions, { width: 1080, height: 1920 }, fonts)
          .split("\n")
          .filter((l) => l.startsWith("Dialogue:"));
        expect(dialogues.length).toBeGreaterThan(0);
        for (const d of dialogues) {
          const field = d.split(",").slice(9).join(",");
          // Split the field into its own blocks and the text between them.
          let rest = "";
          for (const part of field.split(/(?<!\\)(\{[^{}]*(?<!\\)\})/)) {
            if (part.startsWith("{") && OWN_BLOCK.test(part)) continue;
            rest += part;
          }
          const read = readLiterally(rest);
          expect(read, `${JSON.stringify(words)} -> ${field}`).toHaveProperty("text");
          // Layout may break lines and hyphenate, and drops skin tones for the monochrome emoji font
          // (caption-script.ts); every other character of the words is there.
          const visible = (read as { text: string }).text.replace(/[\n\s\u00ad\u2010-]/g, "");
          // Right-to-left runs are written in visual order, with paired brackets mirrored (UAX #9, L4).
          for (const w of words)
            for (const ch of shown(w).replace(/[\s\u00ad\u2010-]|\p{Emoji_Modifier}/gu, "")) expect(visible.includes(ch) || visible.includes(mirrorOf(ch)), ch).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
