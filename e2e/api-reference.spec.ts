/**
 * The API reference page: public, and lists every operation of the OpenAPI document served at
 * /api/v1/openapi.json (the same document, so a route missing from the page fails here).
 */
import { expect, test } from "@playwright/test";
import { shot } from "./helpers";

test("the API reference page loads and lists every route of the OpenAPI document", async ({ page, request }) => {
  const res = await request.get("/api/v1/openapi.json");
  expect(res.status()).toBe(200);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  expect(doc.openapi).toBe("3.1.0");
  const routes = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} /api/v1${p}`));
  expect(routes.length).toBeGreaterThanOrEqual(16);

  await page.goto("/api-reference");
  await expect(page.getByRole("heading", { level: 1, name: "Reelfarm API v1" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Operations" });
  for (const r of routes) {
    await expect(nav.getByText(r, { exact: true }), r).toBeVisible();
    await expect(page.locator(`[data-operation="${r}"]`), r).toHaveCount(1);
  }
  await expect(page.getByRole("heading", { name: "Webhooks" })).toBeVisible();
  await expect(page.locator("#problem-idempotency-key-reused")).toContainText("422");
  await shot(page, "api-reference");

  // Errors are problem+json even for paths that do not exist.
  const missing = await request.get("/api/v1/campaigns/does-not-exist");
  expect(missing.status()).toBe(401);
  expect(missing.headers()["content-type"]).toContain("application/problem+json");
});
