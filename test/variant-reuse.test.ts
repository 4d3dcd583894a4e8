/**
 * Issue 13: a batch variant with another hook reuses the encoded segments of every other scene. Real parts:
 * PostgreSQL (the CacheEntry index), graphile-worker, the local providers (the campaign's saved script, flite voice, brand
 * cards drawn as motion backgrounds) and ffmpeg/libass.
 *
 * A campaign is rendered, then a variant of it with a longer hook line. The stable fit (pipeline/timeline-fit.ts)
 * keeps scenes 2..n frame for frame, so the variant finds in the cache every segment of those scenes and of the
 * transitions after them (the crossfade into the end card too: a motion background's frames do not depend on its
 * length); it encodes only the hook's body (other captions), the hook's transition into scene 2 (the hook's frames
 * and captions are in it) and the end card's body (its length absorbs the hook's). The output's frames from scene
 * 2 to the end card's first frames are then the base render's, byte for byte.
 */
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ff } from "~/render/testing";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender } from "~/server/services/renders";
import { storage } from "~/server/storage";
import { testDb, waitFor } from "./helpers/db";
import { describeVideo } from "./helpers/media";
import { withWorker } from "./helpers/worker";

const tag = `${process.pid}-${Date.now()}`;
const brief = {
  name: `Variant reuse ${tag}`,
  product: "Lumen desk lamp",
  audience: "people who work late",
  message: "Warm light that never glares. Charges in an hour. Lasts a whole week.",
  callToAction: "Get your Lumen today.",
  targetSeconds: 20,
  fps: 30 as const,
  musicMood: "calm" as const,
};
// The campaign's saved script (renders use it): a short hook, three lines, the CTA. The tag in the pictures'
// prompts makes this run's motion backgrounds (seeded by them) its own, so the base render finds nothing cached.
const scene = (narration: string, onScreenText: string) => ({ narration, onScreenText, visualPrompt: `${onScreenText} (${tag})`, durationSec: 3 });
const script = {
  title: "Lumen",
  hook: "Working late again?",
  callToAction: brief.callToAction,
  scenes: [
    scene("Working late again?", "Working late again?"),
    scene("Lumen gives warm light that never glares.", "Warm light, no glare"),
    scene("It charges in an hour and lasts a whole week.", "A week on one charge"),
    scene("Dim it, tilt it, and forget it is there.", "Dim it, tilt it"),
    scene(brief.callToAction, "Get your Lumen"),
  ],
};
const HOOK = "Still squinting at your screen long after dark?";

afterAll(async () => {
  await testDb().$disconnect();
});

async function finished(id: string) {
  return waitFor(async () => {
    const r = await testDb().render.findUniqueOrThrow({ where: { id }, include: { assets: true } });
    return r.status === "succeeded" || r.status === "failed" || r.status === "cancelled" ? r : null;
  }, 240_000, `render ${id} to finish`);
}

interface Row {
  key: string;
  hits: number;
  params: { kind: "body" | "transition"; scene: number; frames: number };
}
const rows = async (): Promise<Map<string, Row>> =>
  // Segments only (the cache also holds encoded soundtracks, kind "soundtrack").
  new Map(
    (await testDb().cacheEntry.findMany({ select: { key: true, hits: true, params: true } }))
      .filter((r) => (r.params as { kind?: string } | null)?.kind !== "soundtrack")
      .map((r) => [r.key, r as unknown as Row]),
  );
const label = (r: Row) => `${r.params.kind} ${r.params.scene}`;

/** Every video frame's MD5 (ffmpeg's framemd5 muxer), in output order. */
async function frameHashes(file: string): Promise<string[]> {
  const out = path.join(os.tmpdir(), `rf-framemd5-${process.pid}-${Date.now()}.txt`);
  await ff(["-i", file, "-map", "0:v:0", "-f", "framemd5", out]);
  const text = await readFile(out, "utf8");
  return text
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(",").at(-1)!.trim());
}

