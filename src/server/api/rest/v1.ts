/**
 * REST API v1: every operation, in the order the reference page lists them. Handlers are thin:
 * team scoping (server/auth/access) and the services do the work, as for the dashboard's tRPC
 * routers. Answers are built through the response schemas (./schemas), so they match the
 * OpenAPI document by construction; test/api/contract.test.ts checks it from the outside.
 */
import { z } from "zod";
import { env } from "~/env";
import { db } from "~/server/db";
import { ForbiddenError, assertCampaignAccess, assertRenderAccess, campaignScope, renderScope } from "~/server/auth/access";
import { type Campaign as CampaignRow, type CampaignImage, type Prisma, type Render as RenderRow } from "~/server/generated/prisma/client";
import { serveStored } from "~/server/http/range";
import { archiveCampaign, createCampaign, updateCampaign } from "~/server/services/campaigns";
import { queueBatch, targetSecOf } from "~/server/services/dashboard";
import { cancelRender, queueRender, retryRender } from "~/server/services/renders";
import { addCampaignImages, uploadedFiles } from "~/server/services/uploads";
import { storage } from "~/server/storage";
import { lowResolutionWarning } from "~/shared/brand";
import { renderOutcome } from "~/shared/render-outcome";
import { parseQaReport } from "~/render/qa/report";
import { MAX_IMAGE_BYTES } from "~/shared/campaign";
import { type Operation, op } from "./operation";
import { ApiProblem } from "./problem";
import * as S from "./schemas";

const base = () => `${env().PUBLIC_URL}/api/v1`;

function imageBody(i: CampaignImage) {
  return { id: i.id, position: i.position, mimeType: i.mimeType, width: i.width, height: i.height, bytes: i.bytes, warning: lowResolutionWarning(i.width, i.height) };
}

function campaignBody(c: CampaignRow & { images: CampaignImage[] }): z.output<typeof S.Campaign> {
  return S.Campaign.parse({
    ...c,
    cta: c.cta ?? null,
    captionStyle: c.captionStyle ?? undefined,
    images: c.images.map(imageBody),
    archived: c.archivedAt !== null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  });
}

export function renderBody(r: RenderRow): z.output<typeof S.Render> {
  const settings = (r.settings ?? {}) as { variant?: { hook?: string; voice?: string } };
  return S.Render.parse({
    id: r.id,
    campaignId: r.campaignId,
    batchId: r.batchId,
    status: r.status,
    preset: r.preset,
    stage: r.stage,
    progress: r.progress,
    attempt: r.attempt,
    variant: settings.variant ?? {},
    error: r.error,
    durationSec: r.durationSec,
    targetSec: targetSecOf(r.settings),
    encoder: r.encoder,
    costUsd: r.costUsd,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    url: `${base()}/renders/${r.id}`,
    outputUrl: r.status === "succeeded" ? `${base()}/renders/${r.id}/output` : null,
    outcome: renderOutcome(r),
    qaWarnings: r.qaWarnings,
    qaUrl: `${base()}/renders/${r.id}/qa`,
  });
}

/** Opaque cursor: the last item's creation time and id (newest first, id breaks ties). */
const cursor = {
  encode: (row: { createdAt: Date; id: string }) => Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString("base64url"),
  where(raw: string | undefined) {
    if (!raw) return {};
    try {
      const [at, id] = z.tuple([z.iso.datetime(), z.string().min(1)]).parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
      const createdAt = new Date(at);
      return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
    } catch {
      throw new ApiProblem("invalid-query", "cursor is not one this API gave out", [{ field: "cursor", message: "not a cursor from nextCursor" }]);
    }
  },
  page<T extends { createdAt: Date; id: string }>(rows: T[], limit: number) {
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? cursor.encode(items[items.length - 1]!) : null };
  },
};
const newestFirst = [{ createdAt: "desc" as const }, { id: "desc" as const }];

async function loadCampaign(id: string) {
  return db().campaign.findUniqueOrThrow({ where: { id }, include: { images: { orderBy: { position: "asc" } } } });
}

/** The stored brief as campaign input (for a partial update). */
function briefOf(c: CampaignRow): Record<string, unknown> {
  const { name, product, audience, message, tone, targetSeconds, aspect, fps, voice, musicMood, captionStyle, brandColor, cta, mustSay } = c;
  return { name, product, audience, message, tone, targetSeconds, aspect, fps, voice, musicMood, captionStyle, brandColor, cta: cta ?? undefined, mustSay };
}

