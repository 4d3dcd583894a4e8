/**
 * The render's QA through the pipeline, against real parts (PostgreSQL, graphile-worker, local providers, ffmpeg):
 * every render is checked after assembly, the report is stored with it and shown in the API, the history and the
 * webhook; a failed check makes it "succeeded with warnings" (the video is still delivered).
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QA_CHECK_IDS, parseQaReport } from "~/render/qa/report";
import { ff } from "~/render/testing";
import { renderBody } from "~/server/api/rest/v1";
import { listHistory } from "~/server/services/history";
import { assembleRender } from "~/server/services/pipeline/assemble";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender } from "~/server/services/renders";
import { deliverWebhook } from "~/server/services/webhooks";
import { storage } from "~/server/storage";
import { makeWorld, type World } from "./auth/fixtures";
import { testDb, waitFor } from "./helpers/db";
import { withWorker } from "./helpers/worker";

let w: World;
let campaignId = "";
let server: Server;
let port = 0;
const bodies: unknown[] = [];

beforeAll(async () => {
  w = await makeWorld();
  const c = await createCampaign(
    testDb(),
    { name: "QA pipeline", product: "Trailblazer hiking boots", audience: "weekend hikers", message: "Waterproof all day. Light as a sneaker.", targetSeconds: 10, fps: 24 },
    { userId: w.marketerA.id, teamId: w.teamA.id },
  );
  campaignId = c.id;
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      bodies.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await testDb().$disconnect();
});

const verdicts = (qa: unknown) => Object.fromEntries((parseQaReport(qa)?.checks ?? []).map((c) => [c.id, c.verdict]));

async function webhookBody(renderId: string) {
  const db = testDb();
  const t = await db.apiToken.create({ data: { userId: w.marketerA.id, name: "qa", tokenHash: randomUUID(), webhookUrl: `http://127.0.0.1:${port}/hook`, webhookSecret: "whsec_test" } });
  await db.render.update({ where: { id: renderId }, data: { apiTokenId: t.id } });
  bodies.length = 0;
  await deliverWebhook(db, { renderId, tokenId: t.id, event: "render.succeeded" }, { allowPrivate: true });
  return bodies[0] as { render: { outcome: string; qa: { warnings: number; checks: { id: string; verdict: string; details: string[] }[] } } };
}

describe("render QA in the pipeline", () => {
  let renderId = "";

  it("checks a real render after assembly and stores the report with it", async () => {
    const db = testDb();
    const r = await queueRender(db, { campaignId, preset: "preview", queuedById: w.marketerA.id });
    const done = await withWorker(() =>
      waitFor(async () => {
        const x = await db.render.findUniqueOrThrow({ where: { id: r.id } });
        return x.status === "succeeded" || x.status === "failed" ? x : null;
      }, 150_000, "the render to finish"),
    );
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    renderId = done.id;
    const qa = parseQaReport(done.qa)!;
    expect(qa.checks.map((c) => c.id)).toEqual([...QA_CHECK_IDS]);
    expect(done.qaWarnings).toBe(qa.checks.filter((c) => c.verdict === "failed").length);
    // What a render from the local providers gets right whatever else changes: speech in every scene over a mastered
    // mix, moving pictures, full-size cards, drawable text. (Length and text placement are other work's to fix.)
    expect(verdicts(done.qa)).toMatchObject({
      voice: "passed",
      "narration-silence": "passed",
      "black-frames": "passed",
      "frozen-frames": "passed",
      loudness: "passed",
      "true-peak": "passed",
      glyphs: "passed",
      // No photos: every scene is a motion background, so there is no photo to check for upscaling.
      upscale: "skipped",
    });
    expect((done.stageTimings as Record<string, number>)["assemble.qa"]).toBeGreaterThan(0);

    // The API and the history say the same.
    const body = renderBody(done);
    expect(body.outcome).toBe(done.qaWarnings ? "succeeded_with_warnings" : "succeeded");
    expect(body.qaWarnings).toBe(done.qaWarnings);
    const page = await listHistory(db, w.admin, { status: body.outcome, campaignId });
    expect(page.items.map((i) => i.id)).toContain(done.id);
    expect(page.items.find((i) => i.id === done.id)?.outcome).toBe(body.outcome);
    const other = await listHistory(db, w.admin, { status: done.qaWarnings ? "succeeded" : "succeeded_with_warnings", campaignId });
    expect(other.items.map((i) => i.id)).not.toContain(done.id);
  });

  it("a silent voiceover makes the render 'succeeded with warnings', naming the scene, in the API, history and webhook", async () => {
    const db = testDb();
    const source = await db.render.findUniqueOrThrow({ where: { id: renderId }, include: { assets: true } });
    // The same render again, its first scene's voiceover replaced by 3 s of digital silence.
    const store = await storage();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "rf-qa-silent-"));
    const silent = path.join(dir, "silent.wav");
    await ff(["-f", "lavfi", "-i", "anullsrc=r=24000:cl=mono", "-t", "3", silent]);
    const copy = await db.render.create({
      data: { campaignId: source.campaignId, queuedById: source.queuedById, status: "running", stage: "assemble", preset: "preview", settings: source.settings as object, startedAt: new Date() },
    });
    const key = `renders/${copy.id}/silent.wav`;
    await store.putFile(key, silent);
    for (const { id: _id, renderId: _r, attempts, data, ...a } of source.assets) {
      const isFirstVoice = a.kind === "voiceover" && a.sceneIndex === 0;
      await db.renderAsset.create({
        data: { ...a, renderId: copy.id, attempts: attempts as object, ...(data === null ? {} : { data: data as object }), ...(isFirstVoice ? { file: key, durationSec: 3, mimeType: "audio/wav" } : {}) },
      });
    }
    const outcome = await assembleRender(db, copy.id, { signal: new AbortController().signal });
    expect(outcome).toMatch(/^succeeded .*QA warnings/);
    const done = await db.render.findUniqueOrThrow({ where: { id: copy.id } });
    expect(done.status).toBe("succeeded");
    expect(done.outputFile).toBeTruthy();
    const qa = parseQaReport(done.qa)!;
    const voice = qa.checks.find((c) => c.id === "voice")!;
    expect(voice.verdict).toBe("failed");
    expect(voice.details).toEqual([expect.stringMatching(/^scene 1: 0\.0 s of speech/)]);
    expect(done.qaWarnings).toBeGreaterThanOrEqual(1);

    expect(renderBody(done).outcome).toBe("succeeded_with_warnings");
    const page = await listHistory(db, w.admin, { status: "succeeded_with_warnings", campaignId });
    expect(page.items.map((i) => i.id)).toContain(copy.id);
    const hook = await webhookBody(copy.id);
    expect(hook.render.outcome).toBe("succeeded_with_warnings");
    expect(hook.render.qa.warnings).toBe(done.qaWarnings);
    expect(hook.render.qa.checks.find((c) => c.id === "voice")).toMatchObject({ verdict: "failed" });
    await fs.rm(dir, { recursive: true, force: true });
  });
});
