/**
 * Renders: queue, cancel, retry. Used by the dashboard's routers, the API and the CLI.
 * A render's `settings` freeze the campaign as it was when queued (later edits don't change it).
 */
import { z } from "zod";
import { campaignFieldsSchema, campaignInputSchema, voiceIds, voiceSpeaks } from "~/shared/campaign";
import { languageLabel, offlineVoiceGap } from "~/shared/languages";
import { voiceoverSpeakers } from "./providers";
import { ScriptSchema } from "~/plugins/spec/schemas";
import { type Db } from "~/server/db";
import { enqueue } from "~/server/jobs";
import { resolvedBrandSchema } from "~/shared/brand";
import { resolveBrandForRender } from "./brand-kit";
import { assertWithinLimits, estimateRenderCostUsd, lockQueueing } from "./limits";

export const renderSettingsSchema = z.object({
  campaignId: z.string(),
  /** Checked against the length when queued (campaignInputSchema); read back without re-checking. */
  campaign: campaignFieldsSchema,
  /** In the campaign's order, with focal point (0..1), size and scene assignment (null: used in turn). */
  images: z
    .array(
      z.object({
        file: z.string(),
        mimeType: z.string(),
        sha256: z.string(),
        width: z.number().int().positive().optional(),
        height: z.number().int().positive().optional(),
        focusX: z.number().min(0).max(1).default(0.5),
        focusY: z.number().min(0).max(1).default(0.5),
        sceneIndex: z.number().int().min(0).nullable().default(null),
      }),
    )
    .max(20),
  /** The brand kit as resolved when queued (storage keys); null in renders queued before brand kits. */
  brand: resolvedBrandSchema.nullable().default(null),
  preset: z.enum(["preview", "final"]),
  /** A batch variant: another hook line and/or voice. */
  variant: z.object({ hook: z.string().trim().min(1).max(300).optional(), voice: z.enum(voiceIds).optional() }).default({}),
  /** A script edited in the dashboard: used instead of generating one. */
  script: ScriptSchema.nullable().default(null),
  /** Call every provider again instead of reusing the team's stored assets (pipeline/asset-reuse.ts). Default false. */
  regenerate: z.boolean().default(false),
});
export type RenderSettings = z.infer<typeof renderSettingsSchema>;

export const START_ATTEMPTS = 3;

/** Queueing refused for a reason the user can fix (e.g. no voice speaks the campaign's language). */
export class QueueRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QueueRefusedError";
  }
}

/**
 * Refuses a render whose narration no provider of the voiceover chain can speak, and a batch
 * variant's voice that cannot speak the campaign's language: better now than an ad with no voice.
 */
function assertSpeakable(s: RenderSettings) {
  const language = s.campaign.language;
  const voice = s.variant.voice;
  if (voice && !voiceSpeaks(voice, language)) throw new QueueRefusedError(`The voice ${voice} cannot speak ${languageLabel(language)}.`);
  const chain = voiceoverSpeakers(language);
  if (!chain.some((p) => p.speaks)) {
    const why = chain.map((p) => p.id).join(", ") || "no voiceover provider is configured";
    const gap = offlineVoiceGap(language);
    const fix = gap
      ? `No offline voice speaks it (${gap}): configure Google TTS (GEMINI_API_KEY), or choose another language.`
      : "Choose another language, or configure a provider that speaks it (Google TTS needs GEMINI_API_KEY; offline voices need espeak-ng).";
    throw new QueueRefusedError(`No voice provider can speak ${languageLabel(language)} (tried ${why}). ${fix}`);
  }
}

export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = "NotFoundError";
  }
}

