/**
 * Issue 9's acceptance in the browser: a marketer creates a campaign with a call to action and a
 * must-say line, uploads a landscape photo (warned as low resolution) and sets its focal point by
 * clicking its thumbnail, gives the team's brand kit a logo (an opaque image is refused by content, under
 * the logo field) which the campaign then uses, previews and edits the script, renders, sees the length
 * against the target and every check passing, plays the video, and finds the logo on the end card.
 * Screenshots and frames: test-results/screens/ad-*.png.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E, shot, signIn, signOut, waitForRender } from "./helpers";

test.describe.configure({ mode: "serial" });

const stamp = Date.now();
const marketer = { email: `nora-${stamp}@e2e.reelfarm.test`, password: "" };
const campaign = `Nucleo dev board ${stamp}`;
let campaignUrl = "";

/** Media made with the real ffmpeg: a 720x480 landscape photo, a logo with transparency, an opaque "logo". */
const media = path.resolve("test-results/ad-media");
function make(name: string, args: string[]) {
  const out = path.join(media, name);
  fs.mkdirSync(media, { recursive: true });
  execFileSync("ffmpeg", ["-v", "error", "-y", ...args, out]);
  return out;
}
const photo = () => make("board-720x480.jpg", ["-f", "lavfi", "-i", "testsrc2=s=720x480", "-frames:v", "1", "-q:v", "3"]);
// An orange square and bar on full transparency (geq sets the alpha: drawbox leaves it at 0).
const logo = () => make("logo.png", ["-f", "lavfi", "-i", "color=c=0xff6600:s=400x160", "-vf", "format=rgba,geq=r=255:g=102:b=0:a='if(between(X,20,139)*between(Y,30,129)+between(X,160,379)*between(Y,60,99),255,0)'", "-frames:v", "1"]);
const opaque = () => make("opaque-logo.png", ["-f", "lavfi", "-i", "color=c=red:s=400x160", "-frames:v", "1"]);

test("an admin adds a marketer to a team", async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByLabel("Email").fill(marketer.email);
  await page.getByLabel("Name").fill("Nora Marketer");
  await page.getByLabel("Role", { exact: true }).selectOption("marketer");
  await page.getByLabel("Team", { exact: true }).selectOption("__new");
  await page.getByLabel("New team name").fill(`Boards ${stamp}`);
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status").filter({ hasText: "can now sign in" })).toBeVisible();
  marketer.password = (await page.getByTestId("secret-value").textContent())!.trim();
  await signOut(page);
});

test("the marketer writes a brief with a call to action and a must-say line", async ({ page }) => {
  await signIn(page, marketer.email, marketer.password);
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(campaign);
  await page.getByLabel("Product").fill("Nucleo dev board");
  await page.getByLabel("Audience").fill("embedded developers");
  await page.getByLabel("Message").fill("A full ARM lab on one board. Built-in debugger, no extra probe needed.");
  await page.getByLabel("Call to action").fill("Order yours today");
  await page.getByLabel("Link or handle (shown, not spoken)").fill("shop.example.com");
  await page.getByLabel(/^Must say/).fill("Under thirty dollars.");
  await page.getByLabel("Length (s)").fill("12");
  await page.getByRole("button", { name: "Create campaign" }).click();
  await expect(page.getByRole("heading", { level: 1, name: campaign })).toBeVisible();
  campaignUrl = page.url();
});

