/**
 * Users and teams, managed by admins (there is no self sign-up). A user's password is hashed
 * with better-auth's own hasher and stored on its "credential" account, exactly as better-auth's
 * sign-up would, so sign-in works unchanged.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { type Db } from "~/server/db";
import { auth } from "~/server/auth";
import { ROLES } from "~/server/auth/session";

export const newUserSchema = z
  .object({
    email: z.email().trim().toLowerCase().max(200),
    name: z.string().trim().min(1).max(120),
    role: z.enum(ROLES).default("marketer"),
    /** An existing team, or... */
    teamId: z.string().min(1).optional(),
    /** ...a new one made for this user. */
    newTeamName: z.string().trim().min(1).max(120).optional(),
    /** Unset: a random one is generated and returned once. */
    password: z.string().min(10).max(128).optional(),
  })
  .refine((u) => u.role === "admin" || u.teamId || u.newTeamName, { message: "a marketer needs a team", path: ["teamId"] });
export type NewUser = z.input<typeof newUserSchema>;

export class UserExistsError extends Error {
  constructor(email: string) {
    super(`A user with the email ${email} already exists`);
    this.name = "UserExistsError";
  }
}

/** A readable random password: 18 URL-safe characters (108 bits). */
export function generatePassword(): string {
  return randomBytes(14).toString("base64url").slice(0, 18);
}

export async function hashPassword(password: string): Promise<string> {
  const ctx = await auth().$context;
  return ctx.password.hash(password);
}

/** Creates a user with a credential account. Returns the password when it was generated. */
export async function createUser(db: Db, input: NewUser) {
  const u = newUserSchema.parse(input);
  if (await db.user.findUnique({ where: { email: u.email }, select: { id: true } })) throw new UserExistsError(u.email);
  const password = u.password ?? generatePassword();
  const hash = await hashPassword(password);
  const user = await db.$transaction(async (tx) => {
    const teamId = u.teamId ?? (u.newTeamName ? (await tx.team.create({ data: { name: u.newTeamName } })).id : null);
    const created = await tx.user.create({ data: { email: u.email, name: u.name, role: u.role, teamId, emailVerified: true } });
    await tx.account.create({ data: { userId: created.id, accountId: created.id, providerId: "credential", password: hash } });
    return created;
  });
  return { user, password: u.password ? null : password };
}

/** Sets a new random password (shown once) and signs the user out everywhere. */
export async function resetPassword(db: Db, userId: string) {
  const password = generatePassword();
  const hash = await hashPassword(password);
  await db.$transaction([
    db.account.updateMany({ where: { userId, providerId: "credential" }, data: { password: hash } }),
    db.session.deleteMany({ where: { userId } }),
  ]);
  return password;
}

export async function updateUser(db: Db, userId: string, patch: { role?: "admin" | "marketer"; teamId?: string | null; name?: string }) {
  const user = await db.user.update({ where: { id: userId }, data: patch });
  // A role or team change takes effect at once: sessions are checked per request anyway.
  return user;
}

export async function deleteUser(db: Db, userId: string) {
  // Campaigns and renders stay (their creator becomes unknown); sessions, accounts, tokens go.
  await db.$transaction([
    db.campaign.updateMany({ where: { createdById: userId }, data: { createdById: null } }),
    db.render.updateMany({ where: { queuedById: userId }, data: { queuedById: null } }),
    db.user.delete({ where: { id: userId } }),
  ]);
}

export function listUsers(db: Db) {
  return db.user.findMany({
    orderBy: [{ role: "asc" }, { email: "asc" }],
    select: { id: true, email: true, name: true, role: true, createdAt: true, team: { select: { id: true, name: true } }, _count: { select: { renders: true, campaigns: true } } },
  });
}

export function listTeams(db: Db) {
  return db.team.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, _count: { select: { users: true, campaigns: true } } } });
}

export function createTeam(db: Db, name: string) {
  return db.team.create({ data: { name: z.string().trim().min(1).max(120).parse(name) } });
}
