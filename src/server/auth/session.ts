/**
 * Who is asking: the signed-in user of a request (from better-auth's session cookie, checked
 * against the Session table on every call, so a revoked session or a changed role counts at
 * once), reduced to what authorisation needs.
 */
import { z } from "zod";
import { auth } from "./index";

export const ROLES = ["admin", "marketer"] as const;
export type Role = (typeof ROLES)[number];

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Marketers see their team's campaigns and renders only; admins see every team's. */
  teamId: string | null;
}

const userShape = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES).catch("marketer"),
  teamId: z.string().nullish().transform((v) => v ?? null),
});

export async function getSessionUser(headers: Headers): Promise<SessionUser | null> {
  if (!headers.get("cookie")) return null;
  const s = await auth().api.getSession({ headers, query: { disableCookieCache: true } });
  if (!s) return null;
  return userShape.parse(s.user);
}
