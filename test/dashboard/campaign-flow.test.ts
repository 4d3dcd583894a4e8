/** Script preview (generate, edit, save: used by renders) and batches of variants; cache purge. */
import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SessionUser } from "~/server/auth/session";
import { purgeCache, PURGE_KEEP_RECENT_MS } from "~/server/services/admin-cache";
import { CACHE_PREFIX } from "~/server/services/segment-cache";
import { queueBatch } from "~/server/services/dashboard";
import { generateScriptPreview, saveScriptOverride } from "~/server/services/dashboard-script";
import { queueRender, renderSettingsSchema } from "~/server/services/renders";
import { storage } from "~/server/storage";
import { Prisma } from "~/server/generated/prisma/client";
import { testDb } from "../helpers/db";
import { discardRenders, makeWorld, type World } from "../auth/fixtures";

let w: World;
let user: SessionUser;

beforeAll(async () => {
  w = await makeWorld();
  user = { ...w.marketerA, role: "marketer" };
});

afterAll(async () => {
  await discardRenders({ campaignId: w.campaignA.id });
});

describe("script preview", () => {
  it("writes the script with the render's chain and saves it: the previewed (or edited) script is what renders use", async () => {
    const preview = await generateScriptPreview(testDb(), w.campaignA.id);
    expect(preview).toMatchObject({ provider: "Template script (offline)", costUsd: 0, fallbackReason: null });
    const script = preview.script;
    expect(script.scenes.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(script)).toContain("Trailblazer");
    expect((await testDb().campaign.findUniqueOrThrow({ where: { id: w.campaignA.id } })).scriptOverride).toEqual(script);
    const edited = { ...script, scenes: script.scenes.map((s, i) => (i === 1 ? { ...s, narration: "Edited by hand." } : s)) };
    await saveScriptOverride(testDb(), w.campaignA.id, edited);
    const r = await queueRender(testDb(), { campaignId: w.campaignA.id, preset: "preview", queuedById: user.id });
    expect(renderSettingsSchema.parse(r.settings).script?.scenes[1]?.narration).toBe("Edited by hand.");
    await expect(saveScriptOverride(testDb(), w.campaignA.id, { ...edited, scenes: [] })).rejects.toThrow();
    // Too long for the campaign's length: refused, saying why.
    const long = { ...edited, scenes: edited.scenes.map((s) => ({ ...s, narration: `${s.narration} ${"And one more thing to say about these boots. ".repeat(3)}` })) };
    await expect(saveScriptOverride(testDb(), w.campaignA.id, long)).rejects.toThrow(/takes about .* s to say; a 8 s ad has room/);
    await saveScriptOverride(testDb(), w.campaignA.id, null);
    expect((await testDb().campaign.findUniqueOrThrow({ where: { id: w.campaignA.id } })).scriptOverride).toBeNull();
  });

  it("an edit that drops a must-say line or the CTA is refused, naming the line", async () => {
    await testDb().campaign.update({ where: { id: w.campaignA.id }, data: { mustSay: ["Waterproof."], cta: { text: "Get yours" } } });
    try {
      const { script } = await generateScriptPreview(testDb(), w.campaignA.id);
      expect(script.scenes.map((s) => s.narration).join(" ")).toMatch(/Waterproof\..*Get yours\./);
      const without = { ...script, scenes: script.scenes.map((s) => ({ ...s, narration: s.narration.replace("Waterproof.", "Dry.").replace("Get yours.", "Buy.") })) };
      await expect(saveScriptOverride(testDb(), w.campaignA.id, without)).rejects.toThrow(/must-say line “Waterproof\.”.*call to action “Get yours”/);
    } finally {
      await testDb().campaign.update({ where: { id: w.campaignA.id }, data: { mustSay: [], cta: Prisma.DbNull, scriptOverride: Prisma.DbNull } });
    }
  });
});

describe("batches of variants", () => {
  it("queue every hook x voice combination under one batch id", async () => {
    const b = await queueBatch(testDb(), user, { campaignId: w.campaignA.id, preset: "preview", hooks: ["One", "Two", "Three"], voices: ["slt", "kal"] });
    expect(b.renderIds).toHaveLength(6);
    const rows = await testDb().render.findMany({ where: { id: { in: b.renderIds } } });
    expect(new Set(rows.map((r) => r.batchId))).toEqual(new Set([b.batchId]));
    const variants = rows.map((r) => renderSettingsSchema.parse(r.settings).variant).map((v) => `${v.hook}/${v.voice}`);
    expect(new Set(variants).size).toBe(6);
    expect(rows.every((r) => r.queuedById === user.id && r.preset === "preview")).toBe(true);
    await expect(queueBatch(testDb(), user, { campaignId: w.campaignA.id, hooks: ["Only one"] })).rejects.toThrow(/at least two variants/);
  });
});

describe("cache purge", () => {
  it("deletes rows and files not used recently, keeps what a render may be reading", async () => {
    const store = await storage();
    const old = new Date(Date.now() - PURGE_KEEP_RECENT_MS - 60_000);
    const mk = async (key: string, lastUsedAt: Date) => {
      const file = `${CACHE_PREFIX}/${key.slice(0, 2)}/${key}-${"0".repeat(16)}.mp4`;
      await store.putBuffer(file, Buffer.alloc(1000));
      await testDb().cacheEntry.create({ data: { key, file, bytes: BigInt(1000), sha256: "0".repeat(64), params: {}, lastUsedAt } });
      return file;
    };
    const stale = await mk("aa".repeat(32), old);
    const fresh = await mk("bb".repeat(32), new Date());
    const r = await purgeCache(testDb());
    expect(r.entries).toBeGreaterThanOrEqual(1);
    expect(await testDb().cacheEntry.findUnique({ where: { key: "aa".repeat(32) } })).toBeNull();
    expect(await store.stat(stale)).toBeNull();
    expect(await testDb().cacheEntry.findUnique({ where: { key: "bb".repeat(32) } })).not.toBeNull();
    expect(await fs.stat(await store.localPath(fresh))).toBeTruthy();
  });
});
