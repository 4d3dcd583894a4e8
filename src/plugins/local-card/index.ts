/**
 * local-card: an offline still, the image chain's fallback. The user's
 * uploaded image scaled to cover the frame when given, else a brand-colour
 * card with a subtle gradient and vignette.
 */
import { access, rm } from "node:fs/promises";
import { z } from "zod";
import { type AssetResult, HexColorSchema, type ImageProvider, ImageInputSchema, ProviderError, SPECIFICATION_VERSION } from "../spec";
import { commitFile, fileSize, outputPath, tempPathFor } from "../shared/files";
import { FRAME_SIZES, coverFilter, shade } from "../shared/frame";
import { guardLocal, parseWith } from "../shared/guard";
import { argv, runFfmpeg } from "../shared/process";

export const localCardOptionsSchema = z
  .object({
    /** Card colour when the input has no brandColor. Default "#1f6feb". */
    defaultBrandColor: HexColorSchema.default("#1f6feb"),
    /** Darken the corners slightly. Default true. */
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
  model: "card-v1",
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
        const brand = input.brandColor ?? ctx.options.defaultBrandColor;
        const top = shade(brand, 0.08);
        const bottom = input.accentColor ? shade(input.accentColor, 0) : shade(brand, -0.22);
        const gradient = `gradients=s=${width}x${height}:c0=${top}:c1=${bottom}:x0=0:y0=0:x1=0:y1=${height}:nb_colors=2:d=1`;
        args = argv(["-f", "lavfi", "-i", gradient], ctx.options.vignette ? ["-vf", "vignette=PI/6"] : null, ["-frames:v", "1", tmp]);
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
