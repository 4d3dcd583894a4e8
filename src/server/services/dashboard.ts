/**
 * The dashboard's read models: campaigns and renders as the pages show them, already scoped to
 * what the user may see (~/server/auth/access), plus queueing a batch of variants.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { voiceIds } from "~/shared/campaign";
import { renderOutcome } from "~/shared/render-outcome";
import { parseQaReport } from "~/render/qa/report";
import { parseRenderSegments } from "./render-segments";
import { type Db } from "~/server/db";
import { campaignScope, renderScope } from "~/server/auth/access";
import { type SessionUser } from "~/server/auth/session";
import { assertCanQueue, queueRender } from "./renders";

export const attemptSchema = z.object({
  providerId: z.string(),
  model: z.string().optional(),
  outcome: z.string(),
  code: z.string().optional(),
  message: z.string().optional(),
  at: z.string().optional(),
  ms: z.number().optional(),
});
export type AssetAttempt = z.infer<typeof attemptSchema>;

const variantSchema = z.object({ hook: z.string().optional(), voice: z.string().optional() }).catch({});

/** Render.settings' variant, tolerant of rows written by older versions. */
/** The campaign's target length frozen into a render's settings, seconds (null for a render without one). */
export function targetSecOf(settings: unknown): number | null {
  const t = (settings as { campaign?: { targetSeconds?: unknown } } | null)?.campaign?.targetSeconds;
  return typeof t === "number" ? t : null;
}

/** The render's frame rate (frames per second) from its frozen settings, or null when they have none. */
export function fpsOf(settings: unknown): number | null {
  const f = (settings as { campaign?: { fps?: unknown } } | null)?.campaign?.fps;
  return typeof f === "number" && f > 0 ? f : null;
}

export function variantOf(settings: unknown) {
  return variantSchema.parse((settings as { variant?: unknown } | null)?.variant ?? {});
}

export function listCampaigns(db: Db, user: SessionUser, opts: { archived: boolean; search?: string }) {
  return db.campaign.findMany({
    where: {
      ...campaignScope(user),
      archivedAt: opts.archived ? { not: null } : null,
      ...(opts.search ? { OR: [{ name: { contains: opts.search, mode: "insensitive" } }, { product: { contains: opts.search, mode: "insensitive" } }] } : {}),
    },
    orderBy: { updatedAt: "desc" },
    take: 200,
    select: {
      id: true,
      name: true,
      product: true,
      targetSeconds: true,
      voice: true,
      archivedAt: true,
      updatedAt: true,
      team: { select: { name: true } },
      images: { orderBy: { position: "asc" }, take: 1, select: { id: true } },
      _count: { select: { renders: true, images: true } },
    },
  });
}

export function campaignDetail(db: Db, id: string) {
  return db.campaign.findUniqueOrThrow({
    where: { id },
    include: {
      images: { orderBy: { position: "asc" }, select: { id: true, position: true, mimeType: true, width: true, height: true, bytes: true, focusX: true, focusY: true, sceneIndex: true } },
      team: { select: { name: true } },
      createdBy: { select: { name: true } },
    },
  });
}

const renderSummarySelect = {
  id: true,
  status: true,
  qaWarnings: true,
  preset: true,
  progress: true,
  stage: true,
  error: true,
  createdAt: true,
  finishedAt: true,
  durationSec: true,
  encoder: true,
  batchId: true,
  settings: true,
  campaign: { select: { id: true, name: true } },
} as const;

