/**
 * The zod schemas of REST API v1: request bodies are parsed with them, responses are built through
 * them, and the OpenAPI document (./openapi.ts) is generated from them — one source for all three.
 * Request schemas go in `requestSchemas` (JSON Schema of their input side: defaults make fields
 * optional), response schemas in `responseSchemas` (output side: every field present).
 */
import { QaCheckSchema, QaReportSchema } from "~/render/qa/report";
import { RENDER_OUTCOMES, RENDER_STATUSES } from "~/shared/render-outcome";
import { z } from "zod";
import { campaignFieldsSchema, ctaSchema, MAX_IMAGES } from "~/shared/campaign";
import { batchSchema } from "~/server/services/dashboard";

export const requestSchemas = z.registry<{ id: string; description?: string }>();
export const responseSchemas = z.registry<{ id: string; description?: string }>();

const id = z.string().min(1).max(64);
const timestamp = z.iso.datetime({ offset: true });

/** RFC 9457 problem details: every error of /api/v1, never an HTML page. */
export const Problem = z
  .object({
    type: z.string().describe("A URI reference naming the problem type (see the API reference page's Errors section)."),
    title: z.string().describe("Short summary of the problem type."),
    status: z.number().int().describe("The HTTP status code."),
    detail: z.string().optional().describe("What went wrong with this request."),
    instance: z.string().optional().describe("The request path."),
    errors: z
      .array(z.object({ field: z.string().describe('The field at fault, e.g. "targetSeconds", "cta.text", "Idempotency-Key", "images".'), message: z.string() }))
      .optional()
      .describe("One entry per field at fault."),
  })
  .register(responseSchemas, { id: "Problem", description: "RFC 9457 problem details (application/problem+json)." });

/** Create: the brief; unknown fields are refused. */
export const CampaignCreate = z.strictObject(campaignFieldsSchema.shape).register(requestSchemas, { id: "CampaignCreate", description: "A campaign brief. Unknown fields are refused (422)." });

/** Update: any subset of the brief's fields; the result must still be a valid brief. */
export const CampaignUpdate = z
  .strictObject(Object.fromEntries(Object.entries(campaignFieldsSchema.shape).map(([k, s]) => [k, (s instanceof z.ZodDefault ? (s.unwrap() as z.ZodType) : (s as z.ZodType)).optional()])))
  .extend({ cta: ctaSchema.nullable().optional() })
  .register(requestSchemas, { id: "CampaignUpdate", description: "Fields to change; the others keep their values. `cta: null` removes the call to action." });

export const Image = z
  .object({ id, position: z.number().int().min(0), mimeType: z.string(), width: z.number().int(), height: z.number().int(), bytes: z.number().int(), warning: z.string().nullable() })
  .register(responseSchemas, { id: "Image", description: "A product image of a campaign (checked by content when uploaded)." });

export const Campaign = z
  .object({
    id,
    ...campaignFieldsSchema.shape,
    cta: ctaSchema.nullable(),
    images: z.array(Image).max(MAX_IMAGES),
    archived: z.boolean(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .register(responseSchemas, { id: "Campaign" });

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page.") });

export const CampaignPage = Page(Campaign).register(responseSchemas, { id: "CampaignPage" });

export const ImageList = z.object({ images: z.array(Image) }).register(responseSchemas, { id: "ImageList", description: "All of the campaign's images after the upload, in order." });

export const RenderQueue = z
  .strictObject({
    campaignId: id,
    preset: z.enum(["preview", "final"]).default("final"),
    regenerate: z.boolean().default(false).describe("Call every provider again instead of reusing the team's stored assets of the same requests."),
  })
  .register(requestSchemas, { id: "RenderQueue", description: "Queue one render of the campaign as it is now." });

export const RenderBatch = z.strictObject(batchSchema.shape).register(requestSchemas, {
  id: "RenderBatch",
  description: "Queue every hook x voice combination (at least two, at most 24) as one batch sharing a batchId.",
});

export { RENDER_STATUSES };

export const Render = z
  .object({
    id,
    campaignId: id,
    batchId: z.string().nullable(),
    status: z.enum(RENDER_STATUSES),
    preset: z.enum(["preview", "final"]),
    stage: z.string().describe("The current stage (queued, script, assets, assemble, encode, done, ...)."),
    progress: z.number().int().min(0).max(100),
    attempt: z.number().int().min(1),
    variant: z.object({ hook: z.string().optional(), voice: z.string().optional() }).describe("A batch variant's hook line and/or voice."),
    error: z.string().nullable(),
    durationSec: z.number().nullable().describe("Length of the finished video, seconds: never above targetSec, at most 0.5 s under it."),
    targetSec: z.number().nullable().describe("The campaign's target length when the render was queued, seconds."),
    encoder: z.string().nullable(),
    costUsd: z.number(),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
    url: z.string().describe("This render in the API."),
    outputUrl: z.string().nullable().describe("GET it for the MP4 (Range requests supported) once succeeded."),
    outcome: z
      .enum(RENDER_OUTCOMES)
      .describe("The status, except that a succeeded render with a failed automatic check is `succeeded_with_warnings` (the video is delivered either way)."),
    qaWarnings: z.number().int().min(0).nullable().describe("Failed automatic checks; null until the video has been checked."),
    qaUrl: z.string().describe("GET it for the automatic QA report."),
  })
  .register(responseSchemas, { id: "Render" });

export const RenderPage = Page(Render).register(responseSchemas, { id: "RenderPage" });

export const BatchResult = z.object({ batchId: z.string(), renders: z.array(Render) }).register(responseSchemas, { id: "BatchResult" });

export const QaReport = z
  .object({
    renderId: id,
    outcome: z.enum(RENDER_OUTCOMES),
    report: QaReportSchema.describe(
      "The checks of the finished render (length, black and frozen frames, silence during narration, voice per scene, loudness, true peak, text in the safe zone, photo upscale, missing glyphs): each with its verdict (passed, failed, skipped), a one-line summary, the offending items and the measured figures.",
    ),
  })
  .register(responseSchemas, { id: "QaReport" });

/** The body POSTed to an API token's webhook when a render it queued ends (see the webhooks section). */
export const WebhookEvent = z
  .object({
    event: z.enum(["render.succeeded", "render.failed", "render.cancelled"]),
    render: z.object({
      id,
      campaignId: id,
      status: z.enum(RENDER_STATUSES),
      outcome: z.enum(RENDER_OUTCOMES),
      error: z.string().nullable(),
      durationSec: z.number().nullable(),
      finishedAt: timestamp.nullable(),
      videoUrl: z.string().nullable(),
      qa: z.object({ warnings: z.number().int(), checks: z.array(QaCheckSchema) }).nullable().describe("The automatic checks (null when the render was not checked, e.g. it failed)."),
    }),
  })
  .register(responseSchemas, { id: "WebhookEvent" });

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe("Items per page (1-100, default 20)."),
  cursor: z.string().max(200).optional().describe("`nextCursor` of the previous page."),
});

export const OpenApiDocument = z
  .looseObject({ openapi: z.string().startsWith("3.1"), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) })
  .register(responseSchemas, { id: "OpenApiDocument", description: "An OpenAPI 3.1 document." });
