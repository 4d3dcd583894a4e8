import { expect, test } from "@playwright/test";
import { createCampaign, E2E, shot, signIn, waitForRender } from "./helpers";

test("create a campaign, queue a render, watch it succeed, play the video", async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  const name = `E2E launch ${Date.now()}`;
  await createCampaign(page, { name, product: "Trailblazer hiking boots", audience: "weekend hikers", message: "Waterproof all day. Light as a sneaker. Grip on wet rock.", seconds: 8 });

  await page.getByRole("button", { name: `Queue preview render of ${name}` }).click();
  await expect(page).toHaveURL(/\/renders\//);
  const view = page.getByTestId("render-view");
  await expect(view).toHaveAttribute("data-status", /queued|running|succeeded/);
  await expect(view).toHaveAttribute("data-status", /running|succeeded/, { timeout: 30_000 });
  expect(await waitForRender(page)).toBe("succeeded");
  await shot(page, "first-render");

  // Every render is checked: the Checks panel lists each check's verdict, and the badge says "succeeded with
  // warnings" exactly when one failed.
  const checks = page.getByTestId("qa-check");
  await expect(checks).toHaveCount(10);
  const failed = await page.locator('[data-testid="qa-check"][data-verdict="failed"]').count();
  await expect(page.getByTestId("qa-panel")).toHaveAttribute("data-warnings", String(failed));
  await expect(view).toHaveAttribute("data-outcome", failed ? "succeeded_with_warnings" : "succeeded");
  await expect(page.getByRole("heading", { level: 1 })).toContainText(failed ? "succeeded with warnings" : "succeeded");
  await expect(page.locator('[data-testid="qa-check"][data-check="voice"]')).toHaveAttribute("data-verdict", "passed");
  await page.getByTestId("qa-panel").screenshot({ path: "test-results/screens/render-checks.png" });

  const video = page.locator("video");
  await expect(video).toBeVisible();
  await video.evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.5);
  // Seeking works because the route answers Range requests.
  const seeked = await video.evaluate(async (v: HTMLVideoElement) => {
    v.currentTime = 4;
    await new Promise((r) => v.addEventListener("seeked", r, { once: true }));
    return v.currentTime;
  });
  expect(seeked).toBeGreaterThan(3.5);
});
