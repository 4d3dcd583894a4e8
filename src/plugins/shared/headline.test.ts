import { describe, expect, it } from "vitest";
import { buildTemplateScript } from "../local-template/template";
import { scriptTiming } from "~/shared/brief-fit";
import { TONES } from "../spec";
import { ctaHeadline, endCardCta, englishFigures, headlineOf, headlineWords, isCallToAction, MAX_HEADLINE_WORDS, withHeadlines } from "./headline";

const stm32 = {
  product: "Nucleo-F4 Discovery Kit",
  audience: "embedded engineering students and hobbyists",
  message: "A full ARM Cortex-M4 lab on one board. Built-in debugger, no extra probe needed. Motion sensors and eight LEDs ready to code. Order yours today for under thirty dollars.",
  tone: "bold",
};

/** Every word of `h` is a word of `source` as written (figures aside): a headline shortens, it does not invent. */
function wordsFrom(h: string, source: string) {
  const norm = (s: string) => englishFigures(s).toLowerCase().replace(/[^\p{L}\p{N}$%\s-]/gu, " ").split(/\s+/).filter(Boolean);
  const src = new Set(norm(source));
  return norm(h).every((w) => src.has(w));
}

describe("headlineOf", () => {
  it.each([
    ["A full ARM Cortex-M4 lab on one board.", "ARM Cortex-M4 lab on one board"],
    ["Order yours today for under thirty dollars.", "Under $30"],
    ["Motion sensors and eight LEDs ready to code.", "Motion sensors and 8 LEDs"],
    ["Get twenty percent off your first order with code GLOW.", "20% off"],
    ["Whiter teeth in ten days.", "Whiter teeth in 10 days"],
    ["Designed for teams that value their time.", "Designed for teams"],
    ["Stop scrolling. Nucleo-F4 Discovery Kit changes the game.", "Stop scrolling"],
    ["Nuestro sérum ilumina la piel en solo dos semanas sin complicaciones.", "Nuestro sérum ilumina la piel"],
  ])("%j -> %j", (text, want) => {
    const lang = text.startsWith("Nuestro") ? "es" : "en";
    expect(headlineOf(text, { language: lang })).toBe(want);
  });

  it("keeps any sentence to at most 6 whole words, never an ellipsis, never a cut word, never a dangling function word", () => {
    const sentences = [
      ...stm32.message.split(". "),
      "Looking for something better, busy professionals in their late twenties? Say hi to Glow Vitamin C Serum.",
      "Lightweight and absorbs in seconds without leaving any sticky residue on your skin",
      "Make the switch to the Nucleo-F4 Discovery Kit now and start coding with eight LEDs",
      "Wasserstoffperoxidzahnaufhellungsgel",
      "Un laboratoire ARM complet sur une seule carte avec débogueur intégré et huit LED",
    ];
    for (const s of sentences) {
      const h = headlineOf(s, { language: s.startsWith("Un ") ? "fr" : "en" });
      expect(headlineWords(h)).toBeGreaterThanOrEqual(1);
      expect(headlineWords(h)).toBeLessThanOrEqual(MAX_HEADLINE_WORDS);
      expect(h).not.toContain("…");
      expect(wordsFrom(h, s)).toBe(true);
      expect(h.split(/\s+/).at(-1)!.toLowerCase()).not.toMatch(/^(a|an|the|and|or|for|with|to|of|in|on|sur|avec|et|une)$/);
    }
  });

  it("counts words, not characters, in Japanese", () => {
    const h = headlineOf("フクロウ印の保湿クリームは乾燥肌のための毎日のケアです", { language: "ja" });
    expect(h.length).toBeGreaterThan(2);
    expect(headlineWords(h, "ja")).toBeLessThanOrEqual(MAX_HEADLINE_WORDS);
    expect("フクロウ印の保湿クリームは乾燥肌のための毎日のケアです".startsWith(h)).toBe(true);
  });

  it("withHeadlines rewrites narration-length or truncated on-screen text and keeps good headlines", () => {
    const r = withHeadlines({
      scenes: [
        { narration: "x", onScreenText: "No probe needed" },
        { narration: "Order yours today for under thirty dollars.", onScreenText: "Order yours today for under thirty…" },
        { narration: "A full ARM Cortex-M4 lab on one board.", onScreenText: "" },
        { narration: "x", onScreenText: "A full ARM Cortex-M4 lab on one board, with a debugger" },
      ],
    });
    expect(r.script.scenes.map((s) => s.onScreenText)).toEqual(["No probe needed", "Under $30", "ARM Cortex-M4 lab on one board", "ARM Cortex-M4 lab on one board"]);
    expect(r.changed.map((c) => c.scene)).toEqual([1, 2, 3]);
  });
});

