import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("env", () => {
  it("fills defaults and resolves paths", () => {
    const e = parseEnv({});
    expect(e).toMatchObject({ PORT: 3000, EMBEDDED_PG_PORT: 54329, WORKER_CONCURRENCY: 4, PROVIDER_OPTIONS: {} });
    expect(e.STORAGE_DIR.endsWith("/.data/storage")).toBe(true);
    expect(e.PUBLIC_URL).toBe("http://localhost:3000");
    expect(e.STORAGE_URL).toBeUndefined(); // the local directory is the default
    expect(e.STORAGE_CACHE_DIR.endsWith("/.data/storage-cache")).toBe(true);
  });

  it("takes an S3 storage URL with its settings", () => {
    const e = parseEnv({ STORAGE_URL: "s3://reelfarm-media/prod", STORAGE_S3_ENDPOINT: "http://127.0.0.1:9000", STORAGE_S3_ACCESS_KEY_ID: "AK", STORAGE_S3_SECRET_ACCESS_KEY: "SK", STORAGE_S3_FORCE_PATH_STYLE: "1" });
    expect(e).toMatchObject({ STORAGE_URL: "s3://reelfarm-media/prod", STORAGE_S3_REGION: "us-east-1", STORAGE_S3_FORCE_PATH_STYLE: true });
  });

  it.each([
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ PORT: "http" }, "PORT"],
    [{ WORKER_CONCURRENCY: "0" }, "WORKER_CONCURRENCY"],
    [{ PROVIDER_OPTIONS: "[1,2]" }, "PROVIDER_OPTIONS"],
    [{ PROVIDER_OPTIONS: "{oops" }, "PROVIDER_OPTIONS"],
    [{ AUTH_SECRET: "short" }, "AUTH_SECRET"],
    [{ GEMINI_BASE_URL: "not a url" }, "GEMINI_BASE_URL"],
    [{ STORAGE_URL: "https://bucket/x" }, "STORAGE_URL"],
    [{ STORAGE_URL: "s3://Bucket_Upper/x" }, "STORAGE_URL"],
    [{ STORAGE_URL: "s3://bucket/../etc" }, "STORAGE_URL"],
    [{ STORAGE_S3_ENDPOINT: "localhost:9000" }, "STORAGE_S3_ENDPOINT"],
    [{ STORAGE_S3_FORCE_PATH_STYLE: "maybe" }, "STORAGE_S3_FORCE_PATH_STYLE"],
    [{ STORAGE_S3_ACCESS_KEY_ID: "AKIAEXAMPLE" }, "STORAGE_S3_SECRET_ACCESS_KEY"],
    [{ STORAGE_S3_SECRET_ACCESS_KEY: "secret" }, "STORAGE_S3_ACCESS_KEY_ID"],
  ])("refuses %j, naming the setting", (source, name) => {
    expect(() => parseEnv(source)).toThrow(EnvError);
    expect(() => parseEnv(source)).toThrow(new RegExp(`${name}: `));
  });
});
