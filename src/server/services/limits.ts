/**
 * Money and abuse limits on queueing renders. Per UTC day (the database's clock):
 * - renders per user (User.dailyRenderLimit, else DEFAULT_DAILY_RENDERS_PER_USER),
 *   per API token (ApiToken.dailyRenderLimit, none by default) and per team
 *   (Team.dailyRenderLimit, else DEFAULT_DAILY_RENDERS_PER_TEAM);
 * - spend per team in USD (Team.dailyBudgetUsd, else DEFAULT_DAILY_BUDGET_USD_PER_TEAM): today's
 *   renders count their actual cost once finished and their estimate while queued or running,
 *   plus the estimate of what is being queued.
 * Limits are set by admins (admin router). Over a limit, nothing is queued: LimitError says which
 * limit, until when (`retryAfterSec`, to the next UTC midnight) and what to do.
 */
import { z } from "zod";
import { env } from "~/env";
import { type Db } from "~/server/db";
import { type Prisma } from "~/server/generated/prisma/client";

/** The client or a transaction of it. */
type DbOrTx = Db | Prisma.TransactionClient;
import { type Provider, type ProviderKind } from "~/plugins/spec";
import { MAX_SCENES, MIN_SCENES } from "~/plugins/spec/schemas";
import { providerChain } from "./providers";

export class LimitError extends Error {
  constructor(
    /** "renders": a count limit (HTTP 429); "budget": the team's daily spend (HTTP 402). */
    readonly kind: "renders" | "budget",
    message: string,
    /** Seconds until the limit resets (next UTC midnight). */
    readonly retryAfterSec: number,
  ) {
    super(message);
    this.name = "LimitError";
  }
}

/** What the estimate needs from a render's settings. */
export interface EstimateInput {
  targetSeconds: number;
  musicMood: string;
  preset: "preview" | "final";
}

/** Seconds of narration per scene the estimate assumes (the template's pace). */
const SECONDS_PER_SCENE = 5;
/** Characters per second of narration (about 2.6 words of 5-6 characters). */
const CHARS_PER_SECOND = 15;

const first = (kind: ProviderKind): Provider | undefined => providerChain(kind)[0];
const price = (p: Provider | undefined, input: unknown) => (p ? Math.max(0, (p.costModel.estimateUsd as (i: unknown, o: unknown) => number)(input, p.optionsSchema.parse(undefined))) : 0);

/**
 * Estimated USD of one render from the cost models of the providers that would be tried first
 * (the configured chains): script, one voiceover, still and (when a non-local video provider is
 * configured) video clip per scene, and the music. Scenes: targetSeconds / 5, within the
 * script's 2..12. An estimate: the actual cost is known only after the render.
 */
export function estimateRenderCostUsd(s: EstimateInput): number {
  const scenes = Math.min(MAX_SCENES, Math.max(MIN_SCENES, Math.ceil(s.targetSeconds / SECONDS_PER_SCENE)));
  const sceneSec = s.targetSeconds / scenes;
  const video = providerChain("video").find((p) => !p.local);
  let usd = price(first("script"), { brief: {}, targetDurationSec: s.targetSeconds, language: "en" });
  usd += scenes * price(first("voiceover"), { text: "x".repeat(Math.round(sceneSec * CHARS_PER_SECOND)), language: "en" });
  usd += scenes * price(first("image"), { prompt: "x" });
  if (video) usd += scenes * price(video, { prompt: "x", durationSec: Math.min(20, Math.max(1, sceneSec)) });
  if (s.musicMood !== "none") usd += price(first("music"), { mood: s.musicMood, durationSec: Math.min(300, s.targetSeconds) });
  return Math.round(usd * 10_000) / 10_000;
}

export interface QueueRequest {
  userId: string;
  teamId: string | null;
  tokenId?: string | null;
  /** Renders being queued at once (a batch). */
  renders: number;
  /** Their total estimated USD. */
  estimatedUsd: number;
}

async function secondsToUtcMidnight(db: DbOrTx): Promise<number> {
  const [r] = await db.$queryRaw<{ s: number }[]>`select extract(epoch from (date_trunc('day', now() at time zone 'utc') + interval '1 day') - (now() at time zone 'utc'))::float8 as s`;
  return Math.max(1, Math.ceil(r!.s));
}

/** Renders created today (UTC, database clock) matching a condition on "Render" r. */
async function countToday(db: DbOrTx, by: "user" | "token" | "team", id: string): Promise<number> {
  const rows =
    by === "user"
      ? await db.$queryRaw<{ n: number }[]>`select count(*)::int as n from "Render" where "queuedById" = ${id} and "createdAt" >= date_trunc('day', now() at time zone 'utc')`
      : by === "token"
        ? await db.$queryRaw<{ n: number }[]>`select count(*)::int as n from "Render" where "apiTokenId" = ${id} and "createdAt" >= date_trunc('day', now() at time zone 'utc')`
        : await db.$queryRaw<{ n: number }[]>`select count(*)::int as n from "Render" r join "Campaign" c on c.id = r."campaignId" where c."teamId" = ${id} and r."createdAt" >= date_trunc('day', now() at time zone 'utc')`;
  return rows[0]!.n;
}

