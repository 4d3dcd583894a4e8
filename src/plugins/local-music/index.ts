/** local-music: procedural, mood-dependent background music made by ffmpeg (the music chain's fallback). */
import { rm } from "node:fs/promises";
import { z } from "zod";
import { type AssetResult, type MusicProvider, MusicInputSchema, SPECIFICATION_VERSION } from "../spec";
import { commitFile, fileSize, outputPath, tempPathFor } from "../shared/files";
import { guardLocal, parseWith } from "../shared/guard";
import { argv, probeDurationSec, runFfmpeg } from "../shared/process";
import { musicPostFilter, musicSource } from "./synth";

export const localMusicOptionsSchema = z
  .object({
    /** MP3 bitrate. Default 128. */
    bitrateKbps: z.number().int().min(64).max(320).default(128),
    /** Fade in and out, seconds. Default 1.5. */
    fadeSec: z.number().min(0).max(10).default(1.5),
  })
  .strict()
  .default({ bitrateKbps: 128, fadeSec: 1.5 });
export type LocalMusicOptions = z.infer<typeof localMusicOptionsSchema>;

const ID = "local-music";
const SAMPLE_RATE = 44100;

export const localMusicProvider: MusicProvider<LocalMusicOptions> = {
  specificationVersion: SPECIFICATION_VERSION,
  id: ID,
  kind: "music",
  model: "procedural-v1",
  displayName: "Procedural music (offline)",
  optionsSchema: localMusicOptionsSchema,
  costModel: { estimateUsd: () => 0, notes: "Runs locally; free." },
  maxConcurrency: 2,
  local: true,
  requiredSecrets: [],

  async doGenerateMusic(rawInput, ctx): Promise<AssetResult> {
    return guardLocal(ID, ctx.signal, async () => {
      const input = parseWith(MusicInputSchema, rawInput, ID, "music input");
      const warnings = input.prompt ? [{ type: "unsupported-setting" as const, setting: "prompt", message: `${ID} follows the mood only` }] : [];
      const file = outputPath(ctx.outputDir, ID, "mp3");
      const tmp = tempPathFor(file);
      const source =
        input.mood === "none"
          ? ["-f", "lavfi", "-i", `anullsrc=r=${SAMPLE_RATE}:cl=stereo`, "-t", String(input.durationSec)]
          : ["-f", "lavfi", "-i", musicSource(input.mood, input.durationSec, SAMPLE_RATE)];
      const filter = input.mood === "none" ? null : ["-af", musicPostFilter(input.mood, input.durationSec, ctx.options.fadeSec)];
      const args = argv(source, filter, ["-ac", "2", "-c:a", "libmp3lame", "-b:a", `${ctx.options.bitrateKbps}k`, tmp]);
      try {
        await runFfmpeg(ctx.ffmpegPath, args, { signal: ctx.signal });
        if ((await fileSize(tmp)) === 0) throw new Error("ffmpeg wrote an empty music file");
        await commitFile(tmp, file);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      const durationSec = (await probeDurationSec(ctx.ffmpegPath, file, ctx.signal)) ?? input.durationSec;
      return { file, mimeType: "audio/mpeg", durationSec, costUsd: 0, warnings };
    });
  },
};
