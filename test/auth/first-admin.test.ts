/** The first admin: created on an empty database only, credentials printed once, password hashed. */
import pg from "pg";
import { verifyPassword } from "better-auth/crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "~/server/db";
import { applyMigrations } from "~/server/db/migrate";
import { ensureFirstAdmin } from "~/server/auth/first-admin";

const name = `reelfarm_first_admin_${process.pid}`;
let admin: pg.Client;
let db: Db;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  const u = new URL(process.env.TEST_DATABASE_URL!);
  u.pathname = `/${name}`;
  await applyMigrations(u.toString());
  db = createDb(u.toString());
});

afterAll(async () => {
  await db.$disconnect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
});

describe("ensureFirstAdmin", () => {
  it("creates an admin with a random password on an empty database and prints it once", async () => {
    const lines: string[] = [];
    const first = await ensureFirstAdmin({ db, log: (m) => lines.push(m), source: {} });
    expect(first?.email).toBe("admin@reelfarm.local");
    expect(first?.password).toMatch(/^[A-Za-z0-9_-]{18}$/);
    expect(lines.join("\n")).toContain(first!.password!);
    const user = await db.user.findUniqueOrThrow({ where: { email: first!.email }, include: { accounts: true, team: true } });
    expect(user.role).toBe("admin");
    expect(user.team?.name).toBe("Default team");
    const hash = user.accounts[0]!.password!;
    expect(hash).not.toContain(first!.password!);
    expect(await verifyPassword({ hash, password: first!.password! })).toBe(true);

    const again: string[] = [];
    expect(await ensureFirstAdmin({ db, log: (m) => again.push(m), source: {} })).toBeNull();
    expect(again).toEqual([]);
    expect(await db.user.count()).toBe(1);
  });

  it("takes preset credentials and does not print the password", async () => {
    await db.$transaction([db.account.deleteMany(), db.user.deleteMany()]);
    const lines: string[] = [];
    const r = await ensureFirstAdmin({ db, log: (m) => lines.push(m), source: { REELFARM_ADMIN_EMAIL: "boss@example.com", REELFARM_ADMIN_PASSWORD: "preset-password-1" } });
    expect(r).toEqual({ email: "boss@example.com", password: null });
    expect(lines.join("\n")).not.toContain("preset-password-1");
  });
});
