/**
 * Two of the three failing inputs found in the field (issue 10; copies of ../shared/cases/<name>/campaign.json in
 * test/fixtures/field-cases/), rendered the way `npm run render` does (campaign file schema, queue, worker,
 * real ffmpeg/libass). Each must now render correctly:
 * - emoji-caption: the emoji are captioned and every one has a font;
 * - long-word-overflow: the 36-letter product name is captioned and every caption line stays in the safe area.
 * The render's own checks measure it: "safe-zone" draws the render's captions with libass and measures each
 * line's box; "glyphs" asks fontconfig for a face covering every grapheme drawn (src/render/qa). Each check's
 * failing case is proven in src/render/qa/qa.test.ts.
 * FIELD_CASES_KEEP=/some/dir keeps each MP4 there, with a frame at the cue that shows the hard text.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "~/render/ffmpeg";
import { QaReportSchema } from "~/render/qa/report";
import { campaignFileSchema } from "~/shared/campaign";
import { createCampaign } from "~/server/services/campaigns";
import { onScreenKey, type onScreenText } from "~/server/services/pipeline/plan-builder";
import { queueRender } from "~/server/services/renders";
import { storage } from "~/server/storage";
import { testDb, waitFor } from "./helpers/db";
import { describeVideo } from "./helpers/media";
import { withWorker } from "./helpers/worker";

afterAll(async () => {
  await testDb().$disconnect();
});

/**
 * All three cases of ../shared/cases. cjk-tofu's English offline voice cannot pronounce "桜の保湿クリーム": the voice
 * leaves it out and says so (a warning), the rest is spoken, and the captions, headline and end card draw it.
 */
const CASES: { name: string; hard: RegExp }[] = [
  { name: "emoji-caption", hard: /\p{Extended_Pictographic}/u },
  { name: "long-word-overflow", hard: /Wasserstoffperoxid|zahnaufhellungsgel/ },
  { name: "cjk-tofu", hard: /桜の保湿クリーム/ },
];

describe("the field cases render correctly", () => {
  it("emoji, a 36-letter word and a Japanese product name: captioned, every character drawn by a font, every line inside the safe area", async () => {
    const db = testDb();
    const ids: Record<string, string> = {};
    for (const c of CASES) {
      const file = campaignFileSchema.parse(JSON.parse(await fs.readFile(path.join(import.meta.dirname, "fixtures", "field-cases", `${c.name}.json`), "utf8")));
      const { images: _images, ...brief } = file;
      const campaign = await createCampaign(db, { ...brief, musicMood: "none" });
      ids[c.name] = (await queueRender(db, { campaignId: campaign.id, preset: "preview" })).id;
    }
    const done = await withWorker(() =>
      waitFor(async () => {
        const rs = await db.render.findMany({ where: { id: { in: Object.values(ids) } } });
        return rs.every((r) => ["succeeded", "failed", "cancelled"].includes(r.status)) ? rs : null;
      }, 280_000, "the field cases to render"),
    );
    const store = await storage();
    for (const c of CASES) {
      const r = done.find((x) => x.id === ids[c.name])!;
      expect(r.error, c.name).toBeNull();
      expect(r.status, c.name).toBe("succeeded");
      const onScreen = JSON.parse(await fs.readFile(await store.localPath(onScreenKey(r.id)), "utf8")) as ReturnType<typeof onScreenText>;
      const cue = onScreen.captions.find((x) => c.hard.test(x.text));
      expect(cue, `${c.name}: a caption shows ${c.hard}: ${onScreen.captions.map((x) => x.text).join(" | ")}`).toBeDefined();
      const qa = QaReportSchema.parse(r.qa);
      const verdict = (id: string) => qa.checks.find((k) => k.id === id);
      expect(verdict("glyphs"), `${c.name} glyphs`).toMatchObject({ verdict: "passed" });
      expect(verdict("safe-zone"), `${c.name} safe zone`).toMatchObject({ verdict: "passed" });
      const mp4 = await store.localPath(r.outputFile!);
      expect((await describeVideo(mp4)).durationSec).toBeLessThanOrEqual(10);
      if (process.env.FIELD_CASES_KEEP) {
        const keep = process.env.FIELD_CASES_KEEP;
        await fs.mkdir(keep, { recursive: true });
        await fs.copyFile(mp4, path.join(keep, `${c.name}.mp4`));
        const t = ((cue!.start + cue!.end) / 2).toFixed(2);
        await runFfmpeg(["-v", "error", "-y", "-ss", t, "-i", mp4, "-frames:v", "1", path.join(keep, `${c.name}-${t}s.png`)], { raw: true });
      }
    }
  }, 320_000);
});
