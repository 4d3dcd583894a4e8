import { defineConfig } from "@playwright/test";

/**
 * Browser tests in Debian's chromium (Playwright's own browser download is not reachable
 * everywhere). The web server is `npm start`: embedded PostgreSQL in .data/e2e, a production
 * build, the web app and a worker — the same thing users run.
 */
const port = Number(process.env.E2E_PORT ?? 3100);
export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 180_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    viewport: { width: 1366, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"],
    },
  },
  webServer: {
    command: "npx tsx scripts/start.ts",
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      DATA_DIR: ".data/e2e",
      EMBEDDED_PG_PORT: String(Number(process.env.E2E_PG_PORT ?? 54349)),
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
