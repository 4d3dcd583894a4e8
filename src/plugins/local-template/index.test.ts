import { describe, expect, it } from "vitest";
import { type ScriptInput, WORDS_PER_SECOND } from "../spec";
import { describeProviderContract } from "../spec/contract-kit";
import { localContext, tempDir } from "../testing";
import { localTemplateProvider } from ".";
import { buildTemplateScript, toneOf } from "./template";

const campaign = {
  product: "Stride running shoes",
  audience: "weekend runners",
  message: "Lighter shoes for faster miles. Cushioning that lasts, and a fit that stays put.",
  tone: "friendly",
};
const sample: ScriptInput = { campaign, targetDurationSec: 30 };

describeProviderContract("local-template", () => localTemplateProvider, (init) => localContext(init), sample);

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe("local-template script", () => {
  it.each([
    [15, 5],
    [30, 6],
    [60, 7],
  ])("a %i s ad has hook + benefits + CTA = %i scenes, sized to the target", (target, scenes) => {
    const script = buildTemplateScript({ ...campaign, tone: "friendly" }, target, WORDS_PER_SECOND);
    expect(script.scenes).toHaveLength(scenes);
    const total = script.scenes.reduce((s, x) => s + x.durationSec, 0);
    expect(total).toBeGreaterThanOrEqual(target * 0.9);
    expect(total).toBeLessThanOrEqual(target * 1.35);
    for (const scene of script.scenes) expect(scene.durationSec).toBeGreaterThanOrEqual(words(scene.narration) / WORDS_PER_SECOND);
  });

  it("uses the campaign: product, audience, message phrases and its call to action", () => {
    const script = buildTemplateScript({ ...campaign, callToAction: "Shop Stride now" }, 30, WORDS_PER_SECOND);
    const all = JSON.stringify(script);
    expect(script.hook).toMatch(/Stride running shoes/);
    expect(all).toMatch(/weekend runners/);
    expect(all).toMatch(/Lighter shoes for faster miles/);
    expect(script.callToAction).toBe("Shop Stride now.");
    expect(script.scenes.at(-1)?.narration).toBe("Shop Stride now.");
  });

  it("recognises tones and is deterministic", () => {
    expect(toneOf("Bold and loud")).toBe("bold");
    expect(toneOf("something else")).toBe("friendly");
    const a = buildTemplateScript({ ...campaign, tone: "urgent" }, 30, WORDS_PER_SECOND);
    const b = buildTemplateScript({ ...campaign, tone: "urgent" }, 30, WORDS_PER_SECOND);
    expect(a).toEqual(b);
    expect(a.hook).not.toEqual(buildTemplateScript({ ...campaign, tone: "calm" }, 30, WORDS_PER_SECOND).hook);
  });

  it("warns (does not fail) for a language it cannot write", async () => {
    const outputDir = await tempDir();
    const ctx = localContext({ signal: new AbortController().signal, outputDir, options: localTemplateProvider.optionsSchema.parse(undefined) });
    const result = await localTemplateProvider.doGenerateScript({ ...sample, language: "fr" }, ctx);
    expect(result.warnings).toEqual([expect.objectContaining({ type: "unsupported-setting", setting: "language" })]);
  });
});