const idOnly = { 200: { description: "The campaign.", schema: S.Campaign } };

export const operations: Operation[] = [
  op({
    method: "GET",
    path: "/campaigns",
    operationId: "listCampaigns",
    tag: "Campaigns",
    summary: "List campaigns",
    description: "The token owner's team's campaigns, newest first. Archived ones only with `archived=true`.",
    query: S.listQuery.extend({ archived: z.enum(["true", "false"]).default("false").describe("List archived campaigns instead.") }),
    responses: { 200: { description: "A page of campaigns.", schema: S.CampaignPage } },
    async handle({ user, query }) {
      const rows = await db().campaign.findMany({
        where: { AND: [campaignScope(user), { archivedAt: query.archived === "true" ? { not: null } : null }, cursor.where(query.cursor)] },
        include: { images: { orderBy: { position: "asc" } } },
        orderBy: newestFirst,
        take: query.limit + 1,
      });
      const p = cursor.page(rows, query.limit);
      return { status: 200, body: { items: p.items.map(campaignBody), nextCursor: p.nextCursor } };
    },
  }),
  op({
    method: "POST",
    path: "/campaigns",
    operationId: "createCampaign",
    tag: "Campaigns",
    summary: "Create a campaign from a brief",
    body: { kind: "json", schema: S.CampaignCreate },
    responses: { 201: { description: "Created; `Location` is its URL.", schema: S.Campaign } },
    async handle({ user, body }) {
      if (user.role !== "admin" && !user.teamId) throw new ForbiddenError("You are not in a team yet: ask an admin to add you to one");
      const c = await createCampaign(db(), body, { userId: user.id, teamId: user.teamId });
      return { status: 201, body: campaignBody(await loadCampaign(c.id)), location: `${base()}/campaigns/${c.id}` };
    },
  }),
  op({
    method: "GET",
    path: "/campaigns/{id}",
    operationId: "getCampaign",
    tag: "Campaigns",
    summary: "Read a campaign",
    responses: idOnly,
    async handle({ user, params }) {
      await assertCampaignAccess(db(), user, params.id!);
      return { status: 200, body: campaignBody(await loadCampaign(params.id!)) };
    },
  }),
  op({
    method: "PATCH",
    path: "/campaigns/{id}",
    operationId: "updateCampaign",
    tag: "Campaigns",
    summary: "Change a campaign's brief",
    description: "Send only the fields to change. The whole brief must still be valid (e.g. the call to action must fit the length). Renders already queued keep the brief they were queued with.",
    body: { kind: "json", schema: S.CampaignUpdate },
    responses: { 200: { description: "The updated campaign.", schema: S.Campaign } },
    async handle({ user, params, body }) {
      await assertCampaignAccess(db(), user, params.id!);
      const current = await loadCampaign(params.id!);
      const merged: Record<string, unknown> = { ...briefOf(current), ...body };
      if (merged.cta === null) delete merged.cta;
      await updateCampaign(db(), params.id!, merged);
      return { status: 200, body: campaignBody(await loadCampaign(params.id!)) };
    },
  }),
  op({
    method: "POST",
    path: "/campaigns/{id}/archive",
    operationId: "archiveCampaign",
    tag: "Campaigns",
    summary: "Archive a campaign",
    description: "Hides it from lists (its renders stay readable). Archiving twice is harmless.",
    responses: { 200: { description: "The archived campaign.", schema: S.Campaign } },
    async handle({ user, params }) {
      await assertCampaignAccess(db(), user, params.id!);
      const c = await loadCampaign(params.id!);
      if (!c.archivedAt) await archiveCampaign(db(), c.id);
      return { status: 200, body: campaignBody(await loadCampaign(c.id)) };
    },
  }),
  op({
    method: "POST",
    path: "/campaigns/{id}/images",
    operationId: "uploadImages",
    tag: "Images",
    summary: "Upload product images",
    description: "multipart/form-data, one or more files in the field `images` (PNG, JPEG, WebP or GIF; checked by content, not by name). All or nothing: one bad file adds none.",
    body: { kind: "multipart", field: "images", maxBytes: 3 * MAX_IMAGE_BYTES, description: `Files in the field \`images\`; at most ${MAX_IMAGE_BYTES / 1048576} MB each and ${(3 * MAX_IMAGE_BYTES) / 1048576} MB per request.` },
    responses: { 201: { description: "Stored; all of the campaign's images.", schema: S.ImageList } },
    async handle({ user, params, files }) {
      await assertCampaignAccess(db(), user, params.id!);
      const all = await addCampaignImages(db(), params.id!, await uploadedFiles(files));
      return { status: 201, body: S.ImageList.parse({ images: all.map(imageBody) }) };
    },
  }),
  op({
    method: "DELETE",
    path: "/campaigns/{id}/images/{imageId}",
    operationId: "deleteImage",
    tag: "Images",
    summary: "Remove a product image",
    description: "Renders already queued keep using it.",
    responses: { 204: { description: "Removed." } },
    async handle({ user, params }) {
      await assertCampaignAccess(db(), user, params.id!);
      const r = await db().campaignImage.deleteMany({ where: { id: params.imageId!, campaignId: params.id! } });
      if (r.count === 0) throw new ApiProblem("not-found", "No such image in this campaign");
      return { status: 204 };
    },
  }),
  op({
    method: "POST",
    path: "/renders",
    operationId: "queueRender",
    tag: "Renders",
    summary: "Queue a render",
    description: "Freezes the campaign as it is now and queues it. When the token has a webhook, the render's end is POSTed to it (see Webhooks).",
    body: { kind: "json", schema: S.RenderQueue },
    responses: { 201: { description: "Queued; `Location` is its URL.", schema: S.Render } },
    errors: ["daily-render-limit", "daily-budget"],
    async handle({ user, tokenId, body }) {
      await assertCampaignAccess(db(), user, body.campaignId);
      const r = await queueRender(db(), { campaignId: body.campaignId, preset: body.preset, regenerate: body.regenerate, queuedById: user.id, apiTokenId: tokenId });
      return { status: 201, body: renderBody(r), location: `${base()}/renders/${r.id}` };
    },
  }),
  op({
    method: "POST",
    path: "/renders/batch",
    operationId: "queueBatch",
    tag: "Renders",
    summary: "Queue a batch of variants",
    description: "Every hook line x voice combination, as renders sharing one batchId (at least 2, at most 24).",
    body: { kind: "json", schema: S.RenderBatch },
    responses: { 201: { description: "Queued.", schema: S.BatchResult } },
    errors: ["daily-render-limit", "daily-budget"],
    async handle({ user, tokenId, body }) {
      await assertCampaignAccess(db(), user, body.campaignId);
      const b = await queueBatch(db(), user, body, { apiTokenId: tokenId });
      const rows = await db().render.findMany({ where: { id: { in: b.renderIds } }, orderBy: { createdAt: "asc" } });
      return { status: 201, body: { batchId: b.batchId, renders: rows.map(renderBody) } };
    },
  }),
  op({
    method: "GET",
    path: "/renders",
    operationId: "listRenders",
    tag: "Renders",
    summary: "List renders",
    description: "The team's renders, newest first; filter by campaign, batch or status.",
    query: S.listQuery.extend({
      campaignId: z.string().max(64).optional(),
      batchId: z.string().max(64).optional(),
      status: z.enum(S.RENDER_STATUSES).optional(),
    }),
    responses: { 200: { description: "A page of renders.", schema: S.RenderPage } },
    async handle({ user, query }) {
      const where: Prisma.RenderWhereInput = {
        AND: [renderScope(user), query.campaignId ? { campaignId: query.campaignId } : {}, query.batchId ? { batchId: query.batchId } : {}, query.status ? { status: query.status } : {}, cursor.where(query.cursor)],
      };
      const rows = await db().render.findMany({ where, orderBy: newestFirst, take: query.limit + 1 });
      const p = cursor.page(rows, query.limit);
      return { status: 200, body: { items: p.items.map(renderBody), nextCursor: p.nextCursor } };
    },
  }),
  op({
    method: "GET",
    path: "/renders/{id}",
    operationId: "getRender",
    tag: "Renders",
    summary: "Read a render (status, stage, progress)",
    responses: { 200: { description: "The render.", schema: S.Render } },
    async handle({ user, params }) {
      await assertRenderAccess(db(), user, params.id!);
      return { status: 200, body: renderBody(await db().render.findUniqueOrThrow({ where: { id: params.id! } })) };
    },
  }),
  op({
    method: "POST",
    path: "/renders/{id}/cancel",
    operationId: "cancelRender",
    tag: "Renders",
    summary: "Cancel a queued or running render",
    description: "A running ffmpeg is killed. Cancelling a cancelled render is harmless; a finished one answers 409.",
    responses: { 200: { description: "The cancelled render.", schema: S.Render } },
    errors: ["conflict"],
    async handle({ user, params }) {
      await assertRenderAccess(db(), user, params.id!);
      const ok = await cancelRender(db(), params.id!);
      const r = await db().render.findUniqueOrThrow({ where: { id: params.id! } });
      if (!ok && r.status !== "cancelled") throw new ApiProblem("conflict", `The render has ${r.status}: only queued or running renders can be cancelled`);
      return { status: 200, body: renderBody(r) };
    },
  }),
  op({
    method: "POST",
    path: "/renders/{id}/retry",
    operationId: "retryRender",
    tag: "Renders",
    summary: "Retry a failed or cancelled render",
    description: "Keeps every asset that succeeded: no provider is called twice for the same asset.",
    responses: { 202: { description: "Queued again.", schema: S.Render } },
    errors: ["conflict"],
    async handle({ user, params }) {
      await assertRenderAccess(db(), user, params.id!);
      const r = await db().render.findUniqueOrThrow({ where: { id: params.id! } });
      if (r.status !== "failed" && r.status !== "cancelled") throw new ApiProblem("conflict", `The render is ${r.status}: only failed or cancelled renders can be retried`);
      await retryRender(db(), r.id);
      return { status: 202, body: renderBody(await db().render.findUniqueOrThrow({ where: { id: r.id } })) };
    },
  }),
  op({
    method: "GET",
    path: "/renders/{id}/output",
    operationId: "getRenderOutput",
    tag: "Renders",
    summary: "Download the video",
    description: "The 1080x1920 H.264/AAC MP4 of a succeeded render. Range requests are answered with 206; `?download=1` adds an attachment Content-Disposition.",
    responses: { 200: { description: "The MP4.", media: "video/mp4" }, 206: { description: "The requested byte range.", media: "video/mp4" } },
    errors: ["conflict"],
    async handle({ req, user, params }) {
      await assertRenderAccess(db(), user, params.id!);
      const r = await db().render.findUniqueOrThrow({ where: { id: params.id! }, select: { status: true, outputFile: true } });
      if (r.status !== "succeeded" || !r.outputFile) throw new ApiProblem("conflict", `The render is ${r.status}: the video exists once it has succeeded`);
      const download = new URL(req.url).searchParams.has("download");
      return serveStored(req, await storage(), r.outputFile, { contentType: "video/mp4", ...(download ? { downloadName: `reelfarm-${params.id}.mp4` } : {}) });
    },
  }),
  op({
    method: "GET",
    path: "/renders/{id}/qa",
    operationId: "getRenderQa",
    tag: "Renders",
    summary: "Read the render's QA report",
    description: "The automatic checks of the finished video. 404 until the QA stage has recorded a report for this render.",
    responses: { 200: { description: "The QA report.", schema: S.QaReport } },
    async handle({ user, params }) {
      await assertRenderAccess(db(), user, params.id!);
      const r = await db().render.findUniqueOrThrow({ where: { id: params.id! } });
      // The assembly records the report on the render (`qa`) in the update that marks it succeeded.
      const report = parseQaReport(r.qa);
      if (!report) throw new ApiProblem("not-found", "No QA report has been recorded for this render (yet)");
      return { status: 200, body: S.QaReport.parse({ renderId: r.id, outcome: renderOutcome(r), report }) };
    },
  }),
  op({
    method: "GET",
    path: "/openapi.json",
    operationId: "getOpenApi",
    tag: "Meta",
    summary: "This API's OpenAPI 3.1 document",
    public: true,
    responses: { 200: { description: "The document (generated from the same zod schemas the handlers use).", schema: S.OpenApiDocument } },
    async handle() {
      const { openApiDocument } = await import("./openapi");
      return { status: 200, body: openApiDocument() };
    },
  }),
];
