/**
 * A render whose ffmpeg fails ends as failed with a short, stable error (no stderr, no paths:
 * those go to the server log only), and leaves no temp files. ffmpeg here is a wrapper around the real one that fails the final
 * assembly (the run writing the .part output) the way a broken filter graph would.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createCampaign } from "~/server/services/campaigns";
import { queueRender } from "~/server/services/renders";
import { USER_ERRORS } from "~/server/services/pipeline/user-error";
import { testDb, waitFor } from "./helpers/db";
import { withWorker } from "./helpers/worker";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-ffmpeg-"));
// This process's temp files go to a private TMPDIR, so other processes' files can't blur the check.
const privateTmp = fs.mkdtempSync(path.join(os.tmpdir(), "ffmpeg-failure-tmp-"));
const tmpEntries = () => fs.readdirSync(privateTmp);

beforeAll(() => {
  const real = "/usr/bin/ffmpeg";
  fs.writeFileSync(
    path.join(dir, "ffmpeg"),
    `#!/bin/sh
for a in "$@"; do
  case "$a" in *.part) echo "[Parsed_subtitles_0 @ 0x55] Unable to open captions.ass" >&2; echo "Error initializing complex filters. Invalid argument" >&2; exit 1;; esac
done
exec ${real} "$@"
`,
    { mode: 0o755 },
  );
  fs.symlinkSync("/usr/bin/ffprobe", path.join(dir, "ffprobe"));
  vi.stubEnv("FFMPEG_PATH", path.join(dir, "ffmpeg"));
  vi.stubEnv("TMPDIR", privateTmp);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(privateTmp, { recursive: true, force: true });
  await testDb().$disconnect();
});

describe("ffmpeg failure", () => {
  it("fails the render with a stable message (not ffmpeg's stderr) and removes its temp files", async () => {
    expect(os.tmpdir()).toBe(privateTmp);
    const before = new Set(tmpEntries());
    const db = testDb();
    const c = await createCampaign(db, { name: "Doomed", product: "Boots", audience: "Hikers", message: "Waterproof.", targetSeconds: 6, musicMood: "none" });
    const r = await queueRender(db, { campaignId: c.id, preset: "preview" });
    const done = await withWorker(() =>
      waitFor(async () => {
        const x = await db.render.findUniqueOrThrow({ where: { id: r.id } });
        return x.status === "failed" || x.status === "succeeded" ? x : null;
      }, 120_000, "render to fail"),
    );
    expect(done.status).toBe("failed");
    expect(done.error).toBe(USER_ERRORS.ffmpeg);
    expect(done.error).not.toMatch(/captions\.ass|complex filters|\//);
    expect(done.outputFile).toBeNull();
    expect(tmpEntries().filter((f) => !before.has(f))).toEqual([]);
  });
});
