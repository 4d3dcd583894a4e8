/**
 * Sign-in: hashed passwords, server-side sessions in PostgreSQL, cookie attributes, CSRF on
 * better-auth's own endpoints, and rate limits (per email, per client IP).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import { createServer, request, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { toNodeHandler } from "better-auth/node";
import { auth, createAuth, SIGN_IN_DELAY_PER_EMAIL, SIGN_IN_DELAY_PER_EMAIL_IP, SIGN_IN_PER_IP } from "~/server/auth";
import { CLIENT_IP_HEADER, parseTrustedProxies, stampClientIp } from "~/server/http/client-ip";
import { getSessionUser } from "~/server/auth/session";
import { createUser } from "~/server/services/users";
import { testDb } from "../helpers/db";
import { browserHeaders, PASSWORD } from "./fixtures";

const origin = () => new URL(env().PUBLIC_URL).origin;

function attempt(email: string, password: string, headers: Record<string, string> = {}) {
  return auth().handler(
    new Request(`${origin()}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: origin(), [CLIENT_IP_HEADER]: "10.9.9.9", ...headers },
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
    const res = await attempt(email, PASSWORD, { [CLIENT_IP_HEADER]: "10.1.1.1" });
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
        headers: { "content-type": "application/json", origin: "https://reelfarm.example", host: "reelfarm.example", [CLIENT_IP_HEADER]: "10.1.1.9" },
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
    expect((await attempt(email, "wrong password!!", { [CLIENT_IP_HEADER]: "10.1.1.2" })).status).toBe(401);
    expect(await getSessionUser(browserHeaders("reelfarm.session_token=forged.value"))).toBeNull();
  });

  it("refuses sign-in posted from another origin (CSRF)", async () => {
    const res = await attempt(email, PASSWORD, { origin: "https://evil.example", [CLIENT_IP_HEADER]: "10.1.1.3" });
    expect(res.status).toBe(403);
  });

  it("slows guesses at one account from one address with a growing delay, refusing tries made during it without counting them", async () => {
    // A long first delay so the outcome does not depend on how fast scrypt runs on this machine.
    const perEmailIp = { ...SIGN_IN_DELAY_PER_EMAIL_IP, baseSec: 60 };
    const a = createAuth({ delays: { perEmailIp, perEmail: SIGN_IN_DELAY_PER_EMAIL } });
    const post = (emailAddr: string, password: string, ip: string) =>
      a.handler(new Request(`${origin()}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json", origin: origin(), [CLIENT_IP_HEADER]: ip }, body: JSON.stringify({ email: emailAddr, password }) }));
    const victim = `victim-${Date.now()}@test.local`;
    await createUser(testDb(), { email: victim, name: "Victim", role: "marketer", newTeamName: "Victims", password: PASSWORD });
    const statuses: number[] = [];
    for (let i = 0; i < perEmailIp.free + 4; i++) statuses.push((await post(victim, `guess-${i}-password`, "10.2.0.1")).status);
    expect(statuses).toEqual([...Array(perEmailIp.free).fill(401), 429, 429, 429, 429]);
    const refused = await post(victim, PASSWORD, "10.2.0.1");
    expect(refused.status).toBe(429);
    // The refused tries did not extend the wait: still the first step of the delay.
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(perEmailIp.baseSec);
    expect(await refused.text()).toMatch(/Try again in 1 min/);
    // Not a lock: the owner, from their own address, signs in at once.
    expect((await post(victim, PASSWORD, "10.2.9.9")).status).toBe(200);
  });

  it("a botnet (many addresses) only delays the owner, by at most the per-email cap", async () => {
    const perEmail = { free: 3, baseSec: 5, capSec: 5, resetSec: 3600 };
    const a = createAuth({ delays: { perEmailIp: SIGN_IN_DELAY_PER_EMAIL_IP, perEmail } });
    const victim = `botnet-${Date.now()}@test.local`;
    await createUser(testDb(), { email: victim, name: "Victim", role: "marketer", newTeamName: "Botnet victims", password: PASSWORD });
    const post = (password: string, ip: string) =>
      a.handler(new Request(`${origin()}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json", origin: origin(), [CLIENT_IP_HEADER]: ip }, body: JSON.stringify({ email: victim, password }) }));
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await post("wrong password!!", `10.5.${i}.1`)).status);
    expect(statuses.slice(0, perEmail.free + 1)).toEqual([401, 401, 401, 429]);
    // The owner waits out the (capped) delay once, then gets in.
    let res = await post(PASSWORD, "10.5.200.1");
    if (res.status === 429) {
      expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(perEmail.capSec);
      await new Promise((r) => setTimeout(r, Number(res.headers.get("retry-after")) * 1000 + 200));
      res = await post(PASSWORD, "10.5.200.1");
    }
    expect(res.status).toBe(200);
  });

  it("is rate limited per client IP across emails", async () => {
    const statuses = [];
    for (let i = 0; i <= SIGN_IN_PER_IP.max; i++) statuses.push((await attempt(`nobody-${i}@test.local`, "whatever-password", { [CLIENT_IP_HEADER]: "10.3.3.3" })).status);
    expect(statuses.slice(0, SIGN_IN_PER_IP.max).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it("a successful sign-in resets the email's counter", async () => {
    const user = `forgetful-${Date.now()}@test.local`;
    await createUser(testDb(), { email: user, name: "Forgetful", role: "marketer", newTeamName: "Forgetful", password: PASSWORD });
    const ip = { [CLIENT_IP_HEADER]: "10.4.0.1" };
    for (let i = 0; i < SIGN_IN_DELAY_PER_EMAIL_IP.free - 1; i++) expect((await attempt(user, "wrong password!!", ip)).status).toBe(401);
    expect((await attempt(user, PASSWORD, ip)).status).toBe(200);
    for (let i = 0; i < SIGN_IN_DELAY_PER_EMAIL_IP.free - 1; i++) expect((await attempt(user, "wrong password!!", ip)).status).toBe(401);
  });
});

/**
 * Through a real socket and the web server's client-address stamping (scripts/web.ts does the
 * same in front of Next): the forwarded header is the attacker's to choose, the socket is not.
 */
