/**
 * Render history: every render the user may see, newest first, filtered by status, campaign and
 * date, paginated by keyset (createdAt, id) so page 400 costs what page 1 costs — an index range
 * scan on Render(createdAt), never an OFFSET over 10,000 rows.
 */
import { z } from "zod";
import { type Db } from "~/server/db";
import { renderScope } from "~/server/auth/access";
import { type SessionUser } from "~/server/auth/session";
import { type Prisma, type RenderStatus } from "~/server/generated/prisma/client";
import { RENDER_OUTCOMES, type RenderOutcome, type RenderStatusName, renderOutcome } from "~/shared/render-outcome";
import { stageTimingsOf, targetSecOf, variantOf } from "./dashboard";

/** The shared list of statuses is the database's enum, no more, no less (a compile error otherwise). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statusesMatch: Same<RenderStatus, RenderStatusName> = true;
void statusesMatch;

/** Which renders an outcome filter selects ("succeeded" alone: no QA warnings). */
function outcomeWhere(o: RenderOutcome): Prisma.RenderWhereInput {
  switch (o) {
    case "succeeded":
      return { status: "succeeded", OR: [{ qaWarnings: null }, { qaWarnings: 0 }] };
    case "succeeded_with_warnings":
      return { status: "succeeded", qaWarnings: { gt: 0 } };
    case "queued":
    case "running":
    case "failed":
    case "cancelled":
      return { status: o };
  }
}

export const historyInputSchema = z.object({
  /** Opaque: `<createdAt ISO>_<id>` of the last row of the previous page. */
  cursor: z.string().regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z_[A-Za-z0-9_-]+$/).nullish(),
  /** Page size. Default 25. */
  limit: z.number().int().min(1).max(100).default(25),
  /** A render status, or `succeeded_with_warnings` (see render-outcome.ts). */
  status: z.enum(RENDER_OUTCOMES).nullish(),
  campaignId: z.string().min(1).nullish(),
  /** Queued on or after this day (inclusive)... */
  from: z.date().nullish(),
  /** ...and before the end of this day. */
  to: z.date().nullish(),
});
export type HistoryInput = z.input<typeof historyInputSchema>;

export function encodeCursor(r: { createdAt: Date; id: string }) {
  return `${r.createdAt.toISOString()}_${r.id}`;
}

function decodeCursor(c: string) {
  const i = c.indexOf("Z_");
  return { createdAt: new Date(c.slice(0, i + 1)), id: c.slice(i + 2) };
}

export async function listHistory(db: Db, user: SessionUser, input: HistoryInput) {
  const q = historyInputSchema.parse(input);
  const and: Prisma.RenderWhereInput[] = [renderScope(user)];
  if (q.status) and.push(outcomeWhere(q.status));
  if (q.campaignId) and.push({ campaignId: q.campaignId });
  if (q.from) and.push({ createdAt: { gte: q.from } });
  if (q.to) and.push({ createdAt: { lt: new Date(q.to.getTime() + 86_400_000) } });
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    and.push({ OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] });
  }
  const rows = await db.render.findMany({
    where: { AND: and },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    select: {
      id: true,
      status: true,
      qaWarnings: true,
      preset: true,
      stage: true,
      progress: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      durationSec: true,
      encoder: true,
      cacheHits: true,
      cacheMisses: true,
      costUsd: true,
      stageTimings: true,
      settings: true,
      batchId: true,
      campaign: { select: { id: true, name: true } },
      queuedBy: { select: { name: true } },
    },
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ settings, stageTimings, ...r }) => ({
      ...r,
      outcome: renderOutcome(r),
      variant: variantOf(settings),
      targetSec: targetSecOf(settings),
      stageTimings: stageTimingsOf(stageTimings),
      /** Wall time from start to finish, in seconds. */
      wallSec: r.startedAt && r.finishedAt ? (r.finishedAt.getTime() - r.startedAt.getTime()) / 1000 : null,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null,
  };
}
