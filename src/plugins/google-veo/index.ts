/**
 * google-veo: Veo 3.1 fast, 9:16, image-to-video from the scene's still.
 * A start/check pair around a JSON handle: doStartVideo sends
 * predictLongRunning and returns at once; each doCheckVideo polls the
 * operation once (a job scheduled `nextPollInMs` later) and, when done,
 * downloads the file. Nothing here sleeps.
 */
import { open, rm, writeFile } from "node:fs/promises";
import { GenerateVideosOperation } from "@google/genai";
import { z } from "zod";
import {
  type ProviderContext,
  ProviderError,
  ProviderWarningSchema,
  SPECIFICATION_VERSION,
  type VideoOperationHandle,
  VideoOperationHandleSchema,
  type VideoProvider,
  type VideoStatus,
  VideoInputSchema,
} from "../spec";
import { commitFile, outputPath, tempPathFor } from "../shared/files";
import { parseWith } from "../shared/guard";
import { GEMINI_API_KEY, checkGoogleCredentials, createGenAI, guardGoogle, postJson } from "../google/client";
import { lastMidnightPacific } from "../google/pacific-time";
import { fromOperationError } from "../google/errors";
import { malformed } from "../google/response";
import { buildVeoRequest, looksLikeMp4, snapDuration } from "./request";

export const googleVeoOptionsSchema = z
  .object({
    /** Default "veo-3.1-fast-generate-preview". */
    model: z.string().min(1).default("veo-3.1-fast-generate-preview"),
    /** Default "720p" (1080p only with 8 s clips). */
    resolution: z.enum(["720p", "1080p"]).default("720p"),
    personGeneration: z.enum(["allow_all", "allow_adult", "dont_allow"]).optional(),
    /** Suggested delay before the first check, ms. Default 20000. */
    firstPollDelayMs: z.number().int().min(0).default(20_000),
    /** Suggested delay between checks, ms. Default 10000. */
    pollIntervalMs: z.number().int().min(0).default(10_000),
    /** The operation fails with `timeout` if not done this long after start, ms. Default 360000 (6 min). */
    operationTimeoutMs: z.number().int().min(1000).default(360_000),
    /** Per-request timeout, ms. Default 60000. */
    timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
  })
  .strict()
  .default({ model: "veo-3.1-fast-generate-preview", resolution: "720p", firstPollDelayMs: 20_000, pollIntervalMs: 10_000, operationTimeoutMs: 360_000, timeoutMs: 60_000 });
export type GoogleVeoOptions = z.infer<typeof googleVeoOptionsSchema>;

const ID = "google-veo";
/** Veo 3.1 fast with audio: $0.15 per second of video (list price, 2026-11). */
const USD_PER_SECOND = 0.15;

const HandleDataSchema = z.object({
  model: z.string(),
  durationSec: z.number(),
  warnings: z.array(ProviderWarningSchema),
});