test("a landscape photo is warned as low resolution and gets a focal point by clicking it", async ({ page }) => {
  await signIn(page, marketer.email, marketer.password);
  await page.goto(campaignUrl);
  await page.getByLabel("Upload product images").setInputFiles(photo());
  await expect(page.getByTestId("upload-warnings")).toContainText("720x480 would be upscaled");
  const item = page.getByTestId("image-1");
  await expect(item.getByTestId("low-res")).toBeVisible();
  const img = item.getByRole("img");
  await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
  await expect(item.getByTestId("focal-point")).toHaveAttribute("data-focus", "0.5,0.5");

  // Click at 25% across, 40% down: the focal point follows, and survives a reload.
  const target = item.getByRole("button", { name: /Set the focal point of image 1/ });
  await target.scrollIntoViewIfNeeded();
  const box = (await target.boundingBox())!;
  await target.click({ position: { x: box.width * 0.25, y: box.height * 0.4 } });
  await expect
    .poll(async () => (await item.getByTestId("focal-point").getAttribute("data-focus"))!.split(",").map(Number))
    .toEqual([expect.closeTo(0.25, 1), expect.closeTo(0.4, 1)]);
  await page.getByLabel("Scene", { exact: true }).selectOption({ label: "Scene 1" });
  await page.reload();
  const [fx, fy] = (await page.getByTestId("image-1").getByTestId("focal-point").getAttribute("data-focus"))!.split(",").map(Number);
  expect(Math.abs(fx! - 0.25)).toBeLessThan(0.03);
  expect(Math.abs(fy! - 0.4)).toBeLessThan(0.03);
  await expect(page.getByLabel("Scene", { exact: true })).toHaveValue("0");
  await page.getByTestId("image-1").scrollIntoViewIfNeeded();
  await shot(page, "ad-01-photo-focal-point");
});

