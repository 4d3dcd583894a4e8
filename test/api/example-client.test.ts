/**
 * The typed client example (examples/api-client.ts) renders the example campaign from scratch
 * with only a token, over real HTTP, with a real worker, PostgreSQL, the local providers and
 * ffmpeg. And its generated types match the OpenAPI document the app serves.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { briefToVideo } from "../../examples/api-client";
import { apiTypesSource } from "../../scripts/api-types-source";
import { createApiToken } from "~/server/services/api-tokens";
import { makeWorld, discardRenders, type World } from "../auth/fixtures";
import { testDb } from "../helpers/db";
import { describeVideo } from "../helpers/media";
import { startApiServer } from "../helpers/api-server";
import { withWorker } from "../helpers/worker";

const root = path.resolve(import.meta.dirname, "../..");
let w: World | undefined;
afterAll(async () => {
  if (w) await discardRenders({ campaign: { teamId: w.teamA.id } });
});

describe("examples/api-client.ts", () => {
  it("its generated types are those of the current OpenAPI document (npm run api:types)", async () => {
    expect(fs.readFileSync(path.join(root, "examples/reelfarm-api.d.ts"), "utf8")).toBe(await apiTypesSource());
  });

  it("goes from the example brief to a video with only an API token", async () => {
    w = await makeWorld();
    const { token } = await createApiToken(testDb(), w.marketerA.id, { name: "example client" });
    const server = await startApiServer();
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rf-api-example-")), "ad.mp4");
    const lines: string[] = [];
    try {
      const result = await withWorker(() => briefToVideo({ baseUrl: server.url, token, campaignFile: path.join(root, "examples/campaign.json"), out, preset: "preview", log: (l) => lines.push(l) }));
      expect(result.render.status, lines.join("\n")).toBe("succeeded");
      const campaign = await testDb().campaign.findUniqueOrThrow({ where: { id: result.campaignId }, include: { images: true } });
      expect(campaign.teamId).toBe(w.teamA.id);
      expect(campaign.images).toHaveLength(1);
      const v = await describeVideo(out);
      // The preview preset: 540x960, the same 9:16 frame as the final 1080x1920 at half the size.
      expect([v.width, v.height, v.videoCodec, v.audioCodec]).toEqual([540, 960, "h264", "aac"]);
      expect(v.durationSec).toBeGreaterThan(10);
      expect(fs.statSync(out).size).toBe(result.bytes);
    } finally {
      await server.close();
    }
  }, 400_000);
});
