/**
 * Properties of the campaign schema (fast-check): any brief made of valid fields parses, keeps its
 * text literally (trimmed) and parses again to the same value after a JSON round trip (what the
 * dashboard, the API and job payloads do with it); a brief with one field made invalid is refused
 * with an error on that field.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { campaignFieldsSchema, campaignInputSchema, CAPTION_PRESETS, fieldErrors, FONTS, MUSIC_MOODS, TONES } from "./campaign";

/** Text as users type it: any Unicode (braces, backslashes, RTL, emoji), no control characters, not blank. */
const text = (max: number) =>
  fc
    .string({ unit: fc.oneof(fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }), fc.constantFrom("{", "}", "\\", "\"", "'", "$(", "`", "🎉", "مرحبا", "日本")), minLength: 1, maxLength: Math.min(max, 80) })
    .map((s) => s.replace(/[\u0000-\u001f\u007f]/g, ""))
    .filter((s) => s.trim().length > 0 && s.trim().length <= max);
const hex = fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, "0")}`);

const brief = fc.record(
  {
    name: text(120),
    product: text(200),
    audience: text(300),
    message: text(600),
    tone: fc.constantFrom(...TONES),
    targetSeconds: fc.integer({ min: 6, max: 90 }),
    fps: fc.constantFrom(24, 30),
    voice: fc.constantFrom("slt", "kal", "awb", "rms", "Kore", "Puck"),
    musicMood: fc.constantFrom(...MUSIC_MOODS),
    brandColor: hex,
    captionStyle: fc.record(
      {
        preset: fc.constantFrom(...CAPTION_PRESETS),
        font: fc.constantFrom(...FONTS),
        sizePx: fc.integer({ min: 32, max: 160 }),
        primaryColor: hex,
        outlinePx: fc.integer({ min: 0, max: 12 }),
        position: fc.constantFrom("bottom", "center", "top"),
        uppercase: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    cta: fc.record({ text: text(100), url: fc.constantFrom(undefined, "shop.example.com/boots", "@trailblazer", "https://example.com/a?b=c") }, { requiredKeys: ["text"] }),
    mustSay: fc.array(text(200), { maxLength: 6 }),
  },
  { requiredKeys: ["name", "product", "audience", "message"] },
);

describe("campaign schema properties", () => {
  it("parses any valid brief, keeps its text literally and round-trips through JSON", () => {
    fc.assert(
      fc.property(brief, (b) => {
        const parsed = campaignFieldsSchema.parse(b);
        expect(parsed.name).toBe(b.name.trim());
        expect(parsed.message).toBe(b.message.trim());
        if (b.cta) expect(parsed.cta?.text).toBe(b.cta.text.trim());
        expect(parsed.mustSay).toEqual((b.mustSay ?? []).map((s) => s.trim()));
        const again = campaignFieldsSchema.parse(JSON.parse(JSON.stringify(parsed)));
        expect(again).toEqual(parsed);
        // The full schema adds only the fit of the CTA and must-say lines (and the voice): nothing else may fail.
        const full = campaignInputSchema.safeParse(b);
        if (!full.success) for (const k of Object.keys(fieldErrors(full.error))) expect(k).toMatch(/^(cta\.text|mustSay\.\d+|voice)$/);
      }),
      { numRuns: 400 },
    );
  });

  /** One field broken at a time, and the field the error must name. */
  const broken = fc.oneof(
    fc.constantFrom("", "   ", "\t\n").map((v) => ["name", v] as const),
    fc.string({ minLength: 1, maxLength: 5 }).map((s) => ["product", `ok${s}\u0007`] as const),
    fc.integer({ min: 121, max: 400 }).map((n) => ["name", "x".repeat(n)] as const),
    fc.string({ minLength: 1 }).filter((s) => !(TONES as readonly string[]).includes(s)).map((s) => ["tone", s] as const),
    fc.oneof(fc.integer({ min: -100, max: 5 }), fc.integer({ min: 91, max: 10_000 }), fc.double({ min: 6.01, max: 89.99, noInteger: true })).map((n) => ["targetSeconds", n] as const),
    fc.string({ maxLength: 8 }).filter((s) => !/^#[0-9a-fA-F]{6}$/.test(s)).map((s) => ["brandColor", s] as const),
    fc.constantFrom(12, 25, 60, "30").map((v) => ["fps", v] as const),
    fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !["slt", "kal", "awb", "rms", "espeak-f", "espeak-m", "Kore", "Puck", "Charon", "Aoede"].includes(s)).map((s) => ["voice", s] as const),
    fc.array(fc.constant("Free shipping."), { minLength: 7, maxLength: 10 }).map((a) => ["mustSay", a] as const),
  );

  it("refuses a brief with one invalid field, naming that field", () => {
    fc.assert(
      fc.property(brief, broken, (b, [field, value]) => {
        const r = campaignFieldsSchema.safeParse({ ...b, [field]: value });
        expect(r.success).toBe(false);
        expect(Object.keys(fieldErrors(r.error!))).toContain(field);
      }),
      { numRuns: 400 },
    );
  });
});