export async function queueRender(
  db: Db,
  input: { campaignId: string; preset: "preview" | "final"; queuedById?: string | null; apiTokenId?: string | null; variant?: RenderSettings["variant"]; batchId?: string; regenerate?: boolean },
) {
  const c = await db.campaign.findUnique({ where: { id: input.campaignId }, include: { images: { orderBy: { position: "asc" } } } });
  if (!c) throw new NotFoundError("Campaign");
  const settings = renderSettingsSchema.parse({
    campaignId: c.id,
    campaign: campaignInputSchema.parse({
      name: c.name,
      product: c.product,
      audience: c.audience,
      message: c.message,
      tone: c.tone,
      targetSeconds: c.targetSeconds,
      aspect: c.aspect,
      fps: c.fps,
      voice: c.voice,
      musicMood: c.musicMood,
      captionStyle: c.captionStyle,
      brandColor: c.brandColor,
      cta: c.cta ?? undefined,
      mustSay: c.mustSay,
      language: c.language,
    }),
    images: c.images.map((i) => ({ file: i.file, mimeType: i.mimeType, sha256: i.sha256, width: i.width, height: i.height, focusX: i.focusX, focusY: i.focusY, sceneIndex: i.sceneIndex })),
    brand: await resolveBrandForRender(db, c.id),
    preset: input.preset,
    variant: input.variant ?? {},
    script: c.scriptOverride ?? null,
    regenerate: input.regenerate ?? false,
  });
  assertSpeakable(settings);
  const estimatedCostUsd = estimateRenderCostUsd({ targetSeconds: settings.campaign.targetSeconds, musicMood: settings.campaign.musicMood, preset: input.preset });
  // Limits apply to people and tokens (the CLI queues as nobody); checked and created under one
  // per-team lock so concurrent requests cannot both pass a limit.
  const render = await db.$transaction(async (tx) => {
    if (input.queuedById) {
      await lockQueueing(tx, c.teamId ?? input.queuedById);
      await assertWithinLimits(tx, { userId: input.queuedById, teamId: c.teamId, tokenId: input.apiTokenId, renders: 1, estimatedUsd: estimatedCostUsd });
    }
    return tx.render.create({
      data: { campaignId: c.id, queuedById: input.queuedById ?? null, apiTokenId: input.apiTokenId ?? null, preset: input.preset, settings, batchId: input.batchId ?? null, estimatedCostUsd },
    });
  });
  await enqueue("render:start", { renderId: render.id }, { jobKey: `render:start:${render.id}:1`, maxAttempts: START_ATTEMPTS });
  return render;
}

/**
 * Estimated cost of queueing `count` renders of a campaign, and a check that they fit the
 * caller's daily limits (throws LimitError). For batches: all or nothing, before the first.
 */
export async function assertCanQueue(db: Db, q: { campaignId: string; preset: "preview" | "final"; count: number; userId: string; tokenId?: string | null }) {
  const c = await db.campaign.findUnique({ where: { id: q.campaignId }, select: { teamId: true, targetSeconds: true, musicMood: true } });
  if (!c) throw new NotFoundError("Campaign");
  const each = estimateRenderCostUsd({ targetSeconds: c.targetSeconds, musicMood: c.musicMood, preset: q.preset });
  await assertWithinLimits(db, { userId: q.userId, teamId: c.teamId, tokenId: q.tokenId, renders: q.count, estimatedUsd: each * q.count });
  return { estimatedUsdEach: each, estimatedUsd: each * q.count };
}

/**
 * Cancels a queued or running render; a running ffmpeg is killed by the assemble job. Its assets
 * not yet made (pending or running) end as `cancelled` in the same transaction, so none stays
 * "pending" forever (an asset job already running finds the render cancelled and stops there).
 * Returns false when the render was not queued or running.
 */
export async function cancelRender(db: Db, renderId: string) {
  return db.$transaction(async (tx) => {
    const r = await tx.render.updateMany({
      where: { id: renderId, status: { in: ["queued", "running"] } },
      data: { status: "cancelled", stage: "cancelled", finishedAt: new Date() },
    });
    if (r.count !== 1) return false;
    await tx.renderAsset.updateMany({ where: { renderId, status: { in: ["pending", "running"] } }, data: { status: "cancelled", finishedAt: new Date() } });
    return true;
  });
}

/**
 * Retries a failed or cancelled render. Succeeded assets are kept (stage-level resume): only
 * what is missing is generated again, so no provider is called twice for the same asset.
 */
export async function retryRender(db: Db, renderId: string) {
  const r = await db.render.findUnique({ where: { id: renderId } });
  if (!r) throw new NotFoundError("Render");
  if (r.status !== "failed" && r.status !== "cancelled") throw new Error(`Only failed or cancelled renders can be retried (this one is ${r.status}).`);
  const attempt = r.attempt + 1;
  await db.$transaction([
    db.renderAsset.updateMany({ where: { renderId, status: { not: "succeeded" } }, data: { status: "pending", error: null } }),
    db.render.update({ where: { id: renderId }, data: { status: "queued", stage: "queued", progress: 0, error: null, finishedAt: null, attempt } }),
  ]);
  await enqueue("render:start", { renderId }, { jobKey: `render:start:${renderId}:${attempt}`, maxAttempts: START_ATTEMPTS });
  return attempt;
}
