/**
 * local-card: an offline still, the image chain's fallback. The user's
 * uploaded image scaled to cover the frame when given, else a designed
 * background in the brand colours (gradient and soft shapes, src/render/design.ts),
 * deterministic: the same input gives the same PNG bytes.
 */
import { access, rm } from "node:fs/promises";
import { z } from "zod";
import { type AssetResult, HexColorSchema, type ImageProvider, ImageInputSchema, ProviderError, SPECIFICATION_VERSION } from "../spec";
import { commitFile, fileSize, outputPath, tempPathFor } from "../shared/files";
import { FRAME_SIZES, coverFilter } from "../shared/frame";
import { backgroundColors, backgroundSide, designArgs, mix, seedFrom } from "~/render/design";
import { guardLocal, parseWith } from "../shared/guard";
import { argv, runFfmpeg } from "../shared/process";

export const localCardOptionsSchema = z
  .object({
    /** Card colour when the input has no brandColor. Default "#1f6feb". */
    defaultBrandColor: HexColorSchema.default("#1f6feb"),
    /** Darken the corners of designed cards slightly. Default true. */
    vignette: z.boolean().default(true),
  })
  .strict()
  .default({ defaultBrandColor: "#1f6feb", vignette: true });
export type LocalCardOptions = z.infer<typeof localCardOptionsSchema>;

const ID = "local-card";

export const localCardProvider: ImageProvider<LocalCardOptions> = {
  specificationVersion: SPECIFICATION_VERSION,
  id: ID,
  kind: "image",
  model: "card-v2",
  displayName: "Brand card / uploaded image (offline)",
  optionsSchema: localCardOptionsSchema,
  costModel: { estimateUsd: () => 0, notes: "Runs locally; free." },
  maxConcurrency: 2,
  local: true,
  requiredSecrets: [],

  async doGenerateImage(rawInput, ctx): Promise<AssetResult> {
    return guardLocal(ID, ctx.signal, async () => {
      const input = parseWith(ImageInputSchema, rawInput, ID, "image input");
      const { width, height } = FRAME_SIZES[input.aspectRatio];
      const file = outputPath(ctx.outputDir, ID, "png");
      const tmp = tempPathFor(file);
      let args: string[];
      if (input.referenceImage) {
        const source = input.referenceImage.file;
        await access(source).catch((e: unknown) => {
          throw new ProviderError({ code: "invalid_request", providerId: ID, message: `${ID}: uploaded image not readable: ${source}`, cause: e });
        });
        // The path is an argv element, never part of the filter string.
        args = argv(["-i", source], ["-vf", `${coverFilter(width, height)},format=rgb24`], ["-frames:v", "1", tmp]);
      } else {
        // A designed background: the brand colours as a gradient with soft shapes, laid out from a seed that is a
        // hash of the input, so the same scene gets the same card, byte for byte. The assembly's Ken Burns moves it
        // and the headline overlay animates the scene's on-screen text over it.
        const brand = input.brandColor ?? ctx.options.defaultBrandColor;
        const accent = input.accentColor ?? mix(brand, 0.7, 0);
        const colors = backgroundColors(brand, accent);
        const seed = seedFrom(ID, input.prompt, brand, accent, input.aspectRatio);
        // Shapes shade away from the brand colour (the headline plate), like the assembly's motion backgrounds.
        const shade = backgroundSide(brand);
        args = designArgs({ ...colors, seed, width, height, shade, vignette: ctx.options.vignette && shade === 0 }, tmp);
      }
      try {
        await runFfmpeg(ctx.ffmpegPath, args, { signal: ctx.signal });
        if ((await fileSize(tmp)) === 0) throw new Error("ffmpeg wrote an empty image");
        await commitFile(tmp, file);
      } finally {
        await rm(tmp, { force: true });
      }
      return { file, mimeType: "image/png", costUsd: 0, warnings: [] };
    });
  },
};
