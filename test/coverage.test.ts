/**
 * Issue 9's coverage, end to end on a real render (PostgreSQL, worker, local providers, ffmpeg/libass):
 * every must-say line and the CTA are in the rendered script and on screen (the captions and overlays the
 * render wrote), and the frames at the overlays' times show them in their boxes (pixels read back).
 *
 * The campaign's only photo is a flat mid-grey 720x480 landscape, so whatever the framing and Ken Burns do, a
 * scene's background is grey (the photo whole over a darkened blur of itself): the brand-primary plate of a
 * headline or of the end card's CTA is then unambiguous. Its upscale check passes: it takes the renderer's
 * framing (the landscape photo shown whole at 0.69x of the preview), not a cover crop's 2.24x.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "~/render/ffmpeg";
import { QaReportSchema } from "~/render/qa/report";
import { readRgbFrame } from "~/render/testing";
import { norm } from "~/plugins/shared/coverage";
import { type Script } from "~/plugins/spec/schemas";
import { createCampaign } from "~/server/services/campaigns";
import { type OnScreenOverlay, onScreenKey, type onScreenText } from "~/server/services/pipeline/plan-builder";
import { queueRender } from "~/server/services/renders";
import { addCampaignImages } from "~/server/services/uploads";
import { storage } from "~/server/storage";
import { testDb, waitFor } from "./helpers/db";
import { describeVideo } from "./helpers/media";
import { withWorker } from "./helpers/worker";

afterAll(async () => {
  await testDb().$disconnect();
});

const PRIMARY = [0xe1, 0x1d, 0x48] as const; // #e11d48: far from grey, from white and from the caption colours
const MUST_SAY = ["Motion sensors and eight LEDs.", "Under thirty dollars."];
const CTA = { text: "Order yours today", url: "st.com/nucleo" };

type Frame = Awaited<ReturnType<typeof readRgbFrame>>;
type Box = OnScreenOverlay["box"];
/** Share of a box's pixels that pass `test` (the box clipped to the frame). */
function share(f: Frame, box: Box, size: { width: number; height: number }, test: (p: number[]) => boolean) {
  const x0 = Math.max(0, box.x), y0 = Math.max(0, box.y);
  const x1 = Math.min(size.width, box.x + box.w), y1 = Math.min(size.height, box.y + box.h);
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (test(f.at(x, y))) n++;
  return n / Math.max(1, (x1 - x0) * (y1 - y0));
}
/** The time span of the fewest consecutive cues whose text holds `line` (normalised), or null. */
function captionSpan(cues: { start: number; end: number; text: string }[], line: string): { start: number; end: number } | null {
  for (let n = 1; n <= cues.length; n++) {
    for (let i = 0; i + n <= cues.length; i++) {
      const run = cues.slice(i, i + n);
      if (norm(run.map((c) => c.text).join(" ")).includes(norm(line))) return { start: run[0]!.start, end: run.at(-1)!.end };
    }
  }
  return null;
}
const plate = (p: number[]) => p.every((v, i) => Math.abs(v - PRIMARY[i]!) < 40);
const white = (p: number[]) => Math.min(...p) > 200;

