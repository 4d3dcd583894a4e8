import { describe, expect, it } from "vitest";
import { lineLanguage } from "./languages";

describe("lineLanguage", () => {
  it.each([
    ["مرحبا بالعالم. Braces {here}", "en", "ar"],
    ["שלום לכולם", "en-US", "he"],
    ["東京で買える", "en", "ja"], // kana makes Han Japanese
    ["新品上市", "en", "zh"],
    ["새로운 조명", "fr", "ko"],
    ["हमारे नए स्टोर", "de", "hi"],
    ["Привет, мир", "en", "ru"],
  ])("%s in a %s campaign is spoken as %s", (text, campaign, want) => {
    expect(lineLanguage(text, campaign)).toBe(want);
  });

  it.each([
    ["Boots 🥾 with a name: Müller", "en"], // Latin with emoji and diacritics
    ["Try Nucleo 東京 today, everyone", "en"], // mostly Latin
    ["12 345 !!!", "en"], // no letters
    ["Reelfarm はすごい", "ja"], // a non-Latin campaign language keeps its own
  ])("%s stays in the campaign's language (%s)", (text, campaign) => {
    expect(lineLanguage(text, campaign)).toBe(campaign);
  });
});
