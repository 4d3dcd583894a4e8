/**
 * Issue 9's acceptance in the browser: a marketer creates a campaign with a call to action and a
 * must-say line, uploads a landscape photo (warned as low resolution) and sets its focal point by
 * clicking its thumbnail, gives the campaign a logo (an opaque image is refused by content, under
 * the logo field), previews and edits the script, renders, and plays the video.
 * Screenshots: test-results/screens/ad-*.png.
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
const logo = () => make("logo.png", ["-f", "lavfi", "-i", "color=c=black@0.0:s=400x160,format=rgba", "-vf", "drawbox=x=20:y=30:w=120:h=100:color=0xff6600@1:t=fill,drawbox=x=160:y=60:w=220:h=40:color=0xffffff@1:t=fill", "-frames:v", "1"]);
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

test("the campaign gets a logo; an opaque image is refused under the logo field", async ({ page }) => {
  await signIn(page, marketer.email, marketer.password);
  await page.goto(campaignUrl);
  const panel = page.getByRole("region", { name: "Brand" });
  await panel.getByLabel("Custom for this campaign").check();
  await panel.getByLabel("Upload a logo").setInputFiles(opaque());
  await expect(panel.getByRole("alert").filter({ hasText: "has no transparency" })).toBeVisible();
  await expect(panel.getByLabel("Upload a logo")).toHaveAttribute("aria-invalid", "true");
  await shot(page, "ad-02-logo-refused");

  await panel.getByLabel("Upload a logo").setInputFiles(logo());
  await expect(panel.getByLabel("Logo", { exact: true })).toHaveValue(/.+/);
  await expect(panel.getByRole("img", { name: "Logo preview" })).toBeVisible();
  await expect.poll(() => panel.getByRole("img", { name: "Logo preview" }).evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(400);
  await panel.getByLabel("Brand name").fill("Nucleo");
  await panel.getByLabel("Primary colour").fill("#03234b");
  await panel.getByRole("button", { name: "Save brand" }).click();
  await expect(panel.getByRole("status").filter({ hasText: "New renders use this brand." })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("region", { name: "Brand" }).getByLabel("Custom for this campaign")).toBeChecked();
  const preview = page.getByRole("region", { name: "Brand" }).getByRole("img", { name: "Logo preview" });
  await expect.poll(() => preview.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(400);
  await page.getByRole("region", { name: "Brand" }).scrollIntoViewIfNeeded();
  await shot(page, "ad-03-brand");
});

test("the marketer previews and edits the script, renders, and plays the ad", async ({ page }) => {
  await signIn(page, marketer.email, marketer.password);
  await page.goto(campaignUrl);
  await page.getByRole("button", { name: "Preview script" }).click();
  // The written script is in the editor once the button offers to write another (not while "Writing…").
  await expect(page.getByRole("button", { name: "Regenerate script" })).toBeEnabled({ timeout: 60_000 });
  await expect(page.getByTestId("scene").first()).toBeVisible();
  await page.getByLabel("Narration (scene 1)").fill("Meet the board that debugs itself.");
  await page.getByRole("button", { name: "Save script" }).click();
  // Saved: no unsaved changes left, and the edit is what the page loads again (renders use the saved script).
  await expect(page.getByRole("button", { name: "Save script" })).toBeDisabled();
  await expect(page.getByText("Renders use this script.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Narration (scene 1)")).toHaveValue("Meet the board that debugs itself.");
  await shot(page, "ad-04-script");

  await page.getByRole("button", { name: `Queue preview render of ${campaign}` }).click();
  await expect(page).toHaveURL(/\/renders\//);
  expect(await waitForRender(page)).toBe("succeeded");
  const video = page.locator("video");
  await video.evaluate((v: HTMLVideoElement) => ((v.muted = true), v.play()));
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.5);
  await shot(page, "ad-05-render");
});
