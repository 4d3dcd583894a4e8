import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("env", () => {
  it("fills defaults and resolves paths", () => {
    const e = parseEnv({});
    expect(e).toMatchObject({ PORT: 3000, EMBEDDED_PG_PORT: 54329, WORKER_CONCURRENCY: 4, PROVIDER_OPTIONS: {} });
    expect(e.STORAGE_DIR.endsWith("/.data/storage")).toBe(true);
    expect(e.PUBLIC_URL).toBe("http://localhost:3000");
  });

  it.each([
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ PORT: "http" }, "PORT"],
    [{ WORKER_CONCURRENCY: "0" }, "WORKER_CONCURRENCY"],
    [{ PROVIDER_OPTIONS: "[1,2]" }, "PROVIDER_OPTIONS"],
    [{ PROVIDER_OPTIONS: "{oops" }, "PROVIDER_OPTIONS"],
    [{ AUTH_SECRET: "short" }, "AUTH_SECRET"],
    [{ GEMINI_BASE_URL: "not a url" }, "GEMINI_BASE_URL"],
  ])("refuses %j, naming the setting", (source, name) => {
    expect(() => parseEnv(source)).toThrow(EnvError);
    expect(() => parseEnv(source)).toThrow(new RegExp(`${name}: `));
  });
});
