/**
 * Sign-in: hashed passwords, server-side sessions in PostgreSQL, cookie attributes, CSRF on
 * better-auth's own endpoints, and rate limits (per email, per client IP).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import { auth, createAuth, SIGN_IN_PER_EMAIL, SIGN_IN_PER_IP } from "~/server/auth";
import { getSessionUser } from "~/server/auth/session";
import { createUser } from "~/server/services/users";
import { testDb } from "../helpers/db";
import { browserHeaders, PASSWORD, signIn } from "./fixtures";

const origin = () => new URL(env().PUBLIC_URL).origin;

function attempt(email: string, password: string, headers: Record<string, string> = {}) {
  return auth().handler(
    new Request(`${origin()}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: origin(), "x-forwarded-for": "10.9.9.9", ...headers },
      body: JSON.stringify({ email, password }),
    }),
  );
}

let email: string;
beforeAll(async () => {
  email = `signin-${Date.now()}@test.local`;
  await createUser(testDb(), { email, name: "Sign In", role: "marketer", newTeamName: "Sign-in team", password: PASSWORD });
});
afterAll(async () => {
  await testDb().rateLimit.deleteMany({});
});

describe("sign-in", () => {
  it("stores only a scrypt hash of the password", async () => {
    const account = await testDb().account.findFirstOrThrow({ where: { user: { email }, providerId: "credential" } });
    expect(account.password).toBeTruthy();
    expect(account.password).not.toContain(PASSWORD);
    expect(account.password!.length).toBeGreaterThan(60);
  });

  it("creates a server-side session and an httpOnly, SameSite cookie", async () => {
    const res = await attempt(email, PASSWORD, { "x-forwarded-for": "10.1.1.1" });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.includes("session_token"))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    // http:// PUBLIC_URL here: not Secure (it would never be sent back). Over https it is:
    expect(env().PUBLIC_URL.startsWith("https://") ? /Secure/i.test(cookie) : !/;\s*Secure/i.test(cookie)).toBe(true);
    const token = decodeURIComponent(cookie.split(";")[0]!.split("=")[1]!).split(".")[0]!;
    const session = await testDb().session.findUnique({ where: { token } });
    expect(session?.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const user = await getSessionUser(browserHeaders(cookie.split(";")[0]));
    expect(user).toMatchObject({ email, role: "marketer" });
    // Sign-out deletes the session row: the cookie is worthless afterwards.
    await auth().handler(new Request(`${origin()}/api/auth/sign-out`, { method: "POST", headers: browserHeaders(cookie.split(";")[0], { "content-type": "application/json" }), body: "{}" }));
    expect(await testDb().session.findUnique({ where: { token } })).toBeNull();
    expect(await getSessionUser(browserHeaders(cookie.split(";")[0]))).toBeNull();
  });

  it("marks the cookie Secure (and __Secure- prefixed) when served over https", async () => {
    const httpsAuth = createAuth({ publicUrl: "https://reelfarm.example" });
    const res = await httpsAuth.handler(
      new Request("https://reelfarm.example/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://reelfarm.example", host: "reelfarm.example", "x-forwarded-for": "10.1.1.9" },
        body: JSON.stringify({ email, password: PASSWORD }),
      }),
    );
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.includes("session_token"))!;
    expect(cookie).toMatch(/^__Secure-reelfarm\.session_token=/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
  });

  it("refuses a wrong password and a forged cookie", async () => {
    expect((await attempt(email, "wrong password!!", { "x-forwarded-for": "10.1.1.2" })).status).toBe(401);
    expect(await getSessionUser(browserHeaders("reelfarm.session_token=forged.value"))).toBeNull();
  });

  it("refuses sign-in posted from another origin (CSRF)", async () => {
    const res = await attempt(email, PASSWORD, { origin: "https://evil.example", "x-forwarded-for": "10.1.1.3" });
    expect(res.status).toBe(403);
  });

  it("is rate limited per email, whatever the client address", async () => {
    const victim = `victim-${Date.now()}@test.local`;
    await createUser(testDb(), { email: victim, name: "Victim", role: "marketer", newTeamName: "Victims", password: PASSWORD });
    const statuses = [];
    for (let i = 0; i <= SIGN_IN_PER_EMAIL.max; i++) statuses.push((await attempt(victim, `guess-${i}-password`, { "x-forwarded-for": `10.2.0.${i + 1}` })).status);
    expect(statuses.slice(0, SIGN_IN_PER_EMAIL.max).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Even the right password waits now: the account is locked for the window.
    expect((await attempt(victim, PASSWORD, { "x-forwarded-for": "10.2.1.1" })).status).toBe(429);
  });

  it("is rate limited per client IP across emails", async () => {
    const statuses = [];
    for (let i = 0; i <= SIGN_IN_PER_IP.max; i++) statuses.push((await attempt(`nobody-${i}@test.local`, "whatever-password", { "x-forwarded-for": "10.3.3.3" })).status);
    expect(statuses.slice(0, SIGN_IN_PER_IP.max).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it("a successful sign-in resets the email's counter", async () => {
    const user = `forgetful-${Date.now()}@test.local`;
    await createUser(testDb(), { email: user, name: "Forgetful", role: "marketer", newTeamName: "Forgetful", password: PASSWORD });
    for (let i = 0; i < SIGN_IN_PER_EMAIL.max - 1; i++) await attempt(user, "wrong password!!", { "x-forwarded-for": `10.4.0.${i + 1}` });
    await signIn(user);
    for (let i = 0; i < SIGN_IN_PER_EMAIL.max - 1; i++) expect((await attempt(user, "wrong password!!", { "x-forwarded-for": `10.4.1.${i + 1}` })).status).toBe(401);
  });
});
