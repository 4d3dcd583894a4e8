import { describe, expect, it } from "vitest";
import { type ScriptInput } from "../spec";
import { scriptTiming } from "~/shared/brief-fit";
import { missingLines, scriptSec, sentencesOf } from "../shared/coverage";
import { describeProviderContract } from "../spec/contract-kit";
import { localContext, tempDir } from "../testing";
import { localTemplateProvider } from ".";
import { PHRASE_BANKS } from "./phrases";
import { buildTemplateScript, toneOf } from "./template";

const campaign = {
  product: "Stride running shoes",
  audience: "weekend runners",
  message: "Lighter shoes for faster miles. Cushioning that lasts, and a fit that stays put.",
  tone: "friendly",
};
const sample: ScriptInput = { campaign, targetDurationSec: 30 };

describeProviderContract("local-template", () => localTemplateProvider, (init) => localContext(init), sample);

const timing = (target: number) => scriptTiming(target, "slt");
const stm32 = {
  product: "Nucleo-F4 Discovery Kit",
  audience: "embedded engineering students and hobbyists",
  message: "A full ARM Cortex-M4 lab on one board. Built-in debugger, no extra probe needed. Motion sensors and eight LEDs ready to code. Order yours today for under thirty dollars.",
  tone: "friendly",
};

describe("local-template script", () => {
  it("keeps the message's sentences whole (no split at commas) and says every one at 20 s", () => {
    const script = buildTemplateScript(stm32, 20, timing(20));
    const spoken = script.scenes.map((s) => s.narration);
    for (const line of sentencesOf(stm32.message)) expect(spoken.some((n) => n.startsWith(line))).toBe(true);
    expect(spoken.join(" ")).not.toMatch(/^No extra probe needed/m);
    expect(script.notes ?? []).toEqual([]);
    expect(scriptSec(script, timing(20))).toBeLessThanOrEqual(timing(20).budgetSec);
  });

  it.each([6, 10, 15, 20, 30, 60, 90])("a %i s ad fits the scenes' budget at the voice's pace", (target) => {
    const t = timing(target);
    const script = buildTemplateScript({ ...campaign, callToAction: "Shop Stride now" }, target, t);
    expect(scriptSec(script, t)).toBeLessThanOrEqual(t.budgetSec);
    expect(script.scenes[0]!.narration).toMatch(/Stride running shoes/);
    expect(script.scenes.at(-1)!.narration).toBe("Shop Stride now.");
  });

  it("at 6 s: hook and CTA only, and the notes name what was left out", () => {
    const script = buildTemplateScript(stm32, 6, timing(6));
    expect(script.scenes).toHaveLength(2);
    expect(script.notes).toEqual(sentencesOf(stm32.message).map((s) => `Left out (does not fit 6 s): “${s}”`));
  });

  it("says every must-say line and the call to action word for word; the URL is on screen, not spoken", () => {
    const mustSay = ["Under thirty dollars", "Free shipping in the EU, terms apply."];
    const script = buildTemplateScript({ ...stm32, mustSay, callToAction: "Order yours at st.com", callToActionUrl: "st.com/nucleo" }, 15, timing(15));
    expect(missingLines(script, { mustSay, callToAction: "Order yours at st.com" })).toEqual({ mustSay: [], cta: null });
    expect(script.scenes.at(-1)!.narration).toBe("Order yours at st.com.");
    expect(script.scenes.at(-1)!.onScreenText).toContain("st.com/nucleo");
    expect(scriptSec(script, timing(15))).toBeLessThanOrEqual(timing(15).budgetSec);
  });

  it("recognises tones and is deterministic", () => {
    expect(toneOf("Bold and loud")).toBe("bold");
    expect(toneOf("something else")).toBe("friendly");
    const a = buildTemplateScript({ ...campaign, tone: "urgent" }, 30, timing(30));
    const b = buildTemplateScript({ ...campaign, tone: "urgent" }, 30, timing(30));
    expect(a).toEqual(b);
    expect(a.hook).not.toEqual(buildTemplateScript({ ...campaign, tone: "calm" }, 30, timing(30)).hook);
  });

  it("writes its fixed phrases in es, pt, fr, de, it: no English sentence in them", async () => {
    const outputDir = await tempDir();
    const ctx = localContext({ signal: new AbortController().signal, outputDir, options: localTemplateProvider.optionsSchema.parse(undefined) });
    const en = PHRASE_BANKS.en!;
    const englishPhrases = [...Object.values(en.tones).flatMap((t) => [...t.hooks, ...t.ctas, ...t.elaborations])].map((p) =>
      p.replaceAll("{product}", campaign.product).replaceAll("{audience}", campaign.audience).replace(/[.!?]$/, ""),
    );
    for (const language of ["es", "pt", "fr", "de", "it"]) {
      const result = await localTemplateProvider.doGenerateScript({ ...sample, language }, ctx);
      expect(result.warnings).toEqual([]);
      const text = result.script.scenes.map((s) => s.narration).join(" ");
      for (const phrase of englishPhrases) expect(text, `${language} contains "${phrase}"`).not.toContain(phrase);
      // The marketer's own sentences are kept verbatim.
      expect(text).toContain("Lighter shoes for faster miles.");
    }
  });

  it("a language without phrases (Arabic, Japanese): only the campaign's own sentences, with its punctuation, and a warning", async () => {
    const outputDir = await tempDir();
    const ctx = localContext({ signal: new AbortController().signal, outputDir, options: localTemplateProvider.optionsSchema.parse(undefined) });
    const ar = { product: "مصباح لومن", audience: "محبي السهر", message: "ضوء دافئ لا يبهر العين. يشحن في ساعة ويدوم أسبوعا كاملا ✨", tone: "friendly" };
    const r = await localTemplateProvider.doGenerateScript({ campaign: ar, targetDurationSec: 20, language: "ar" }, ctx);
    expect(r.warnings).toEqual([expect.objectContaining({ type: "unsupported-setting", setting: "language" })]);
    expect(r.script.scenes.map((s) => s.narration)).toEqual(["مصباح لومن.", "ضوء دافئ لا يبهر العين.", "يشحن في ساعة ويدوم أسبوعا كاملا ✨", "مصباح لومن!"]);
    expect(JSON.stringify(r.script.scenes.map((s) => [s.narration, s.onScreenText]))).not.toMatch(/[A-Za-z]/);

    const ja = { product: "ルーメンランプ", audience: "夜型の人", message: "まぶしくない暖かい光。一時間で充電、一週間長持ち。", tone: "calm" };
    const j = await localTemplateProvider.doGenerateScript({ campaign: ja, targetDurationSec: 20, language: "ja" }, ctx);
    expect(j.script.scenes.map((s) => s.narration)).toEqual(["ルーメンランプ。", "まぶしくない暖かい光。", "一時間で充電、一週間長持ち。", "ルーメンランプ！"]);
  });
});