/** The latest renders (of one campaign, or all the user may see). */
export async function recentRenders(db: Db, user: SessionUser, opts: { campaignId?: string; limit: number }) {
  const rows = await db.render.findMany({
    where: { ...renderScope(user), ...(opts.campaignId ? { campaignId: opts.campaignId } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit,
    select: renderSummarySelect,
  });
  return rows.map(({ settings, ...r }) => ({ ...r, outcome: renderOutcome(r), variant: variantOf(settings), targetSec: targetSecOf(settings) }));
}

/** Everything the live render view shows: stage, progress, each asset and its provider attempts. */
export async function renderDetail(db: Db, id: string) {
  const r = await db.render.findUniqueOrThrow({
    where: { id },
    select: {
      ...renderSummarySelect,
      outputFile: true,
      outputBytes: true,
      cacheHits: true,
      cacheMisses: true,
      costUsd: true,
      stageTimings: true,
      attempt: true,
      startedAt: true,
      qa: true,
      segments: true,
      queuedBy: { select: { name: true, email: true } },
      assets: {
        orderBy: [{ sceneIndex: "asc" }, { kind: "asc" }],
        select: {
          id: true,
          kind: true,
          sceneIndex: true,
          status: true,
          providerId: true,
          attempts: true,
          fallbackReason: true,
          error: true,
          durationSec: true,
          costUsd: true,
          savedUsd: true,
          reusedFromRenderId: true,
          retries: true,
          startedAt: true,
          finishedAt: true,
        },
      },
    },
  });
  const { settings, outputFile, assets, qa, segments, ...rest } = r;
  // Where reused assets came from (same team by construction: reuse never crosses teams).
  const sourceIds = [...new Set(assets.flatMap((a) => (a.reusedFromRenderId ? [a.reusedFromRenderId] : [])))];
  const sources = sourceIds.length
    ? await db.render.findMany({ where: { id: { in: sourceIds } }, select: { id: true, createdAt: true, campaign: { select: { name: true } } } })
    : [];
  return {
    ...rest,
    outcome: renderOutcome(r),
    qa: parseQaReport(qa),
    // The video's segments (null before assembly and for renders assembled before they were recorded); frames at `fps`.
    segments: parseRenderSegments(segments),
    fps: fpsOf(settings),
    variant: variantOf(settings),
    targetSec: targetSecOf(settings),
    hasOutput: Boolean(outputFile) && r.status === "succeeded",
    stageTimings: stageTimingsOf(r.stageTimings),
    savedUsd: assets.reduce((t, a) => t + a.savedUsd, 0),
    reusedAssets: assets.filter((a) => a.reusedFromRenderId).length,
    assets: assets.map(({ reusedFromRenderId, ...a }) => {
      const src = sources.find((s) => s.id === reusedFromRenderId);
      return {
        ...a,
        attempts: z.array(attemptSchema).catch([]).parse(a.attempts),
        // A source render deleted since (its campaign removed) is still named by id.
        reusedFrom: reusedFromRenderId ? { renderId: reusedFromRenderId, campaignName: src?.campaign.name ?? null, createdAt: src?.createdAt ?? null } : null,
      };
    }),
  };
}

export function stageTimingsOf(v: unknown): Record<string, number> {
  return z.record(z.string(), z.number()).catch({}).parse(v ?? {});
}

export const batchSchema = z.object({
  campaignId: z.string().min(1),
  preset: z.enum(["preview", "final"]).default("preview"),
  /** Opening lines to try; each replaces the first scene's narration. Empty: the script's own. */
  hooks: z.array(z.string().trim().min(1).max(300)).max(6).default([]),
  /** Voices to try. Empty: the campaign's voice. */
  voices: z.array(z.enum(voiceIds)).max(4).default([]),
  /** Call every provider again instead of reusing the team's stored assets. Default false. */
  regenerate: z.boolean().default(false),
});

/** Queues every hook x voice combination as one batch (shared batchId): at most 24 renders. `apiTokenId`: the API token that queued it (its webhook hears of each render). */
export async function queueBatch(db: Db, user: SessionUser, input: z.input<typeof batchSchema>, opts: { apiTokenId?: string } = {}) {
  const b = batchSchema.parse(input);
  const hooks: (string | undefined)[] = b.hooks.length ? [...new Set(b.hooks)] : [undefined];
  const voices: (string | undefined)[] = b.voices.length ? [...new Set(b.voices)] : [undefined];
  if (hooks.length * voices.length < 2) throw new z.ZodError([{ code: "custom", path: ["hooks"], message: "a batch needs at least two variants (hooks x voices)", input }]);
  // All or nothing: a batch that would pass a daily limit queues none of its renders.
  await assertCanQueue(db, { campaignId: b.campaignId, preset: b.preset, count: hooks.length * voices.length, userId: user.id, tokenId: opts.apiTokenId });
  const batchId = randomUUID();
  const renders = [];
  for (const hook of hooks) {
    for (const voice of voices) {
      const variant = { ...(hook ? { hook } : {}), ...(voice ? { voice: voice as (typeof voiceIds)[number] } : {}) };
      renders.push(await queueRender(db, { campaignId: b.campaignId, preset: b.preset, queuedById: user.id, apiTokenId: opts.apiTokenId ?? null, variant, batchId, regenerate: b.regenerate }));
    }
  }
  return { batchId, renderIds: renders.map((r) => r.id) };
}
