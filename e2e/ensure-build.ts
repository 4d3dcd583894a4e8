/**
 * Run by Playwright's web server command before `npm start`: rebuilds the web app when the
 * production build is older than the sources, so `npx playwright test` never tests stale code.
 * (npm start itself only builds when there is no build at all.)
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const buildId = path.join(root, ".next", "BUILD_ID");

function newest(p: string): number {
  const s = fs.statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = 0;
  for (const e of fs.readdirSync(p)) if (e !== "generated") m = Math.max(m, newest(path.join(p, e)));
  return m;
}

const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
const sources = Math.max(newest(path.join(root, "src")), ...["next.config.mjs", "package.json", "tsconfig.json"].map((f) => newest(path.join(root, f))));
if (sources > built) {
  console.log(`[e2e] ${built ? "the build is older than the sources" : "no build yet"}: running next build`);
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  process.exit(r.status ?? 1);
}