/** Today's spend of a team: actual cost of finished renders, the estimate (or more) of the rest. */
export async function teamSpendTodayUsd(db: DbOrTx, teamId: string): Promise<number> {
  const [r] = await db.$queryRaw<{ usd: number }[]>`
    select coalesce(sum(case when r.status in ('succeeded', 'failed', 'cancelled') then r."costUsd" else greatest(r."costUsd", r."estimatedCostUsd") end), 0)::float8 as usd
    from "Render" r join "Campaign" c on c.id = r."campaignId"
    where c."teamId" = ${teamId} and r."createdAt" >= date_trunc('day', now() at time zone 'utc')`;
  return r!.usd;
}

const plural = (n: number) => `${n} render${n === 1 ? "" : "s"}`;

/**
 * Throws LimitError when queueing `q.renders` more renders would pass a daily limit. Call it
 * inside the transaction that creates the renders, after {@link lockQueueing}.
 */
export async function assertWithinLimits(db: DbOrTx, q: QueueRequest): Promise<void> {
  const e = env();
  const [user, token, team] = await Promise.all([
    db.user.findUnique({ where: { id: q.userId }, select: { dailyRenderLimit: true } }),
    q.tokenId ? db.apiToken.findUnique({ where: { id: q.tokenId }, select: { dailyRenderLimit: true, name: true } }) : null,
    q.teamId ? db.team.findUnique({ where: { id: q.teamId }, select: { dailyRenderLimit: true, dailyBudgetUsd: true } }) : null,
  ]);
  const checks: { what: string; limit: number | null | undefined; by: "user" | "token" | "team"; id: string | null | undefined }[] = [
    { what: "API token", limit: token?.dailyRenderLimit, by: "token", id: q.tokenId },
    { what: "account", limit: user?.dailyRenderLimit ?? e.DEFAULT_DAILY_RENDERS_PER_USER, by: "user", id: q.userId },
    { what: "team", limit: team?.dailyRenderLimit ?? e.DEFAULT_DAILY_RENDERS_PER_TEAM, by: "team", id: q.teamId },
  ];
  for (const c of checks) {
    if (c.limit == null || !c.id) continue;
    const used = await countToday(db, c.by, c.id);
    if (used + q.renders > c.limit) {
      throw new LimitError("renders", `Daily render limit reached: this ${c.what} may queue ${plural(c.limit)} per day (UTC) and has queued ${used} today, so ${plural(q.renders)} more would pass it. Try again after midnight UTC or ask an admin to raise the limit.`, await secondsToUtcMidnight(db));
    }
  }
  const budget = q.teamId ? (team?.dailyBudgetUsd ?? e.DEFAULT_DAILY_BUDGET_USD_PER_TEAM) : null;
  if (budget != null && q.teamId) {
    const spent = await teamSpendTodayUsd(db, q.teamId);
    if (spent + q.estimatedUsd > budget + 1e-9) {
      throw new LimitError("budget", `Daily budget reached: the team's budget is $${budget.toFixed(2)} per day (UTC); $${spent.toFixed(2)} is spent or committed today and this would add about $${q.estimatedUsd.toFixed(2)}. Try again after midnight UTC or ask an admin to raise the budget.`, await secondsToUtcMidnight(db));
    }
  }
}

/** Serialises queueing per team (or user): a transaction-scoped advisory lock, so two requests can't both pass a limit. */
export async function lockQueueing(tx: DbOrTx, key: string) {
  await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${`queue:${key}`}))`;
}

/** What queueing `count` renders of a campaign would cost, and where the team stands today. */
export async function queueEstimate(db: Db, q: { campaignId: string; preset: "preview" | "final"; count: number }) {
  const c = await db.campaign.findUniqueOrThrow({ where: { id: q.campaignId }, select: { teamId: true, targetSeconds: true, musicMood: true, team: { select: { dailyBudgetUsd: true } } } });
  const each = estimateRenderCostUsd({ targetSeconds: c.targetSeconds, musicMood: c.musicMood, preset: q.preset });
  return {
    estimatedUsdEach: each,
    estimatedUsd: Math.round(each * q.count * 10_000) / 10_000,
    spentTodayUsd: c.teamId ? await teamSpendTodayUsd(db, c.teamId) : 0,
    budgetUsd: c.teamId ? (c.team?.dailyBudgetUsd ?? env().DEFAULT_DAILY_BUDGET_USD_PER_TEAM) : null,
  };
}

export const limitsInputSchema = z.discriminatedUnion("target", [
  z.object({ target: z.literal("team"), id: z.string().min(1), dailyRenderLimit: z.number().int().min(0).max(100_000).nullable(), dailyBudgetUsd: z.number().min(0).max(1_000_000).nullable() }),
  z.object({ target: z.literal("user"), id: z.string().min(1), dailyRenderLimit: z.number().int().min(0).max(100_000).nullable() }),
  z.object({ target: z.literal("token"), id: z.string().min(1), dailyRenderLimit: z.number().int().min(0).max(100_000).nullable() }),
]);

/** Sets a team's, user's or token's daily limits (null: back to the default). Admins only. */
export async function setLimits(db: Db, input: z.infer<typeof limitsInputSchema>) {
  if (input.target === "team") await db.team.update({ where: { id: input.id }, data: { dailyRenderLimit: input.dailyRenderLimit, dailyBudgetUsd: input.dailyBudgetUsd } });
  else if (input.target === "user") await db.user.update({ where: { id: input.id }, data: { dailyRenderLimit: input.dailyRenderLimit } });
  else await db.apiToken.update({ where: { id: input.id }, data: { dailyRenderLimit: input.dailyRenderLimit } });
  return { ok: true };
}
