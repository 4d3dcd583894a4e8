/**
 * Every command's error path ends with its message and a non-zero exit, never a stack trace:
 * the CLI render with a bad campaign file (unknown tone, not JSON, missing), and each entry
 * point (render, worker, start, db) with a bad setting. The commands are spawned as a user runs
 * them (node + tsx), with nothing but the environment changed.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "reelfarm-cli-"));

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs `node --import tsx <script> ...args` with `env` over a clean environment (no database: a bad input must fail before one is needed). */
function run(script: string, args: string[], env: Record<string, string> = {}) {
  const childEnv = { ...process.env };
  for (const k of ["DATABASE_URL", "TEST_DATABASE_URL", "GEMINI_API_KEY", "LOG_LEVEL", "STORAGE_DIR"]) delete childEnv[k];
  Object.assign(childEnv, { DATA_DIR: path.join(tmp, "data"), EMBEDDED_PG_PORT: "54499" }, env);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, script), ...args], {
    cwd: root,
    env: childEnv,
    encoding: "utf8",
    timeout: 90_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A stack frame line ("    at fn (file:1:2)") or Node's uncaught-error marker. */
const STACK = /^\s+at .+[:(]|\bnode:internal\b|Uncaught|throw err/m;

function expectCleanFailure(r: { code: number | null; out: string }, message: RegExp) {
  expect(r.code, r.out).not.toBe(0);
  expect(r.code, r.out).not.toBeNull();
  expect(r.out).toMatch(message);
  expect(r.out, r.out).not.toMatch(STACK);
  expect(r.out).not.toMatch(/DATABASE_URL is not resolved/);
}

describe("command error paths", () => {
  it("npm run render: a campaign with an unknown tone names the field and exits 1", () => {
    const file = path.join(tmp, "bad-tone.json");
    const good = JSON.parse(fs.readFileSync(path.join(root, "examples/campaign.json"), "utf8")) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...good, tone: "shouty", images: [] }));
    const r = run("scripts/render.ts", [file]);
    expectCleanFailure(r, /is not a valid campaign:\n\s+tone: /);
    expect(r.code).toBe(1);
  });

  it("npm run render: a file that is not JSON, or is missing, says so", () => {
    const file = path.join(tmp, "broken.json");
    fs.writeFileSync(file, '{"name": "half');
    expectCleanFailure(run("scripts/render.ts", [file]), /broken\.json is not JSON/);
    expectCleanFailure(run("scripts/render.ts", [path.join(tmp, "nope.json")]), /cannot read .*nope\.json/);
  });

  it("a bad setting names it, in the CLI render, the worker, npm start and the db commands", () => {
    const campaign = path.join(root, "examples/campaign.json");
    expectCleanFailure(run("scripts/render.ts", [campaign], { LOG_LEVEL: "loud" }), /Invalid configuration:\n\s+- LOG_LEVEL/);
    expectCleanFailure(run("scripts/render.ts", [campaign], { GEMINI_API_KEY: "short" }), /GEMINI_API_KEY/);
    expectCleanFailure(run("worker/index.ts", [], { WORKER_RENDER_SLOTS: "0" }), /WORKER_RENDER_SLOTS/);
    expectCleanFailure(run("scripts/start.ts", [], { PORT: "not-a-port" }), /PORT/);
    expectCleanFailure(run("scripts/db.ts", ["status"], { DATA_DIR: "" }), /DATA_DIR/);
  });
});
