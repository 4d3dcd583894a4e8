/**
 * Content-addressed assets in the browser: a second render of a campaign reuses the stills its team
 * already paid for (the fake Gemini API answers images; the other Google providers are out of
 * quota, so local ones stand in), the render page names the source render and the saving, the
 * "Regenerate every asset" box calls the providers again, and Admin -> Cache counts the reuses.
 * Screenshots: test-results/screens/reuse-*.png.
 */
import { expect, test } from "@playwright/test";
import { createCampaign, E2E, shot, signIn, waitForRender } from "./helpers";

test("a re-render reuses the team's stills, shows where from and the saving; regenerate calls again", async ({ page }) => {
  test.setTimeout(900_000);
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  const name = `Reuse ${Date.now()}`;
  await createCampaign(page, { name, product: "Trailblazer boots", audience: "weekend hikers", message: "Waterproof all day. Light as a sneaker.", seconds: 10 });
  const campaignUrl = page.url();
  const queuePreview = () => page.getByRole("button", { name: `Queue preview render of ${name}` }).click();

  await queuePreview();
  await expect(page).toHaveURL(/\/renders\//);
  const first = new URL(page.url()).pathname;
  expect(await waitForRender(page, 300_000)).toBe("succeeded");
  await expect(page.getByTestId("reused-from")).toHaveCount(0);

  await page.goto(campaignUrl);
  await queuePreview();
  await expect(page).not.toHaveURL(new RegExp(`${first}$`));
  expect(await waitForRender(page, 300_000)).toBe("succeeded");
  const reused = page.getByTestId("reused-from");
  await expect(reused.first()).toBeVisible();
  expect(await reused.count()).toBeGreaterThan(0);
  await expect(reused.first().getByRole("link")).toHaveAttribute("href", first);
  await expect(page.getByTestId("reuse-saving")).toContainText(/Saved by reuse.*\$\d/);
  await shot(page, "reuse-render");

  await page.goto(campaignUrl);
  await page.getByLabel("Regenerate every asset").check();
  await queuePreview();
  await expect(page).toHaveURL(/\/renders\//);
  expect(await waitForRender(page, 300_000)).toBe("succeeded");
  await expect(page.getByTestId("asset").first()).toBeVisible();
  await expect(page.getByTestId("reused-from")).toHaveCount(0);

  await page.goto("/admin/cache");
  await expect(page.getByTestId("reuse-hits")).toContainText(/Hits[1-9]/);
  await expect(page.getByRole("table", { name: "Biggest savers among reused assets" })).toContainText(name);
  await shot(page, "reuse-admin-cache");
});
