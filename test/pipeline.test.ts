/**
 * The whole render path against real parts: PostgreSQL, graphile-worker, the local providers
 * (offline voice, template script, procedural music, brand cards) and ffmpeg.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runFfmpeg } from "~/render/ffmpeg";
import { addCampaignImages } from "~/server/services/uploads";
import { afterAll, describe, expect, it } from "vitest";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender, retryRender } from "~/server/services/renders";
import { parseRenderSegments } from "~/server/services/render-segments";
import { storage } from "~/server/storage";
import { testDb, waitFor } from "./helpers/db";
import { describeVideo } from "./helpers/media";
import { withWorker } from "./helpers/worker";

const brief = {
  name: "Pipeline test",
  product: "Trailblazer hiking boots",
  audience: "weekend hikers",
  message: "Waterproof all day. Light as a sneaker.",
  targetSeconds: 10,
  fps: 30 as const,
  musicMood: "calm" as const,
};

afterAll(async () => {
  await testDb().$disconnect();
});

async function finished(id: string, timeoutMs = 150_000) {
  return waitFor(async () => {
    const r = await testDb().render.findUniqueOrThrow({ where: { id }, include: { assets: true } });
    return r.status === "succeeded" || r.status === "failed" || r.status === "cancelled" ? r : null;
  }, timeoutMs, `render ${id} to finish`);
}

describe("render pipeline", () => {
  it("a queued render is picked up by a worker and succeeds with a valid MP4", async () => {
    const db = testDb();
    const c = await createCampaign(db, brief);
    const r = await queueRender(db, { campaignId: c.id, preset: "final" });
    expect(r.status).toBe("queued");
    const done = await withWorker(() => finished(r.id));
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(done.progress).toBe(100);
    const file = await (await storage()).localPath(done.outputFile!);
    const v = await describeVideo(file);
    expect(v).toMatchObject({ width: 1080, height: 1920, fps: 30, videoCodec: "h264", audioCodec: "aac" });
    const narration = done.assets.filter((a) => a.kind === "voiceover").reduce((s, a) => s + (a.durationSec ?? 0), 0);
    expect(narration).toBeGreaterThan(3);
    // The timeline is fitted to the target (test/length proves it for every length and voice chain).
    expect(v.durationSec).toBeLessThanOrEqual(brief.targetSeconds);
    expect(v.durationSec).toBeGreaterThanOrEqual(brief.targetSeconds - 0.5);
    // Every asset was made by a local provider and recorded.
    const kinds = done.assets.map((a) => a.kind).sort();
    expect(kinds.filter((k) => k === "voiceover").length).toBe(kinds.filter((k) => k === "image").length);
    expect(kinds).toContain("music");
    expect(done.assets.every((a) => a.status === "succeeded" && a.providerId && a.file)).toBe(true);
    // The segments the engine joined are recorded on the render and tile the whole video.
    const segments = parseRenderSegments(done.segments);
    expect(segments).not.toBeNull();
    expect(segments!.at(-1)!.startFrame + segments!.at(-1)!.frames).toBe(Math.round(done.durationSec! * 30));
    expect(segments!.length).toBe(done.cacheHits + done.cacheMisses);
    const timings = done.stageTimings as Record<string, number>;
    expect(timings.script).toBeGreaterThanOrEqual(0);
    expect(timings.assemble).toBeGreaterThan(0);
  });

  it("renders user text with ASS braces, backslashes, quotes, emoji and Arabic literally", async () => {
    const db = testDb();
    const c = await createCampaign(db, {
      ...brief,
      name: `Tricky {\\b1}text\\N "quoted" 'single' 🚀`,
      product: `Boots {\\fs200}BIG\\ 🥾 "pro"`,
      message: `مرحبا بالعالم. Braces {here} and \\backslashes\\ and 'quotes'; $(rm -rf /) && echo pwned`,
      targetSeconds: 15, // room for the whole tricky message and the CTA (an 8 s ad cannot say it: a fit error)
    });
    const r = await queueRender(db, { campaignId: c.id, preset: "preview" });
    const done = await withWorker(() => finished(r.id));
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(fs.existsSync(await (await storage()).localPath(done.outputFile!))).toBe(true);
  });

  it("a second render of the same campaign reuses the cached Ken Burns clips", async () => {
    const db = testDb();
    const c = await createCampaign(db, { ...brief, targetSeconds: 6, musicMood: "none" });
    const img = path.join(os.tmpdir(), `kb-${process.pid}.png`);
    await runFfmpeg(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=800x1200", "-frames:v", "1", img], { raw: true });
    await addCampaignImages(db, c.id, [{ name: "product.png", bytes: fs.readFileSync(img) }]);
    const [first, second] = await withWorker(async () => {
      const a = await finished((await queueRender(db, { campaignId: c.id, preset: "preview" })).id);
      const b = await finished((await queueRender(db, { campaignId: c.id, preset: "preview" })).id);
      return [a, b];
    });
    expect(first.status).toBe("succeeded");
    expect(second.status).toBe("succeeded");
    expect(first.cacheMisses).toBeGreaterThan(0);
    expect(second.cacheHits).toBe(first.cacheMisses + first.cacheHits);
    expect(second.cacheMisses).toBe(0);
    // The render page's segment list says the same: the second render's segments are the first's, all reused.
    const [seg1, seg2] = [parseRenderSegments(first.segments)!, parseRenderSegments(second.segments)!];
    expect(seg1.filter((s) => s.hit).length).toBe(first.cacheHits);
    expect(seg2.map((s) => [s.startFrame, s.frames, s.bytes])).toEqual(seg1.map((s) => [s.startFrame, s.frames, s.bytes]));
    expect(seg2.every((s) => s.hit && s.buildMs === 0)).toBe(true);
    const entries = await db.cacheEntry.findMany();
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => !path.isAbsolute(e.file))).toBe(true);
    expect(entries.reduce((a, e) => a + e.hits, 0)).toBeGreaterThanOrEqual(second.cacheHits);
  });

  it("retrying a failed render reuses its generated assets (no provider called again)", async () => {
    const db = testDb();
    const c = await createCampaign(db, { ...brief, targetSeconds: 6 });
    const r = await queueRender(db, { campaignId: c.id, preset: "preview" });
    const first = await withWorker(() => finished(r.id));
    expect(first.status).toBe("succeeded");
    // Pretend the assembly failed, then retry: assets keep their rows, files and attempts.
    await db.render.update({ where: { id: r.id }, data: { status: "failed", stage: "failed", error: "simulated" } });
    const before = await db.renderAsset.findMany({ where: { renderId: r.id }, orderBy: { id: "asc" } });
    await retryRender(db, r.id);
    const second = await withWorker(() => finished(r.id));
    expect(second.status).toBe("succeeded");
    expect(second.attempt).toBe(2);
    const after = await db.renderAsset.findMany({ where: { renderId: r.id }, orderBy: { id: "asc" } });
    expect(after.map((a) => [a.id, a.file, a.sha256, JSON.stringify(a.attempts)])).toEqual(before.map((a) => [a.id, a.file, a.sha256, JSON.stringify(a.attempts)]));
  });
});
