/**
 * google-lyria: Lyria 3 clips (30 s MP3, 44.1 kHz stereo) through the
 * interactions API. `maxRetries: 0`: the interactions client retries by
 * default, and only the caller knows a daily quota from a per-minute one.
 */
import { rm } from "node:fs/promises";
import { z } from "zod";
import { type AssetResult, type Mood, type MusicProvider, MusicInputSchema, type ProviderWarning, SPECIFICATION_VERSION } from "../spec";
import { commitFile, outputPath, tempPathFor, writeFileAtomic } from "../shared/files";
import { parseWith } from "../shared/guard";
import { probeDurationSec, runFfmpeg } from "../shared/process";
import { GEMINI_API_KEY, checkGoogleCredentials, createGenAI, guardGoogle } from "../google/client";
import { lastMidnightPacific } from "../google/pacific-time";
import { malformed } from "../google/response";

export const googleLyriaOptionsSchema = z
  .object({
    /** Default "lyria-3-clip-preview". */
    model: z.string().min(1).default("lyria-3-clip-preview"),
    /** Per-request timeout, ms. Default 180000. */
    timeoutMs: z.number().int().min(100).max(600_000).default(180_000),
  })
  .strict()
  .default({ model: "lyria-3-clip-preview", timeoutMs: 180_000 });
export type GoogleLyriaOptions = z.infer<typeof googleLyriaOptionsSchema>;

const ID = "google-lyria";
const CLIP_SEC = 30;
/** Assumed price per clip (no public list price read here); adjust when billing data exists. */
const USD_PER_CLIP = 0.04;

const MOOD_PROMPTS: { [M in Exclude<Mood, "none">]: string } = {
  upbeat: "upbeat, bright pop groove, 120 bpm, claps and plucked synths",
  calm: "calm, warm ambient pads, soft piano, 70 bpm",
  dramatic: "dramatic cinematic build, low strings and taiko drums, 85 bpm",
  corporate: "modern corporate, optimistic, light guitar and synth pulse, 105 bpm",
};

interface AudioContent {
  type?: string;
  mime_type?: string;
  data?: string;
}

/** The first audio content of the interaction's model output (steps[].content[] or output_audio). */
function findAudio(interaction: unknown): AudioContent | undefined {
  const i = interaction as { steps?: { content?: AudioContent[] }[]; output_audio?: AudioContent };
  for (const step of i.steps ?? []) {
    const audio = step.content?.find((c) => c.type === "audio");
    if (audio) return audio;
  }
  return i.output_audio;
}

export const googleLyriaProvider: MusicProvider<GoogleLyriaOptions> = {
  specificationVersion: SPECIFICATION_VERSION,
  id: ID,
  kind: "music",
  model: "lyria-3-clip-preview",
  displayName: "Lyria music",
  optionsSchema: googleLyriaOptionsSchema,
  costModel: { estimateUsd: (input) => (input.mood === "none" ? 0 : USD_PER_CLIP), notes: `$${USD_PER_CLIP} per 30 s clip (assumed).` },
  maxConcurrency: 2,
  local: false,
  requiredSecrets: [GEMINI_API_KEY],
  quotaWindowStart: lastMidnightPacific,

  doCheckCredentials: (ctx) => checkGoogleCredentials(ctx, ID, ctx.options.model),

  async doGenerateMusic(rawInput, ctx): Promise<AssetResult> {
    return guardGoogle(ID, ctx, async (signal) => {
      const input = parseWith(MusicInputSchema, rawInput, ID, "music input");
      const warnings: ProviderWarning[] = [];
      const file = outputPath(ctx.outputDir, ID, "mp3");
      if (input.mood === "none") {
        // No music wanted: a silent track, no API call, no cost.
        const tmp = tempPathFor(file);
        await runFfmpeg(ctx.ffmpegPath, ["-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", String(input.durationSec), "-c:a", "libmp3lame", tmp], { signal: ctx.signal });
        await commitFile(tmp, file).catch(async (e: unknown) => {
          await rm(tmp, { force: true });
          throw e;
        });
        return { file, mimeType: "audio/mpeg", durationSec: input.durationSec, costUsd: 0, warnings: [{ type: "other", message: "mood none: silent track" }] };
      }
      if (input.durationSec > CLIP_SEC) {
        warnings.push({ type: "unsupported-setting", setting: "durationSec", message: `Lyria clips are ${CLIP_SEC} s; asked for ${input.durationSec} s` });
      }
      const prompt = `Instrumental background music for a short vertical video ad, no vocals. ${MOOD_PROMPTS[input.mood]}.${input.prompt ? ` ${input.prompt}` : ""}`;
      const ai = createGenAI(ctx, ID, ctx.options.timeoutMs);
      const interaction = await ai.interactions.create({ model: ctx.options.model, input: prompt }, { maxRetries: 0, signal, timeout: ctx.options.timeoutMs });
      const audio = findAudio(interaction);
      const bytes = Buffer.from(audio?.data ?? "", "base64");
      if (bytes.length === 0) throw malformed(ID, "the interaction returned no audio (0 bytes)");
      await writeFileAtomic(file, bytes);
      const durationSec = await probeDurationSec(ctx.ffmpegPath, file, ctx.signal);
      if (durationSec === undefined) throw malformed(ID, `audio is not decodable (${audio?.mime_type ?? "no mime type"})`);
      return { file, mimeType: "audio/mpeg", durationSec, costUsd: USD_PER_CLIP, warnings };
    });
  },
};