describe("the brief's coverage on a real render", () => {
  it("every must-say line and the CTA are said, captioned and drawn; frames at the overlays' times show them in their boxes", async () => {
    const db = testDb();
    const c = await createCampaign(db, {
      name: "Coverage: STM32 lab board",
      product: "Nucleo-F4 Discovery Kit",
      audience: "embedded engineering students",
      message: "A full ARM Cortex-M4 lab on one board. Built-in debugger, no extra probe needed.",
      targetSeconds: 20,
      fps: 24,
      musicMood: "none",
      brandColor: "#e11d48",
      cta: CTA,
      mustSay: MUST_SAY,
    });
    const grey = path.join(os.tmpdir(), `coverage-grey-${process.pid}.png`);
    await runFfmpeg(["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=0x808080:s=720x480", "-frames:v", "1", grey], { raw: true });
    await addCampaignImages(db, c.id, [{ name: "grey.png", bytes: await fs.readFile(grey) }]);
    await fs.rm(grey, { force: true });

    const r = await queueRender(db, { campaignId: c.id, preset: "preview" });
    const done = await withWorker(() =>
      waitFor(async () => {
        const x = await db.render.findUniqueOrThrow({ where: { id: r.id }, include: { assets: true } });
        return ["succeeded", "failed", "cancelled"].includes(x.status) ? x : null;
      }, 240_000, "the coverage render to finish"),
    );
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    const store = await storage();
    const file = await store.localPath(done.outputFile!);
    const video = await describeVideo(file);
    // To look at it: COVERAGE_KEEP=/some/dir keeps the MP4 and the coverage record there.
    if (process.env.COVERAGE_KEEP) {
      await fs.mkdir(process.env.COVERAGE_KEEP, { recursive: true });
      await fs.copyFile(file, path.join(process.env.COVERAGE_KEEP, "coverage.mp4"));
      await fs.copyFile(await store.localPath(onScreenKey(done.id)), path.join(process.env.COVERAGE_KEEP, "coverage-onscreen.json"));
    }
    expect([video.width, video.height]).toEqual([540, 960]);
    const size = { width: 540, height: 960 };

    const qa = QaReportSchema.parse(done.qa);
    expect(qa.checks.find((k) => k.id === "upscale")).toMatchObject({ verdict: "passed", summary: expect.stringMatching(/0\.\d+x or less/) });

    // Said: the rendered script (after the timeline fit) holds every line.
    const script = done.assets.find((a) => a.kind === "script")!.data as unknown as Script;
    const spoken = norm(script.scenes.map((s) => s.narration).join(" "));
    // Shown: the captions and overlays the render wrote.
    const onScreen = JSON.parse(await fs.readFile(await store.localPath(onScreenKey(done.id)), "utf8")) as ReturnType<typeof onScreenText>;
    const captioned = norm(onScreen.captions.map((x) => x.text).join(" "));
    for (const line of [...MUST_SAY, CTA.text]) {
      expect(spoken, `the script says “${line}”`).toContain(norm(line));
      expect(captioned, `the captions show “${line}”`).toContain(norm(line));
    }
    const heads = onScreen.overlays.filter((o) => o.kind === "headline");
    for (const line of MUST_SAY) {
      // The cues that caption the line (it may be split over several), and a headline on screen meanwhile: the
      // scene's on-screen text (a short version of the line; its wording is the script's, not checked here).
      const span = captionSpan(onScreen.captions, line);
      expect(span, `cues captioning “${line}”`).not.toBeNull();
      expect(heads.some((h) => h.startSec < span!.end && h.endSec > span!.start), `a headline while “${line}” is said: ${JSON.stringify(heads)}`).toBe(true);
    }
    const ctaBox = onScreen.overlays.find((o) => o.kind === "cta");
    expect(ctaBox?.text).toBe(CTA.text);
    expect(onScreen.overlays.find((o) => o.kind === "url")?.text).toBe(CTA.url);
    expect(ctaBox!.startSec).toBeLessThan(video.durationSec);

    // Drawn: a frame in the middle of each overlay's fully visible span shows its plate and its text in its box.
    const fps = 24;
    const frameAt = (t: number) => readRgbFrame(file, Math.min(Math.round(t * fps), Math.floor(video.durationSec * fps) - 1), size);
    for (const o of [...heads, ctaBox!]) {
      const f = await frameAt((o.startSec + o.endSec) / 2);
      expect(share(f, o.box, size, plate), `${o.kind} “${o.text}” plate in ${JSON.stringify(o.box)} at ${o.startSec}-${o.endSec} s`).toBeGreaterThan(0.2);
      expect(share(f, o.box, size, white), `${o.kind} “${o.text}” text`).toBeGreaterThan(0.03);
    }
    // And nothing of the kind before it animates in: the first headline's box at 0.1 s is the grey photo.
    const first = heads[0]!;
    expect(first.startSec).toBeGreaterThan(0.3);
    const before = await frameAt(0.1);
    expect(share(before, first.box, size, plate) + share(before, first.box, size, white)).toBeLessThan(0.02);
  }, 300_000);
});