describe("a hook variant reuses the segments of the other scenes", () => {
  it("misses only the hook's body, its transition and the end card; scenes 2..n come from the cache, frame for frame", async () => {
    const db = testDb();
    const c = await createCampaign(db, brief);
    await db.campaign.update({ where: { id: c.id }, data: { scriptOverride: script } });
    const before = await rows();
    const base = await withWorker(async () => finished((await queueRender(db, { campaignId: c.id, preset: "preview" })).id));
    expect(base.error).toBeNull();
    expect(base.status).toBe("succeeded");
    const afterBase = await rows();
    const baseRows = [...afterBase.values()].filter((r) => !before.has(r.key));
    const rendered = base.assets.find((a) => a.kind === "script")!.data as { scenes: { narration: string }[] };
    expect(rendered.scenes.map((s) => s.narration)).toEqual(script.scenes.map((s) => s.narration));
    const n = script.scenes.length;
    // Cold: one new segment per scene body (n scenes + the end card) and per transition (n - 1 between the script's
    // scenes, one crossfade into the end card).
    expect(base.cacheHits).toBe(0);
    expect(base.cacheMisses).toBe(2 * n + 1);
    expect(baseRows.map(label).sort()).toEqual(
      [...Array.from({ length: n + 1 }, (_, i) => `body ${i}`), ...Array.from({ length: n }, (_, i) => `transition ${i}`)].sort(),
    );

    const variant = await withWorker(async () => finished((await queueRender(db, { campaignId: c.id, preset: "preview", variant: { hook: HOOK } })).id));
    expect(variant.error).toBeNull();
    expect(variant.status).toBe("succeeded");
    const vScript = variant.assets.find((a) => a.kind === "script")!.data as { scenes: { narration: string }[] };
    expect(vScript.scenes[0]!.narration).toBe(HOOK);
    // The same lines and pictures after the hook (the script's own length estimates may differ: the fit uses the voice).
    const shown = (s: { scenes: object[] }) => s.scenes.slice(1).map((x) => ({ ...x, durationSec: undefined }));
    expect(shown(vScript)).toEqual(shown(rendered));
    const afterVariant = await rows();
    const hit = [...afterVariant.values()].filter((r) => r.hits > (afterBase.get(r.key)?.hits ?? 0));
    const built = [...afterVariant.values()].filter((r) => !afterBase.has(r.key));
    const missed = ["body 0", "transition 0", `body ${n}`];
    // Reused: every body of scenes 2..n and every transition between them; encoded: the three that changed.
    expect(hit.map(label).sort()).toEqual(baseRows.map(label).filter((l) => !missed.includes(l)).sort());
    expect(built.map(label).sort()).toEqual([...missed].sort());
    expect(variant.cacheHits).toBe(2 * n - 2);
    expect(variant.cacheMisses).toBe(3);
    // The hook's line is longer, so the hook scene is longer and the end card shorter by as much.
    const frames = (rs: Row[], l: string) => rs.find((r) => label(r) === l)!.params.frames;
    const hookDelta = frames(built, "body 0") + frames(built, "transition 0") - frames(baseRows, "body 0") - frames(baseRows, "transition 0");
    expect(hookDelta).toBeGreaterThan(0);
    expect(frames(baseRows, `body ${n}`) - frames(built, `body ${n}`)).toBe(hookDelta);

    // Both meet the target; the frames of scenes 2..n (after the hook's transition, before the end card) are equal.
    const store = await storage();
    const [baseFile, variantFile] = [await store.localPath(base.outputFile!), await store.localPath(variant.outputFile!)];
    for (const file of [baseFile, variantFile]) {
      const v = await describeVideo(file);
      expect(v.durationSec).toBeLessThanOrEqual(brief.targetSeconds);
      expect(v.durationSec).toBeGreaterThanOrEqual(brief.targetSeconds - 0.5);
    }
    const [a, b] = await Promise.all([frameHashes(baseFile), frameHashes(variantFile)]);
    expect(b.length).toBe(a.length);
    const headA = frames(baseRows, "body 0") + frames(baseRows, "transition 0");
    const headB = headA + hookDelta;
    const tail = frames(baseRows, `body ${n}`);
    const middleA = a.slice(headA, a.length - tail);
    const middleB = b.slice(headB, b.length - tail + hookDelta);
    expect(middleA.length).toBeGreaterThan(30 * 8);
    expect(middleB).toEqual(middleA);
    // And the hook really differs (its captions).
    expect(b.slice(0, headA)).not.toEqual(a.slice(0, headA));
  }, 600_000);
});
