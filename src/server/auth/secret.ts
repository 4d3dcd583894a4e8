/**
 * The secret better-auth signs cookies and derives keys with: AUTH_SECRET when set, else one
 * generated on first use and kept in DATA_DIR/auth-secret (mode 0600), so sessions survive
 * restarts and every process on this machine (web app, tests, scripts) agrees on it.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "~/env";

let cached: string | undefined;

export function authSecret(): string {
  if (cached) return cached;
  const e = env();
  if (e.AUTH_SECRET) return (cached = e.AUTH_SECRET);
  const file = path.join(e.DATA_DIR, "auth-secret");
  fs.mkdirSync(e.DATA_DIR, { recursive: true });
  try {
    // "wx": of two processes starting at once, exactly one writes; the other reads its secret.
    fs.writeFileSync(file, randomBytes(48).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const secret = fs.readFileSync(file, "utf8").trim();
  if (secret.length < 32) throw new Error(`${file} holds a secret shorter than 32 characters: delete it or set AUTH_SECRET`);
  return (cached = secret);
}
