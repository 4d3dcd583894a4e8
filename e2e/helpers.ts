import { expect, type Page } from "@playwright/test";
import { E2E } from "../playwright.config";

export { E2E };

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/campaigns$/);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

/** A full-page screenshot under test-results/screens/ (kept as an artifact). */
export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

export interface Brief {
  name: string;
  product: string;
  audience: string;
  message: string;
  seconds: number;
}

/** Fills the new-campaign form and lands on the campaign's page. */
export async function createCampaign(page: Page, b: Brief) {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(b.name);
  await page.getByLabel("Product").fill(b.product);
  await page.getByLabel("Audience").fill(b.audience);
  await page.getByLabel("Message").fill(b.message);
  await page.getByLabel("Length (s)").fill(String(b.seconds));
  await page.getByRole("button", { name: "Create campaign" }).click();
  await expect(page.getByRole("heading", { level: 1, name: b.name })).toBeVisible();
}

/** Waits on a render's live page until it is done; returns its final status. */
export async function waitForRender(page: Page, timeout = 180_000) {
  const view = page.getByTestId("render-view");
  await expect(view).toHaveAttribute("data-status", /succeeded|failed|cancelled/, { timeout });
  return view.getAttribute("data-status");
}