describe("the template's on-screen text", () => {
  it("is a headline per scene made from the brief (STM32 campaign, 20 s), not the narration", () => {
    const script = buildTemplateScript({ ...stm32, mustSay: ["Free shipping on every order."], callToAction: "Order yours today." }, 30, scriptTiming(30, "slt"));
    const heads = script.scenes.map((s) => s.onScreenText);
    expect(heads).toContain("Nucleo-F4 Discovery Kit");
    expect(heads).toContain("ARM Cortex-M4 lab on one board");
    expect(heads).toContain("Under $30");
    expect(heads).toContain("Free shipping");
    for (const [i, s] of script.scenes.entries()) {
      expect(headlineWords(s.onScreenText)).toBeLessThanOrEqual(MAX_HEADLINE_WORDS);
      expect(s.onScreenText).not.toContain("…");
      // Only a line short enough to be a headline is shown as said.
      if (headlineWords(s.narration) > MAX_HEADLINE_WORDS) expect(s.onScreenText.replace(/\W/g, ""), `scene ${i}`).not.toBe(s.narration.replace(/\W/g, ""));
    }
  });
});

describe("the call to action on screen", () => {
  it("ctaHeadline keeps the CTA's verb, its offer as a figure and the URL, in at most 6 words", () => {
    const cases: [string, string | undefined, string][] = [
      ["Order yours today for under thirty dollars.", undefined, "Order yours today for under $30"],
      ["Order yours today for under thirty dollars", "st.com/nucleo", "Order yours today · Under $30 · st.com/nucleo"],
      ["Order yours at st.com for under thirty dollars", "st.com/nucleo", "Order yours · Under $30 · st.com/nucleo"],
      ["Shop Stride now", "@stride", "Shop Stride now · @stride"],
      ["Book a free demo of the full analytics platform with our team this week", undefined, "Book a free demo"],
    ];
    for (const [cta, url, want] of cases) {
      const h = ctaHeadline(cta, url ? { url } : {});
      expect(h, cta).toBe(want);
      expect(headlineWords(h)).toBeLessThanOrEqual(MAX_HEADLINE_WORDS);
      // withHeadlines keeps it as it is (no second shortening to the offer alone).
      expect(withHeadlines({ scenes: [{ narration: cta, onScreenText: h }] }).changed).toEqual([]);
    }
    // The end card shows the whole CTA, figures and no closing full stop.
    expect(endCardCta("Order yours today for under thirty dollars.")).toBe("Order yours today for under $30");
    expect(endCardCta("Pide el tuyo hoy por treinta dólares.", "es")).toBe("Pide el tuyo hoy por treinta dólares");
    expect(endCardCta("Wait for it...")).toBe("Wait for it...");
    // headlineOf alone turns an offer sentence into its offer: right for a claim, wrong for the CTA.
    expect(headlineOf("Order yours today for under thirty dollars")).toBe("Under $30");
  });

  it("isCallToAction: imperatives that close an ad, in the template's languages", () => {
    for (const s of ["Order yours today for under thirty dollars.", "Shop the drop now", "Sign up free", "Bestellen Sie noch heute.", "Découvrez la gamme", "¡Prueba Lumen hoy!"]) expect(isCallToAction(s), s).toBe(true);
    for (const s of ["A full ARM Cortex-M4 lab on one board.", "Motion sensors and eight LEDs ready to code.", "Getaway weekends for two", "Ordered by thousands"]) expect(isCallToAction(s), s).toBe(false);
  });

  it("the template closes on the brief's own call to action: the message's CTA sentence (STM32, no CTA field), else a headline naming the product", () => {
    for (const target of [10, 20, 30]) {
      const script = buildTemplateScript(stm32, target, scriptTiming(target, "slt"));
      const last = script.scenes.at(-1)!;
      expect(last.narration).toBe("Order yours today for under thirty dollars.");
      expect(last.onScreenText).toBe("Order yours today for under $30");
      expect(script.callToAction).toBe("Order yours today for under thirty dollars.");
      // Said once, as the CTA; no fixed phrase.
      expect(script.scenes.filter((s) => s.narration.includes("Order yours"))).toHaveLength(1);
      expect(JSON.stringify(script)).not.toMatch(/Make the switch|Get Nucleo-F4 Discovery Kit now/);
    }
    // A campaign whose message has no CTA: the tone's phrase is spoken, the screen names the product.
    const products = ["Nucleo-F4 Discovery Kit", "Glow Vitamin C Serum", "Stride"];
    for (const tone of TONES)
      for (const product of products) {
        const script = buildTemplateScript({ ...stm32, product, tone, message: "A full ARM Cortex-M4 lab on one board." }, 20, scriptTiming(20, "slt"));
        const head = script.scenes.at(-1)!.onScreenText;
        expect(head.toLowerCase(), `${tone}: ${script.scenes.at(-1)!.narration}`).toContain(product.toLowerCase());
        expect(headlineWords(head)).toBeLessThanOrEqual(MAX_HEADLINE_WORDS);
      }
  });
});
