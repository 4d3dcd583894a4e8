/**
 * The first admin: on an empty database (no users at all), create a team and an admin and print
 * the credentials once. The password is stored only hashed; if it is lost, another admin can
 * reset it (Admin → Users).
 *
 * REELFARM_ADMIN_EMAIL / REELFARM_ADMIN_PASSWORD preset them (automated set-ups, e2e tests);
 * unset, the email is admin@reelfarm.local and the password is random.
 */
import { env, envSchema } from "~/env";
import { db as defaultDb, type Db } from "~/server/db";
import { createUser } from "~/server/services/users";

const presetSchema = envSchema.pick({ REELFARM_ADMIN_EMAIL: true, REELFARM_ADMIN_PASSWORD: true });

export interface FirstAdmin {
  email: string;
  /** Null when it was preset (not printed). */
  password: string | null;
}

/** Creates the first admin when there is no user yet; returns it (null when users exist). */
export async function ensureFirstAdmin(opts: { db?: Db; log?: (m: string) => void; source?: Record<string, string | undefined> } = {}): Promise<FirstAdmin | null> {
  const db = opts.db ?? defaultDb();
  const log = opts.log ?? ((m: string) => console.log(m));
  if ((await db.user.count()) > 0) return null;
  const preset = presetSchema.parse(opts.source ?? process.env);
  const email = preset.REELFARM_ADMIN_EMAIL ?? "admin@reelfarm.local";
  const team = await db.team.create({ data: { name: "Default team" } });
  const { password } = await createUser(db, { email, name: "Admin", role: "admin", teamId: team.id, password: preset.REELFARM_ADMIN_PASSWORD });
  const url = `${env().PUBLIC_URL}/sign-in`;
  const lines = [
    "First admin created (shown once, not stored in clear):",
    `  sign in at ${url}`,
    `  email:     ${email}`,
    `  password:  ${password ?? "(preset by REELFARM_ADMIN_PASSWORD)"}`,
    "Then create your team's accounts under Admin → Users.",
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  log(["┌" + "─".repeat(width) + "┐", ...lines.map((l) => `│ ${l.padEnd(width - 1)}│`), "└" + "─".repeat(width) + "┘"].join("\n"));
  return { email, password };
}