describe("sign-in over HTTP: the client address is the socket's", () => {
  let server: Server;
  let port = 0;
  // A long first delay so the count does not depend on how fast scrypt runs on this machine.
  const perEmailIp = { ...SIGN_IN_DELAY_PER_EMAIL_IP, baseSec: 60 };
  beforeAll(async () => {
    const handle = toNodeHandler(createAuth({ delays: { perEmailIp, perEmail: SIGN_IN_DELAY_PER_EMAIL } }));
    server = createServer((req, res) => {
      stampClientIp(req, parseTrustedProxies(""));
      void handle(req, res);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  /** POSTs a sign-in from `localAddress` (any 127.x address is this host's loopback). */
  function httpAttempt(emailAddr: string, password: string, localAddress: string, forwardedFor?: string) {
    const body = JSON.stringify({ email: emailAddr, password });
    return new Promise<{ status: number; retryAfter: number }>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          localAddress,
          method: "POST",
          path: "/api/auth/sign-in/email",
          headers: { "content-type": "application/json", origin: origin(), host: new URL(origin()).host, ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}), [CLIENT_IP_HEADER]: forwardedFor ?? "1.2.3.4" },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers["retry-after"] ?? 0) }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  it("20 wrong passwords with rotating X-Forwarded-For (and a forged client-address header) from one socket are limited; the owner still signs in", async () => {
    const victim = `socket-${Date.now()}@test.local`;
    await createUser(testDb(), { email: victim, name: "Victim", role: "marketer", newTeamName: "Socket victims", password: PASSWORD });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await httpAttempt(victim, `guess-${i}-password`, "127.0.0.1", `203.0.113.${i + 1}`)).status);
    // Checked against the password: only the free tries; the rest wait.
    expect(statuses).toEqual([...Array(perEmailIp.free).fill(401), ...Array(20 - perEmailIp.free).fill(429)]);
    // Every try was counted under the socket's address, none under a forwarded one.
    const keys = (await testDb().rateLimit.findMany({ where: { key: { contains: victim } } })).map((r) => r.key);
    expect(keys).toContain(`sign-in:email-ip:${victim}|127.0.0.1`);
    expect(keys.some((k) => k.includes("203.0.113."))).toBe(false);
    // The owner, from their own address, is not locked out.
    expect((await httpAttempt(victim, PASSWORD, "127.0.0.2")).status).toBe(200);
  });
});
