/**
 * Queueing is refused when no provider of the voiceover chain can speak the campaign's language:
 * here the offline voice has no espeak-ng (PROVIDER_OPTIONS points it elsewhere) and Google has
 * no key, so Arabic has no speaker while English still has flite.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { voicesFor } from "~/shared/campaign";
import { createCampaign } from "~/server/services/campaigns";
import { QueueRefusedError, queueRender } from "~/server/services/renders";
import { discardRenders } from "./auth/fixtures";
import { testDb } from "./helpers/db";

// Read by env() on first use, after the imports above and before any test runs.
vi.stubEnv("PROVIDER_OPTIONS", JSON.stringify({ "local-voice": { espeakPath: "/nonexistent/espeak-ng" } }));
vi.stubEnv("GEMINI_API_KEY", "");

afterAll(() => testDb().$disconnect());

describe("queueing a language nobody can speak", () => {
  it("is refused with a message naming the language, and nothing is queued", async () => {
    const db = testDb();
    const c = await createCampaign(db, { name: "AR", product: "مصباح", audience: "الجميع", message: "ضوء دافئ.", language: "ar", voice: "espeak-f" });
    const err = await queueRender(db, { campaignId: c.id, preset: "preview" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueRefusedError);
    expect((err as Error).message).toMatch(/No voice provider can speak Arabic \(ar\) \(tried local-voice\)/);
    expect(await db.render.count({ where: { campaignId: c.id } })).toBe(0);

    const en = await createCampaign(db, { name: "EN", product: "Lamp", audience: "All", message: "Warm light." });
    await expect(queueRender(db, { campaignId: en.id, preset: "preview" })).resolves.toMatchObject({ status: "queued" });
    await discardRenders({ campaignId: en.id });
  });

  it("Japanese: Google voices only (espeak-ng reads kanji as 'Chinese letter'); without Google TTS queueing says so", async () => {
    expect(voicesFor("ja").map((v) => v.provider)).toEqual(["google", "google", "google", "google"]);
    const db = testDb();
    const c = await createCampaign(db, { name: "JA", product: "桜の保湿クリーム", audience: "みなさん", message: "一日中しっとり。", language: "ja", voice: "Kore" });
    const err = await queueRender(db, { campaignId: c.id, preset: "preview" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueRefusedError);
    expect((err as Error).message).toMatch(/No voice provider can speak Japanese \(ja\) \(tried local-voice\)\. No offline voice speaks it \(.*Chinese letter.*\): configure Google TTS \(GEMINI_API_KEY\)/);
    expect(await db.render.count({ where: { campaignId: c.id } })).toBe(0);
  });
});