async function download(ctx: ProviderContext<GoogleVeoOptions>, signal: AbortSignal, video: { uri?: string; videoBytes?: string }, file: string): Promise<void> {
  const tmp = tempPathFor(file);
  try {
    if (video.videoBytes) {
      await writeFile(tmp, Buffer.from(video.videoBytes, "base64"));
    } else if (video.uri) {
      await createGenAI(ctx, ID, ctx.options.timeoutMs).files.download({ file: video, downloadPath: tmp, config: { abortSignal: signal } });
    } else {
      throw malformed(ID, "finished operation has neither a video uri nor bytes");
    }
    const fh = await open(tmp, "r");
    const head = Buffer.alloc(64);
    const { bytesRead } = await fh.read(head, 0, 64, 0).finally(() => fh.close());
    if (!looksLikeMp4(head.subarray(0, bytesRead))) {
      throw malformed(ID, `downloaded file is not a video (starts with ${JSON.stringify(head.subarray(0, Math.min(bytesRead, 24)).toString("latin1"))})`);
    }
    await commitFile(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

export const googleVeoProvider: VideoProvider<GoogleVeoOptions> = {
  specificationVersion: SPECIFICATION_VERSION,
  id: ID,
  kind: "video",
  model: "veo-3.1-fast-generate-preview",
  displayName: "Veo 3.1 fast",
  optionsSchema: googleVeoOptionsSchema,
  costModel: {
    estimateUsd: (input) => snapDuration(input.durationSec) * USD_PER_SECOND,
    notes: `$${USD_PER_SECOND} per second of video (Veo 3.1 fast, list price 2026-11).`,
  },
  // Veo is asked for the snapped duration: a 5.2 s and a 5.9 s scene are the same 6 s request.
  requestKey: (input) => ({ ...input, durationSec: snapDuration(input.durationSec) }),
  maxConcurrency: 2,
  local: false,
  requiredSecrets: [GEMINI_API_KEY],
  quotaWindowStart: lastMidnightPacific,
  requiresImage: false,

  doCheckCredentials: (ctx) => checkGoogleCredentials(ctx, ID, ctx.options.model),

  async doStartVideo(rawInput, ctx): Promise<VideoStatus> {
    return guardGoogle(ID, ctx, async (signal) => {
      const input = parseWith(VideoInputSchema, rawInput, ID, "video input");
      const { body, durationSec, warnings } = await buildVeoRequest(input, ctx.options, ID);
      // Plain fetch, not the SDK: SDK 3.x refuses generateVideos with an API key before sending.
      const answer = (await postJson(ctx, ID, `models/${ctx.options.model}:predictLongRunning`, body, { signal, timeoutMs: ctx.options.timeoutMs })) as { name?: unknown };
      if (typeof answer.name !== "string" || !answer.name) throw malformed(ID, "predictLongRunning answered without an operation name");
      const now = Date.now();
      const handle: VideoOperationHandle = {
        providerId: ID,
        id: answer.name,
        startedAt: new Date(now).toISOString(),
        deadlineAt: new Date(now + ctx.options.operationTimeoutMs).toISOString(),
        pollCount: 0,
        data: { model: ctx.options.model, durationSec, warnings },
      };
      ctx.logger.info("veo operation started", { operation: answer.name, durationSec });
      return { status: "pending", handle, nextPollInMs: ctx.options.firstPollDelayMs };
    });
  },

  async doCheckVideo(rawHandle, ctx): Promise<VideoStatus> {
    return guardGoogle(ID, ctx, async (signal) => {
      const handle = parseWith(VideoOperationHandleSchema, rawHandle, ID, "operation handle");
      if (handle.providerId !== ID) throw new ProviderError({ code: "invalid_request", providerId: ID, message: `${ID}: handle belongs to ${handle.providerId}` });
      const data = parseWith(HandleDataSchema, handle.data, ID, "operation handle data");
      const ai = createGenAI(ctx, ID, ctx.options.timeoutMs);
      const pending = new GenerateVideosOperation();
      pending.name = handle.id;
      const op = await ai.operations.getVideosOperation({ operation: pending, config: { abortSignal: signal } });

      if (!op.done) {
        if (Date.now() >= Date.parse(handle.deadlineAt)) {
          // Not retryable: a fresh start would cost a new generation; the caller falls back.
          throw new ProviderError({ code: "timeout", providerId: ID, retryable: false, message: `${ID}: operation ${handle.id} not done by its deadline ${handle.deadlineAt}` });
        }
        return { status: "pending", handle: { ...handle, pollCount: handle.pollCount + 1 }, nextPollInMs: ctx.options.pollIntervalMs };
      }
      if (op.error) throw fromOperationError(op.error as Parameters<typeof fromOperationError>[0], ID);
      const response = op.response;
      if ((response?.raiMediaFilteredCount ?? 0) > 0) {
        const reasons = response?.raiMediaFilteredReasons?.join("; ") ?? "no reason given";
        throw new ProviderError({ code: "content_filtered", providerId: ID, message: `${ID}: video filtered by safety filters: ${reasons}` });
      }
      const video = response?.generatedVideos?.[0]?.video;
      if (!video) throw malformed(ID, "finished operation has no video");
      const file = outputPath(ctx.outputDir, ID, "mp4");
      await download(ctx, signal, video, file);
      return {
        status: "done",
        result: { file, mimeType: "video/mp4", durationSec: data.durationSec, costUsd: data.durationSec * USD_PER_SECOND, warnings: data.warnings },
      };
    });
  },
};
