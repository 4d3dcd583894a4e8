/** google-image: a Gemini image model through generateContent (responseModalities IMAGE, 9:16). */
import { readFile } from "node:fs/promises";
import { type Part } from "@google/genai";
import { z } from "zod";
import { type AssetResult, type ImageProvider, ImageInputSchema, ProviderError, SPECIFICATION_VERSION } from "../spec";
import { extensionFor, outputPath, writeFileAtomic } from "../shared/files";
import { parseWith } from "../shared/guard";
import { GEMINI_API_KEY, checkGoogleCredentials, createGenAI, guardGoogle } from "../google/client";
import { lastMidnightPacific } from "../google/pacific-time";
import { firstInlineMedia, malformed, throwIfBlocked } from "../google/response";

export const googleImageOptionsSchema = z
  .object({
    /** Default "gemini-2.5-flash-image". */
    model: z.string().min(1).default("gemini-2.5-flash-image"),
    /** Per-request timeout, ms. Default 120000. */
    timeoutMs: z.number().int().min(100).max(600_000).default(120_000),
  })
  .strict()
  .default({ model: "gemini-2.5-flash-image", timeoutMs: 120_000 });
export type GoogleImageOptions = z.infer<typeof googleImageOptionsSchema>;

const ID = "google-image";
/** gemini-2.5-flash-image: ~1290 output tokens per image at $30/M (list price, 2026-11). */
const USD_PER_IMAGE = 0.039;

export const googleImageProvider: ImageProvider<GoogleImageOptions> = {
  specificationVersion: SPECIFICATION_VERSION,
  id: ID,
  kind: "image",
  model: "gemini-2.5-flash-image",
  displayName: "Gemini image",
  optionsSchema: googleImageOptionsSchema,
  costModel: { estimateUsd: () => USD_PER_IMAGE, notes: `$${USD_PER_IMAGE} per image (list price, 2026-11).` },
  // Gemini limits requests per minute, not calls in flight: let a whole render's scenes go at once.
  maxConcurrency: 8,
  local: false,
  requiredSecrets: [GEMINI_API_KEY],
  quotaWindowStart: lastMidnightPacific,

  doCheckCredentials: (ctx) => checkGoogleCredentials(ctx, ID, ctx.options.model),

  async doGenerateImage(rawInput, ctx): Promise<AssetResult> {
    return guardGoogle(ID, ctx, async (signal) => {
      const input = parseWith(ImageInputSchema, rawInput, ID, "image input");
      const style = [
        "Photorealistic advertising image, no text or logos in the picture.",
        input.brandColor ? `Use the brand colour ${input.brandColor} as an accent.` : null,
        input.referenceImage ? "Feature the product shown in the attached image." : null,
      ].filter(Boolean);
      const parts: Part[] = [{ text: `${input.prompt}\n\n${style.join(" ")}` }];
      if (input.referenceImage) {
        const bytes = await readFile(input.referenceImage.file).catch((e: unknown) => {
          throw new ProviderError({ code: "invalid_request", providerId: ID, message: `${ID}: reference image not readable`, cause: e });
        });
        parts.push({ inlineData: { mimeType: input.referenceImage.mimeType, data: bytes.toString("base64") } });
      }
      const ai = createGenAI(ctx, ID, ctx.options.timeoutMs);
      const response = await ai.models.generateContent({
        model: ctx.options.model,
        contents: [{ role: "user", parts }],
        config: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio: input.aspectRatio }, abortSignal: signal },
      });
      throwIfBlocked(response, ID);
      const image = firstInlineMedia(response, "image/");
      if (!image || image.data.length === 0) throw malformed(ID, "no image in the answer");
      const ext = extensionFor(image.mimeType);
      if (ext === "bin") throw malformed(ID, `unexpected image type ${image.mimeType}`);
      const file = outputPath(ctx.outputDir, ID, ext);
      await writeFileAtomic(file, image.data);
      return { file, mimeType: image.mimeType, costUsd: USD_PER_IMAGE, warnings: [] };
    });
  },
};
