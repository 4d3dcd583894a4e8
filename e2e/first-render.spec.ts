import { expect, test } from "@playwright/test";

test("create a campaign, queue a render, watch it succeed, play the video", async ({ page }) => {
  await page.goto("/");
  const name = `E2E launch ${Date.now()}`;
  await page.getByLabel("Campaign name").fill(name);
  await page.getByLabel("Product").fill("Trailblazer hiking boots");
  await page.getByLabel("Audience").fill("weekend hikers");
  await page.getByLabel("Message").fill("Waterproof all day. Light as a sneaker. Grip on wet rock.");
  await page.getByLabel("Length (s)").fill("8");
  await page.getByRole("button", { name: "Create campaign" }).click();

  await page.getByRole("button", { name: `Queue render of ${name}` }).click();
  const render = page.getByTestId("render").filter({ hasText: name }).first();
  await expect(render).toHaveAttribute("data-status", /queued|running|succeeded/);
  await expect(render).toHaveAttribute("data-status", "running", { timeout: 30_000 });
  await expect(render).toHaveAttribute("data-status", "succeeded", { timeout: 150_000 });
  await page.screenshot({ path: "test-results/first-render.png", fullPage: true });

  const video = render.locator("video");
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
