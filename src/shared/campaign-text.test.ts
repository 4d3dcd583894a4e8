import { describe, expect, it } from "vitest";
import { campaignInputSchema } from "./campaign";

/** Text as marketers type it in other markets: kept exactly (no normalisation, nothing stripped). */
const SAMPLES = [
  "Cafe\u0301 cre\u0300me", // combining marks (not NFC)
  "👨\u200d👩\u200d👧 family pack 👍🏽",
  "Glow Serum الجديد ✨ 新品 {\\b1}",
  "हिन्दी क्रीम",
  "ครีมบำรุงผิว",
];

describe("campaign text fields", () => {
  it("accept combining marks, ZWJ sequences, skin tones, mixed scripts and ASS syntax, and keep them literally", () => {
    for (const s of SAMPLES) {
      const c = campaignInputSchema.parse({ name: s, product: s, audience: s, message: s, cta: { text: s }, mustSay: [s], targetSeconds: 30 });
      expect([c.name, c.product, c.audience, c.message, c.cta?.text, c.mustSay[0]]).toEqual([s, s, s, s, s, s]);
    }
  });
});
