/**
 * Issue 10's acceptance in the browser: a campaign in Arabic (right to left) with emoji, a ZWJ family and a
 * skin tone in its text. The form offers only voices that speak Arabic; no glyph warning appears; the render
 * succeeds with speech in every scene and every character drawn (its checks), and the video plays.
 * Screenshots and frames: test-results/screens/rtl-*.png.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E, shot, signIn, waitForRender } from "./helpers";

const FAMILY = "👨\u200d👩\u200d👧";
const name = `سيروم الليل ✨ ${Date.now()}`;

test("an Arabic campaign with emoji renders, is checked and plays", async ({ page }) => {
  test.setTimeout(480_000); // one render; ~1 min on an idle 2-core machine, several under heavy load
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(name);
  await page.getByLabel("Product").fill("سيروم الليل ✨");
  await page.getByLabel("Audience").fill(`العائلات ${FAMILY} ومحبو العناية بالبشرة`);
  await page.getByLabel("Message").fill("بشرة ناعمة طوال الليل 🦉. ترطيب عميق بلا عطور 💧. يحبه الجميع 👍🏽.");
  await page.getByLabel("Call to action").fill("اطلبه اليوم 🔥");
  // Japanese first: espeak-ng reads kanji as "Chinese letter", so only Google voices are offered, and the form says why.
  await page.getByLabel("Language").fill("ja");
  const ja = await page.getByLabel("Voice").locator("option").allTextContents();
  expect(ja.length).toBeGreaterThan(0);
  expect(ja.filter((v) => !/Google/.test(v)), ja.join(", ")).toEqual([]);
  await expect(page.getByTestId("offline-voice-gap")).toContainText("Chinese letter");
  await page.getByLabel("Language").fill("ar");
  await expect(page.getByTestId("offline-voice-gap")).toHaveCount(0);
  // Only voices that can speak Arabic are offered (no flite English voice).
  const voices = await page.getByLabel("Voice").locator("option").allTextContents();
  expect(voices.length).toBeGreaterThan(0);
  expect(voices.filter((v) => /English/.test(v)), voices.join(", ")).toEqual([]);
  await page.getByLabel("Length (s)").fill("10");
  await expect(page.getByTestId("glyph-warning")).toHaveCount(0);
  await page.getByRole("button", { name: "Create campaign" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByTestId("glyph-warning")).toHaveCount(0);
  await shot(page, "rtl-01-campaign");

  await page.getByRole("button", { name: `Queue preview render of ${name}` }).click();
  await expect(page).toHaveURL(/\/renders\//);
  expect(await waitForRender(page, 360_000)).toBe("succeeded");
  await expect(page.getByTestId("length-vs-target")).toContainText("(target 10 s)");
  // Speech in every scene (espeak-ng's Arabic, not silence), every character drawn, text inside the safe zone.
  for (const check of ["voice", "narration-silence", "glyphs", "safe-zone", "duration"]) {
    await expect(page.locator(`[data-testid="qa-check"][data-check="${check}"]`), check).toHaveAttribute("data-verdict", "passed");
  }
  const verdicts = await page.getByTestId("qa-check").evaluateAll((els) => els.map((e) => `${e.getAttribute("data-check")}=${e.getAttribute("data-verdict")}`));
  expect(verdicts.filter((v) => !v.endsWith("=passed")), verdicts.join(", ")).toEqual([]);

  const video = page.locator("video");
  await video.evaluate((v: HTMLVideoElement) => ((v.muted = true), v.play()));
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.5);
  expect(await video.evaluate((v: HTMLVideoElement) => v.error?.code ?? null)).toBeNull();
  await shot(page, "rtl-02-render");

  // Frames to look at: captions mid-narration and the end card.
  const href = await page.getByRole("link", { name: "Download MP4" }).getAttribute("href");
  const dir = path.resolve("test-results/screens");
  const mp4 = path.join(dir, "rtl.mp4");
  fs.writeFileSync(mp4, await (await page.request.get(href!)).body());
  for (const t of ["1.5", "4", "7"]) execFileSync("ffmpeg", ["-v", "error", "-y", "-ss", t, "-i", mp4, "-frames:v", "1", path.join(dir, `rtl-03-frame-${t}s.png`)]);
  execFileSync("ffmpeg", ["-v", "error", "-y", "-sseof", "-0.5", "-i", mp4, "-frames:v", "1", path.join(dir, "rtl-04-end-card.png")]);
  fs.rmSync(mp4);
});