test("the team's brand kit gets a logo (an opaque image is refused under the logo field); the campaign uses the kit", async ({ page }) => {
  await signIn(page, marketer.email, marketer.password);
  await page.getByRole("link", { name: "Brand kit" }).click();
  await expect(page.getByRole("heading", { level: 2, name: `Boards ${stamp}` })).toBeVisible();
  await page.getByLabel("Upload a logo").setInputFiles(opaque());
  await expect(page.getByRole("alert").filter({ hasText: "has no transparency" })).toBeVisible();
  await expect(page.getByLabel("Upload a logo")).toHaveAttribute("aria-invalid", "true");
  await shot(page, "ad-02-logo-refused");

  await page.getByLabel("Upload a logo").setInputFiles(logo());
  await expect(page.getByLabel("Logo", { exact: true })).toHaveValue(/.+/);
  const preview = page.getByRole("img", { name: "Logo preview" });
  await expect.poll(() => preview.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(400);
  await page.getByLabel("Brand name").fill("Nucleo");
  await page.getByLabel("Primary colour").fill("#03234b");
  await page.getByRole("button", { name: "Save brand kit" }).click();
  await expect(page.getByRole("status").filter({ hasText: "New renders of the team's campaigns use this kit." })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Brand name")).toHaveValue("Nucleo");
  await expect.poll(() => page.getByRole("img", { name: "Logo preview" }).evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(400);
  await shot(page, "ad-03-brand-kit");

  // The campaign follows the team's kit (no override): its summary names the brand and the logo.
  await page.goto(campaignUrl);
  const panel = page.getByRole("region", { name: "Brand" });
  await expect(panel.getByRole("radio", { name: "Team brand kit" })).toBeChecked();
  await expect(panel.getByTestId("brand-summary")).toContainText("Nucleo");
  await expect(panel.getByTestId("brand-summary")).toContainText("logo");
  await expect(panel.getByTestId("brand-summary")).not.toContainText("no logo");
});

test("the marketer previews and edits the script, renders, and plays the ad", async ({ page }) => {
  await signIn(page, marketer.email, marketer.password);
  await page.goto(campaignUrl);
  await page.getByRole("button", { name: "Preview script" }).click();
  // The written script is in the editor once the button offers to write another (not while "Writing…").
  await expect(page.getByRole("button", { name: "Regenerate script" })).toBeEnabled({ timeout: 60_000 });
  await expect(page.getByTestId("scene").first()).toBeVisible();
  // The preview is saved as the campaign's script; edit once the page shows it saved (a refetch landing after
  // an edit would reset the editor to the saved script).
  await expect(page.getByText("Renders use this script.")).toBeVisible();
  await page.getByLabel("Narration (scene 1)").fill("Meet the board that debugs itself.");
  await expect(page.getByText("Unsaved changes.")).toBeVisible();
  await page.getByRole("button", { name: "Save script" }).click();
  // Saved: no unsaved changes left, and the edit is what the page loads again (renders use the saved script).
  await expect(page.getByRole("button", { name: "Save script" })).toBeDisabled();
  await expect(page.getByText("Renders use this script.")).toBeVisible();
  await expect(page.getByText("Unsaved changes.")).toHaveCount(0);
  await page.reload();
  await expect(page.getByLabel("Narration (scene 1)")).toHaveValue("Meet the board that debugs itself.");
  await shot(page, "ad-04-script");

  await page.getByRole("button", { name: `Queue preview render of ${campaign}` }).click();
  await expect(page).toHaveURL(/\/renders\//);
  expect(await waitForRender(page)).toBe("succeeded");

  // Target vs actual: a 12 s ad is never longer than 12 s and at most 0.5 s shorter.
  const length = (await page.getByTestId("length-vs-target").textContent())!;
  const m = /^(\d+\.\d) s \(target 12 s\)$/.exec(length.trim());
  expect(m, length).not.toBeNull();
  expect(Number(m![1])).toBeLessThanOrEqual(12);
  expect(Number(m![1])).toBeGreaterThanOrEqual(11.5);
  // Every check ran and passed: no warnings, the plain "succeeded" outcome.
  const checks = page.getByTestId("qa-check");
  await expect(checks).toHaveCount(10);
  const verdicts = await checks.evaluateAll((els) => els.map((e) => `${e.getAttribute("data-check")}=${e.getAttribute("data-verdict")}`));
  expect(verdicts.filter((v) => !v.endsWith("=passed")), verdicts.join(", ")).toEqual([]);
  await expect(page.getByTestId("qa-panel")).toHaveAttribute("data-warnings", "0");
  await expect(page.getByTestId("render-view")).toHaveAttribute("data-outcome", "succeeded");

  // It plays: time advances and the element reports no error (a decodable H.264/AAC file, served with ranges).
  const video = page.locator("video");
  await video.evaluate((v: HTMLVideoElement) => ((v.muted = true), v.play()));
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.5);
  expect(await video.evaluate((v: HTMLVideoElement) => ({ error: v.error?.code ?? null, w: v.videoWidth, h: v.videoHeight, d: Math.round(v.duration * 10) / 10 }))).toEqual({
    error: null,
    w: 540,
    h: 960,
    d: expect.closeTo(Number(m![1]), 0),
  });
  await shot(page, "ad-05-render");

  // The downloaded file's end card carries the team's logo (its orange shapes) and the CTA (frames read back).
  const href = await page.getByRole("link", { name: "Download MP4" }).getAttribute("href");
  const mp4 = path.join(media, "ad.mp4");
  fs.writeFileSync(mp4, await (await page.request.get(href!)).body());
  const last = path.resolve("test-results/screens/ad-06-end-card.png");
  execFileSync("ffmpeg", ["-v", "error", "-y", "-sseof", "-0.5", "-i", mp4, "-frames:v", "1", last]);
  const rgb = execFileSync("ffmpeg", ["-v", "error", "-i", last, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], { maxBuffer: 64 << 20 });
  let orange = 0;
  for (let i = 0; i < rgb.length; i += 3) if (rgb[i]! > 220 && Math.abs(rgb[i + 1]! - 0x66) < 40 && rgb[i + 2]! < 60) orange++;
  expect(orange, "orange logo pixels on the end card").toBeGreaterThan(300);
  execFileSync("ffmpeg", ["-v", "error", "-y", "-ss", "1.5", "-i", mp4, "-frames:v", "1", path.resolve("test-results/screens/ad-07-frame-1.5s.png")]);
});
