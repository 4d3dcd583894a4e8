/**
 * The server log (src/server/log.ts): what it writes is read back as JSON lines; no secret,
 * token, password, cookie, Authorization header or URL query string survives, and LOG_LEVEL is
 * honoured by the worker process as by any other.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactText, type LogLevel } from "~/server/log";

const root = path.resolve(import.meta.dirname, "..");

function capture(level: LogLevel = "debug") {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level, destination });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const SECRETS = ["AIzaSy-test-9f8e7d6c5b4a", "hunter2-pass", "rf_live_0123456789abcdef", "sid=s3cr3t-cookie", "whsec-abcdef123456"];

describe("the server log", () => {
  it("writes no secret: URL query strings, headers, tokens, passwords, cookies, in fields and messages", () => {
    const { logger, lines, records } = capture();
    const url = `https://hooks.example.com/reelfarm?key=${SECRETS[0]}&team=7#frag`;
    logger.info(
      {
        url,
        request: { method: "POST", headers: { Authorization: `Bearer ${SECRETS[2]}`, Cookie: SECRETS[3], "x-goog-api-key": SECRETS[0], "content-type": "application/json" } },
        user: { email: "ana@example.com", password: SECRETS[1] },
        webhook: { secret: SECRETS[4], target: new URL(url) },
        tokens: 1234,
      },
      `webhook:deliver {"url":"${url}"}: delivered`,
    );
    logger.error({ err: Object.assign(new Error(`fetch ${url} failed (Authorization: Bearer ${SECRETS[2]})`), { apiKey: SECRETS[0] }) }, "delivery failed");
    logger.warn(`db at postgresql://reelfarm:${SECRETS[1]}@127.0.0.1:5432/rf?sslmode=disable; token=${SECRETS[4]}`);
    const text = lines.join("\n");
    for (const s of [...SECRETS, "s3cr3t-cookie", "team=7", "frag"]) expect(text).not.toContain(s);
    const [first, second, third] = records();
    // What is not secret stays readable.
    expect(first).toMatchObject({ level: "info", url: "https://hooks.example.com/reelfarm?[redacted]", tokens: 1234, user: { email: "ana@example.com", password: "[redacted]" } });
    expect((first!.request as { headers: Record<string, string> }).headers).toEqual({ Authorization: "[redacted]", Cookie: "[redacted]", "x-goog-api-key": "[redacted]", "content-type": "application/json" });
    expect(first!.msg).toBe('webhook:deliver {"url":"https://hooks.example.com/reelfarm?[redacted]"}: delivered');
    expect(second).toMatchObject({ level: "error", msg: "delivery failed", err: { name: "Error", apiKey: "[redacted]" } });
    expect((second!.err as { stack: string }).stack).toContain("log.test.ts");
    expect(third!.msg).toBe("db at postgresql://[redacted]@127.0.0.1:5432/rf?[redacted] token=[redacted]");
  });

  it("keeps levels: below the configured level nothing is written", () => {
    const { logger, records } = capture("warn");
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(records().map((r) => [r.level, r.msg])).toEqual([
      ["warn", "w"],
      ["error", "e"],
    ]);
  });

  it("redacts text without touching what is not secret", () => {
    expect(redactText("GET /api/v1/renders/abc/output 206 in 12 ms")).toBe("GET /api/v1/renders/abc/output 206 in 12 ms");
    expect(redactText("see https://example.com/docs/page for more")).toBe("see https://example.com/docs/page for more");
    expect(redactText("http://[::1]:8787/v1beta/models/veo:predictLongRunning?key=abc")).toBe("http://[::1]:8787/v1beta/models/veo:predictLongRunning?[redacted]");
  });

  it("LOG_LEVEL is honoured by the worker process: at error its start-up line (info) is not written", async () => {
    const run = (level: string) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", "-e", `import("./src/server/log.ts").then(({ logFor }) => { const l = logFor("worker"); l.info("host started"); l.warn("a warning"); l.error("an error"); })`], {
          cwd: root,
          env: { ...process.env, LOG_LEVEL: level },
          stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        child.stdout.on("data", (b: Buffer) => (out += b.toString()));
        child.on("error", reject);
        child.on("exit", () => resolve(out));
      });
    const levels = async (l: string) => (await run(l)).split("\n").filter(Boolean).map((x) => (JSON.parse(x) as { level: string; component: string }).level);
    expect(await levels("error")).toEqual(["error"]);
    expect(await levels("info")).toEqual(["info", "warn", "error"]);
    expect(await levels("nonsense")).toEqual(["info", "warn", "error"]); // invalid: the default, info (src/env.ts refuses it at start-up)
  });
});
