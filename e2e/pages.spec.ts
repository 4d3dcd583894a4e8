/**
 * Every page at laptop sizes: no horizontal scrolling of the page itself (wide tables scroll in
 * their own box), a heading, and a screenshot. Also the API token page's create flow.
 * The page sweep visits the first campaign and render that the earlier specs (acceptance,
 * first-render; files run in name order on one worker) created.
 */
import { expect, type Page, test } from "@playwright/test";
import { E2E, shot, signIn } from "./helpers";

const PAGES = ["/campaigns", "/campaigns/new", "/history", "/settings", "/admin", "/admin/users", "/admin/providers", "/admin/cache", "/admin/workers"];

for (const size of [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
]) {
  test(`pages fit a ${size.width}px laptop screen`, async ({ page }) => {
    await page.setViewportSize(size);
    await signIn(page, E2E.adminEmail, E2E.adminPassword);
    for (const url of [...PAGES, await firstCampaignUrl(page), await firstRenderUrl(page)]) {
      await page.goto(url);
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      await page.waitForLoadState("networkidle");
      const overflow = await page.evaluate(() => {
        const over = [...document.querySelectorAll("body *")].find((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".table-wrap"));
        const what = over ? `${over.tagName.toLowerCase()}.${over.className} (right ${Math.round(over.getBoundingClientRect().right)})` : "";
        return { px: document.documentElement.scrollWidth - window.innerWidth, what };
      });
      expect(overflow.px, `${url} scrolls sideways at ${size.width}px: ${overflow.what}`).toBeLessThanOrEqual(0);
      if (size.width === 1024) await shot(page, `laptop-${url.replace(/\//g, "_").replace(/^_/, "") || "home"}`);
    }
  });
}

test("a user creates an API token and sees it once", async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.getByRole("link", { name: "API tokens" }).click();
  await page.getByLabel("Name").fill("Nightly batch");
  await page.getByLabel("Webhook URL (optional)").fill("https://hooks.example.com/reelfarm");
  await page.getByRole("button", { name: "Create token" }).click();
  const secrets = page.getByTestId("secret-value");
  await expect(secrets).toHaveCount(2);
  const token = (await secrets.first().textContent())!;
  expect(token).toMatch(/^rf_/);
  await expect(page.getByTestId("api-token").filter({ hasText: "Nightly batch" })).toContainText("hooks.example.com");
  await shot(page, "14-api-tokens");
  // The token works against the API; the page never shows it again.
  const res = await page.request.get("/api/v1/campaigns", { headers: { authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  await page.reload();
  expect(await page.content()).not.toContain(token);
});

async function firstCampaignUrl(page: Page) {
  await page.goto("/campaigns");
  return (await page.getByTestId("campaign").first().getByRole("link").first().getAttribute("href")) ?? "/campaigns";
}

async function firstRenderUrl(page: Page) {
  await page.goto("/history");
  return (await page.getByTestId("history-row").first().getByRole("link").first().getAttribute("href")) ?? "/history";
}
