import { describe, expect, it } from "vitest";
import { latinSpeakable, lineLanguage } from "./languages";

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

describe("latinSpeakable", () => {
  it("leaves out and names other-script runs, keeps Latin words, digits and emoji in order", () => {
    expect(latinSpeakable("Try 桜の保湿クリーム today ✨")).toEqual({ spoken: "Try today ✨", unspoken: ["桜の保湿クリーム"] });
    expect(latinSpeakable("Meet שלום לכולם and Привет, 2 for $30.")).toEqual({ spoken: "Meet and , 2 for $30.", unspoken: ["שלום לכולם", "Привет"] });
    expect(latinSpeakable("Café déjà vu, naïve Ünïcödé")).toEqual({ spoken: "Café déjà vu, naïve Ünïcödé", unspoken: [] });
    const decomposed = "Cafe\u0301 nai\u0308ve"; // combining marks after Latin letters stay spoken
    expect(latinSpeakable(decomposed)).toEqual({ spoken: decomposed, unspoken: [] });
    expect(latinSpeakable("Buy मुफ़्त today")).toEqual({ spoken: "Buy today", unspoken: ["मुफ़्त"] }); // marks inside a run
  });
});
