/**
 * The campaign language: a validated BCP-47 tag, voices that can speak it (a field-level error
 * otherwise), and an Arabic campaign rendered end to end with the offline voice, measured to have
 * speech in every scene.
 */
import { afterAll, describe, expect, it } from "vitest";
import { campaignInputSchema, fieldErrors, voicesFor } from "~/shared/campaign";
import { directionOf } from "~/shared/languages";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender, renderSettingsSchema } from "~/server/services/renders";
import { buildPlan } from "~/server/services/pipeline/plan-builder";
import { storage } from "~/server/storage";
import { testDb, waitFor } from "./helpers/db";
import { voicedSeconds } from "./helpers/media";
import { withWorker } from "./helpers/worker";

const good = { name: "Launch", product: "Boots", audience: "Hikers", message: "Waterproof." };
const errorsOf = (input: unknown) => {
  const r = campaignInputSchema.safeParse(input);
  return r.success ? {} : fieldErrors(r.error);
};

afterAll(() => testDb().$disconnect());

describe("campaign language", () => {
  it("defaults to en and keeps a canonical BCP-47 tag", () => {
    expect(campaignInputSchema.parse(good).language).toBe("en");
    expect(campaignInputSchema.parse({ ...good, language: "pt-br", voice: "espeak-f" }).language).toBe("pt-BR");
    expect(campaignInputSchema.parse({ ...good, language: "zh-hant", voice: "espeak-m" }).language).toBe("zh-Hant");
  });

  it.each(["english", "en_US", "", "x", "12", "ar--EG", "ar-"])("refuses %j as a field-level error on language", (language) => {
    expect(errorsOf({ ...good, language })["language"]).toMatch(/not a BCP-47 language tag/);
  });

  it.each([
    ["slt", "ar", /cannot speak Arabic \(ar\)/],
    ["Kore", "he", /cannot speak Hebrew \(he\)/],
    ["espeak-f", "tlh", /no voice can speak Klingon/],
  ])("voice %s in %s is a field-level error on voice", (voice, language, message) => {
    expect(errorsOf({ ...good, voice, language })["voice"]).toMatch(message);
  });

  it("offers only voices that speak the language", () => {
    expect(voicesFor("en").map((v) => v.id)).toEqual(["slt", "kal", "awb", "rms", "espeak-f", "espeak-m", "Kore", "Puck", "Charon", "Aoede"]);
    expect(voicesFor("he").map((v) => v.id)).toEqual(["espeak-f", "espeak-m"]);
    expect(voicesFor("ar-EG").map((v) => v.id)).toEqual(["espeak-f", "espeak-m", "Kore", "Puck", "Charon", "Aoede"]);
    expect(voicesFor("tlh")).toEqual([]);
  });

  it("captions get the language and its direction", () => {
    expect(["ar", "he", "fa", "ur", "az-Arab"].map(directionOf)).toEqual(["rtl", "rtl", "rtl", "rtl", "rtl"]);
    expect(["en", "ja", "hi", "az", "zh-Hant"].map(directionOf)).toEqual(["ltr", "ltr", "ltr", "ltr", "ltr"]);
    const settings = renderSettingsSchema.parse({
      campaignId: "c",
      campaign: campaignInputSchema.parse({ ...good, language: "he", voice: "espeak-f" }),
      images: [],
      preset: "preview",
    });
    const plan = buildPlan({ settings, script: { title: "t", hook: "h", callToAction: "c", scenes: [{ narration: "שלום", onScreenText: "", visualPrompt: "p", durationSec: 2 }] }, scenes: [] });
    expect(plan.captions).toMatchObject({ language: "he", direction: "rtl" });
  });

  it("a batch variant voice that cannot speak the language is refused at queue time", async () => {
    const db = testDb();
    const c = await createCampaign(db, { ...good, language: "he", voice: "espeak-f" });
    await expect(queueRender(db, { campaignId: c.id, preset: "preview", variant: { voice: "Kore" } })).rejects.toThrow(/Kore cannot speak Hebrew/);
    expect(await db.render.count({ where: { campaignId: c.id } })).toBe(0);
  });

  it("an Arabic campaign with the offline voice has audible speech in every scene of the MP4", async () => {
    const db = testDb();
    const c = await createCampaign(db, {
      name: "إطلاق الربيع ✨",
      product: "مصباح لومن",
      audience: "محبي السهر",
      message: "ضوء دافئ لا يبهر العين. يشحن في ساعة ويدوم أسبوعا كاملا 🌙",
      targetSeconds: 10,
      musicMood: "none",
      language: "ar",
      voice: "espeak-f",
    });
    const r = await queueRender(db, { campaignId: c.id, preset: "preview" });
    const done = await withWorker(() =>
      waitFor(async () => {
        const x = await db.render.findUniqueOrThrow({ where: { id: r.id }, include: { assets: true } });
        return x.status === "succeeded" || x.status === "failed" ? x : null;
      }, 180_000, "the Arabic render"),
    );
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    const script = done.assets.find((a) => a.kind === "script")!.data as { scenes: { narration: string }[] };
    expect(script.scenes.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(script.scenes.map((s) => s.narration))).not.toMatch(/[A-Za-z]/);
    const voices = done.assets.filter((a) => a.kind === "voiceover").sort((a, b) => a.sceneIndex - b.sceneIndex);
    expect(voices.every((v) => v.providerId === "local-voice")).toBe(true);
    // Scene windows on the output timeline: each scene's voiceover starts where the previous scenes end.
    const out = await (await storage()).localPath(done.outputFile!);
    let t = 0;
    for (const v of voices) {
      const d = v.durationSec ?? 0;
      const voiced = await voicedSeconds(out, t, d);
      expect(voiced, `scene ${v.sceneIndex}: ${voiced.toFixed(2)} s voiced of ${d.toFixed(2)} s`).toBeGreaterThan(Math.min(0.8, d * 0.4));
      t += d + 0.12;
    }
  }, 240_000);
});
