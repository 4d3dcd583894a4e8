/**
 * Preview = render with Gemini configured (the real SDK against the fake Gemini API): the preview
 * is written by Gemini (its cost returned), checked like a render's script (the must-say line the
 * fake leaves out is added word for word, with a note), saved, and render:start uses exactly it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeGemini } from "~/plugins/google/fake-server";
import { type Script } from "~/plugins/spec/schemas";
import { createCampaign } from "~/server/services/campaigns";
import { generateScriptPreview } from "~/server/services/dashboard-script";
import { startRender } from "~/server/services/pipeline/start";
import { queueRender } from "~/server/services/renders";
import { discardRenders } from "../auth/fixtures";
import { testDb } from "../helpers/db";
import { useFakeGemini } from "../helpers/google";

let fake: FakeGemini;
let campaignId = "";
beforeAll(async () => {
  fake = await useFakeGemini();
});
afterAll(async () => {
  if (campaignId) await discardRenders({ campaignId });
  vi.unstubAllEnvs();
  await fake.close();
});

describe("script preview with Gemini configured", () => {
  it("is written by Gemini (cost shown), covers the brief, and is the script the render uses", async () => {
    const c = await createCampaign(testDb(), {
      name: "Preview = render",
      product: "Trailblazer boots",
      audience: "hikers",
      message: "Waterproof all day. Light as a sneaker.",
      targetSeconds: 20,
      voice: "Kore",
      cta: { text: "Find your pair today", url: "trail.example" },
      mustSay: ["Free returns for 60 days."],
    });
    campaignId = c.id;
    fake.resetCalls();
    const preview = await generateScriptPreview(testDb(), c.id);
    expect(preview.provider).toBe("Gemini script");
    expect(preview.costUsd).toBeGreaterThan(0);
    expect(fake.callsOf("script").length).toBeGreaterThanOrEqual(1);
    const spoken = preview.script.scenes.map((s) => s.narration).join(" ");
    expect(spoken).toContain("Free returns for 60 days.");
    expect(preview.script.scenes.at(-1)!.narration).toBe("Find your pair today.");
    expect(preview.script.notes?.join(" ")).toMatch(/Gemini script left out the must-say line “Free returns for 60 days\.”/);

    const calls = fake.callsOf("script").length;
    const r = await queueRender(testDb(), { campaignId: c.id, preset: "preview" });
    await startRender(testDb(), r.id);
    const asset = await testDb().renderAsset.findFirstOrThrow({ where: { renderId: r.id, kind: "script" } });
    expect(asset.providerId).toBe("user");
    expect((asset.data as unknown as Script).scenes.map((s) => s.narration)).toEqual(preview.script.scenes.map((s) => s.narration));
    // The render did not write a script of its own.
    expect(fake.callsOf("script").length).toBe(calls);
  });
});
