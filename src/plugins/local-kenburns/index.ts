/**
 * local-kenburns: the video chain's fallback. It uses the scene's still
 * (made by the image chain: `requiresImage`) in place of a clip.
 *
 * By default it hands the still back (mimeType image/*) and the assembly
 * animates it, which costs no extra encode. With `renderClip: true` it
 * renders the Ken Burns clip itself (smooth `perspective` zoom, H.264).
 * Either way it finishes in doStartVideo: there is no operation to poll.
 */
import { copyFile, rm } from "node:fs/promises";
import { z } from "zod";
import { ProviderError, SPECIFICATION_VERSION, type VideoProvider, type VideoStatus, VideoInputSchema } from "../spec";
import { commitFile, extensionFor, fileSize, outputPath, tempPathFor } from "../shared/files";
import { FRAME_SIZES, coverFilter } from "../shared/frame";
import { guardLocal, parseWith } from "../shared/guard";
import { argv, runFfmpeg } from "../shared/process";

export const localKenBurnsOptionsSchema = z
  .object({
    /** Render an mp4 instead of returning the still. Default false. */
    renderClip: z.boolean().default(false),
    /** Frames per second of a rendered clip. Default 30. */
    fps: z.number().int().min(12).max(60).default(30),
    /** Final zoom factor of a rendered clip (1 = none). Default 1.12. */
    zoom: z.number().min(1).max(1.5).default(1.12),
  })
  .strict()
  .default({ renderClip: false, fps: 30, zoom: 1.12 });
export type LocalKenBurnsOptions = z.infer<typeof localKenBurnsOptionsSchema>;

const ID = "local-kenburns";

/** Zoom about the centre from 1 to `zoom` over `frames` frames; `in` starts at 1 in perspective. */
function zoomFilter(frames: number, zoom: number): string {
  const z = `(1+${zoom - 1}*(in-1)/${Math.max(1, frames - 1)})`;
  const x0 = `0.5*W*(1-1/${z})`;
  const y0 = `0.5*H*(1-1/${z})`;
  const x1 = `(${x0}+W/${z})`;
  const y2 = `(${y0}+H/${z})`;
  return `perspective=x0='${x0}':y0='${y0}':x1='${x1}':y1='${y0}':x2='${x0}':y2='${y2}':x3='${x1}':y3='${y2}':eval=frame`;
}

export const localKenBurnsProvider: VideoProvider<LocalKenBurnsOptions> = {
  specificationVersion: SPECIFICATION_VERSION,
  id: ID,
  kind: "video",
  model: "kenburns-v1",
  displayName: "Still with Ken Burns motion (offline)",
  optionsSchema: localKenBurnsOptionsSchema,
  costModel: { estimateUsd: () => 0, notes: "Runs locally; free." },
  maxConcurrency: 2,
  local: true,
  requiredSecrets: [],
  requiresImage: true,

  async doStartVideo(rawInput, ctx): Promise<VideoStatus> {
    return guardLocal(ID, ctx.signal, async () => {
      const input = parseWith(VideoInputSchema, rawInput, ID, "video input");
      if (!input.image) {
        throw new ProviderError({ code: "invalid_request", providerId: ID, message: `${ID} needs the scene's still (input.image): run the image chain first` });
      }
      const warnings = input.negativePrompt ? [{ type: "unsupported-setting" as const, setting: "negativePrompt", message: `${ID} ignores prompts` }] : [];
      if (!ctx.options.renderClip) {
        const file = outputPath(ctx.outputDir, ID, extensionFor(input.image.mimeType));
        const tmp = tempPathFor(file);
        await copyFile(input.image.file, tmp);
        await commitFile(tmp, file);
        return { status: "done", result: { file, mimeType: input.image.mimeType, durationSec: input.durationSec, costUsd: 0, warnings } };
      }
      const { width, height } = FRAME_SIZES[input.aspectRatio];
      const { fps, zoom } = ctx.options;
      const frames = Math.max(1, Math.round(input.durationSec * fps));
      const file = outputPath(ctx.outputDir, ID, "mp4");
      const tmp = tempPathFor(file);
      // Per ffmpeg-notes: decode and scale the still once, loop the frame, then move it.
      const vf = `${coverFilter(width, height)},format=yuv420p,loop=loop=${frames - 1}:size=1,settb=1/${fps},setpts=N,${zoomFilter(frames, zoom)}`;
      const args = argv(
        ["-framerate", fps, "-i", input.image.file],
        ["-vf", vf, "-frames:v", frames, "-r", fps],
        ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-movflags", "+faststart", tmp],
      );
      try {
        await runFfmpeg(ctx.ffmpegPath, args, { signal: ctx.signal });
        if ((await fileSize(tmp)) === 0) throw new Error("ffmpeg wrote an empty clip");
        await commitFile(tmp, file);
      } finally {
        await rm(tmp, { force: true });
      }
      return { status: "done", result: { file, mimeType: "video/mp4", durationSec: frames / fps, costUsd: 0, warnings } };
    });
  },

  async doCheckVideo() {
    throw new ProviderError({ code: "invalid_request", providerId: ID, message: `${ID} finishes in doStartVideo; there is no operation to check` });
  },
};
