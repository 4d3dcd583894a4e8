/** What a browser (or an attacker with one) can and cannot get. */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E, signIn } from "./helpers";

test("signed out: pages redirect to sign-in, APIs and media answer 401", async ({ page }) => {
  await page.goto("/history");
  await expect(page).toHaveURL(/\/sign-in$/);
  for (const url of ["/api/trpc/campaign.list", "/api/renders/abc/video", "/api/images/abc", "/api/v1/renders"]) {
    expect((await page.request.get(url)).status(), url).toBe(401);
  }
});

test("the session cookie is httpOnly and SameSite; cross-origin mutations are refused", async ({ page, context }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  const session = (await context.cookies()).find((c) => c.name.includes("session_token"));
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  expect(await page.evaluate(() => document.cookie)).not.toContain("session_token");
  const res = await page.request.post("/api/trpc/users.createTeam", { headers: { origin: "https://evil.example", "content-type": "application/json" }, data: { json: { name: "Evil" } } });
  expect(res.status()).toBe(403);
});

test("provider API keys never reach the browser", async ({ page }) => {
  // The built client bundle: every file under .next/static.
  const files: string[] = [];
  const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name))));
  walk(path.resolve(".next/static"));
  expect(files.length).toBeGreaterThan(10);
  for (const f of files) {
    const text = fs.readFileSync(f, "latin1");
    expect(text.includes(E2E.geminiKey), `${f} holds the Gemini API key`).toBe(false);
    expect(text.includes("GEMINI_API_KEY"), `${f} names GEMINI_API_KEY`).toBe(false);
  }
  // And what the server sends to a signed-in admin (HTML and RSC payloads of every page).
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  for (const url of ["/campaigns", "/history", "/settings", "/admin", "/admin/providers", "/admin/cache", "/admin/workers", "/admin/users"]) {
    const body = await (await page.request.get(url)).text();
    expect(body.includes(E2E.geminiKey), `${url} holds the Gemini API key`).toBe(false);
  }
  const providers = await (await page.request.get("/api/trpc/admin.providers")).text();
  expect(providers.includes(E2E.geminiKey)).toBe(false);
});

test("every page and route sends the security headers, and the dashboard runs under its CSP", async ({ page }) => {
  for (const url of ["/sign-in", "/api/health", "/api/v1/renders", "/history"]) {
    const res = await page.request.get(url, { maxRedirects: 0 });
    const h = res.headers();
    expect(h["content-security-policy"], url).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"], url).toContain("object-src 'none'");
    expect(h["x-content-type-options"], url).toBe("nosniff");
    expect(h["referrer-policy"], url).toBe("strict-origin-when-cross-origin");
    expect(h["x-frame-options"], url).toBe("DENY");
  }
  expect(await (await page.request.get("/api/health")).json()).toEqual({ status: "up" });
  // A browser reports any CSP violation as a console error; the dashboard must cause none.
  const violations: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => document.addEventListener("securitypolicyviolation", (e) => console.error(`Refused to load (CSP): ${e.violatedDirective} ${e.blockedURI}`)));
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  for (const url of ["/campaigns", "/campaigns/new", "/history", "/settings", "/admin", "/admin/providers", "/admin/workers", "/admin/users"]) {
    await page.goto(url);
    await expect(page.locator("main, body").first()).toBeVisible();
  }
  // Client-side navigation and data fetching work (React hydrated under the CSP).
  await page.goto("/campaigns");
  await page.getByRole("link", { name: /new campaign/i }).first().click();
  await expect(page).toHaveURL(/\/campaigns\/new$/);
  expect(violations).toEqual([]);
});
