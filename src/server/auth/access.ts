/**
 * Team scoping. Admins see every team; a marketer sees the campaigns of their own team and the
 * renders of those campaigns, nothing else. Lookups by id answer "not found" for what does not
 * exist and "forbidden" for what belongs to another team (what the authorisation tests expect).
 */
import { type Db } from "~/server/db";
import { NotFoundError } from "~/server/services/renders";
import { type SessionUser } from "./session";

export class ForbiddenError extends Error {
  constructor(message = "You do not have access to this") {
    super(message);
    this.name = "ForbiddenError";
  }
}

/** A team id no row has: a marketer without a team sees nothing. */
const NO_TEAM = "-";

export function canSeeTeam(user: SessionUser, teamId: string | null): boolean {
  return user.role === "admin" || (user.teamId !== null && teamId === user.teamId);
}

/** Prisma `where` for the campaigns this user may see. */
export function campaignScope(user: SessionUser) {
  return user.role === "admin" ? {} : { teamId: user.teamId ?? NO_TEAM };
}

/** Prisma `where` for the renders this user may see. */
export function renderScope(user: SessionUser) {
  return user.role === "admin" ? {} : { campaign: { teamId: user.teamId ?? NO_TEAM } };
}

export async function assertCampaignAccess(db: Db, user: SessionUser, campaignId: string) {
  const c = await db.campaign.findUnique({ where: { id: campaignId }, select: { id: true, teamId: true, archivedAt: true } });
  if (!c) throw new NotFoundError("Campaign");
  if (!canSeeTeam(user, c.teamId)) throw new ForbiddenError("This campaign belongs to another team");
  return c;
}

export async function assertRenderAccess(db: Db, user: SessionUser, renderId: string) {
  const r = await db.render.findUnique({ where: { id: renderId }, select: { id: true, campaign: { select: { teamId: true } } } });
  if (!r) throw new NotFoundError("Render");
  if (!canSeeTeam(user, r.campaign.teamId)) throw new ForbiddenError("This render belongs to another team");
  return r;
}

/** The team a request acts on: `teamId` when given (admins: any; marketers: their own), else the user's own team. */
export function teamFor(user: SessionUser, teamId?: string | null): string {
  const id = teamId ?? user.teamId;
  if (!id) throw new ForbiddenError("You are not in a team yet: ask an admin to add you to one");
  if (!canSeeTeam(user, id)) throw new ForbiddenError("This team's brand kit belongs to another team");
  return id;
}
