/**
 * google-tts: Gemini TTS. Audio arrives as raw L16 PCM ("audio/L16;codec=pcm;rate=24000");
 * we read the rate from the mimeType and wrap it in a WAV header.
 * Word timings are estimated over the voiced span (silencedetect).
 */
import { z } from "zod";
import { googleTtsSpeaks, languageName } from "~/shared/languages";
import { ProviderError, type ProviderWarning, SPECIFICATION_VERSION, type VoiceoverProvider, type VoiceoverResult, VoiceoverInputSchema, WORDS_PER_SECOND } from "../spec";
import { outputPath, writeFileAtomic } from "../shared/files";
import { parseWith } from "../shared/guard";
import { detectVoicedSpan } from "../shared/silence";
import { parsePcmMimeType, pcmDurationSec, pcmToWav, readWavInfo } from "../shared/wav";
import { estimateWordTimings } from "../shared/word-timings";
import { GEMINI_API_KEY, checkGoogleCredentials, createGenAI, guardGoogle } from "../google/client";
import { lastMidnightPacific } from "../google/pacific-time";
import { firstInlineMedia, malformed, throwIfBlocked } from "../google/response";

/** Gemini TTS prebuilt voices. */
export const GEMINI_TTS_VOICES = [
  "Zephyr", "Puck", "Charon", "Kore", "Fenrir", "Leda", "Orus", "Aoede", "Callirrhoe", "Autonoe",
  "Enceladus", "Iapetus", "Umbriel", "Algieba", "Despina", "Erinome", "Algenib", "Rasalgethi", "Laomedeia", "Achernar",
  "Alnilam", "Schedar", "Gacrux", "Pulcherrima", "Achird", "Zubenelgenubi", "Vindemiatrix", "Sadachbia", "Sadaltager", "Sulafat",
] as const;

export const googleTtsOptionsSchema = z
  .object({
    /** Default "gemini-2.5-flash-preview-tts". */
    model: z.string().min(1).default("gemini-2.5-flash-preview-tts"),
    /** Voice when the input names none or one Gemini does not have. Default "Kore". */
    voiceName: z.enum(GEMINI_TTS_VOICES).default("Kore"),
    /** Per-request timeout, ms. Default 120000. */
    timeoutMs: z.number().int().min(100).max(600_000).default(120_000),
  })
  .strict()
  .default({ model: "gemini-2.5-flash-preview-tts", voiceName: "Kore", timeoutMs: 120_000 });
export type GoogleTtsOptions = z.infer<typeof googleTtsOptionsSchema>;

const ID = "google-tts";
/** gemini-2.5-flash-preview-tts: $0.50/M text input tokens, $10/M audio output tokens at 25 tokens/s (list price, 2026-11). */
const usd = (chars: number, seconds: number) => ((chars / 4) * 0.5 + seconds * 25 * 10) / 1e6;

export const googleTtsProvider: VoiceoverProvider<GoogleTtsOptions> = {
  specificationVersion: SPECIFICATION_VERSION,
  id: ID,
  kind: "voiceover",
  model: "gemini-2.5-flash-preview-tts",
  displayName: "Gemini TTS",
  optionsSchema: googleTtsOptionsSchema,
  costModel: {
    estimateUsd: (input) => usd(input.text.length, input.text.split(/\s+/).length / WORDS_PER_SECOND),
    notes: "$0.50/M input tokens, $10/M audio tokens (25 tokens/s), list price 2026-11.",
  },
  // Gemini limits requests per minute, not calls in flight: let a whole render's scenes go at once.
  maxConcurrency: 8,
  local: false,
  requiredSecrets: [GEMINI_API_KEY],
  quotaWindowStart: lastMidnightPacific,
  voices: GEMINI_TTS_VOICES,
  speaks: (language) => googleTtsSpeaks(language),

  doCheckCredentials: (ctx) => checkGoogleCredentials(ctx, ID, ctx.options.model),

  async doSynthesize(rawInput, ctx): Promise<VoiceoverResult> {
    return guardGoogle(ID, ctx, async (signal) => {
      const input = parseWith(VoiceoverInputSchema, rawInput, ID, "voiceover input");
      const warnings: ProviderWarning[] = [];
      const known = GEMINI_TTS_VOICES.find((v) => v.toLowerCase() === input.voice?.toLowerCase());
      if (input.voice && !known) warnings.push({ type: "unsupported-setting", setting: "voice", message: `unknown voice "${input.voice}", used "${ctx.options.voiceName}"` });
      const voiceName = known ?? ctx.options.voiceName;
      if (!googleTtsSpeaks(input.language)) {
        throw new ProviderError({ code: "invalid_request", providerId: ID, message: `${ID}: Gemini TTS does not speak "${input.language}"` });
      }
      // Gemini TTS takes delivery hints (and the language, which it otherwise guesses) in natural language, ahead of the text.
      const english = input.language.toLowerCase().startsWith("en");
      const how = [input.style ? `in a ${input.style} way` : null, english ? null : `in ${languageName(input.language)}`].filter(Boolean).join(", ");
      const prompt = how ? `Say ${how}:\n${input.text}` : input.text;

      const ai = createGenAI(ctx, ID, ctx.options.timeoutMs);
      const response = await ai.models.generateContent({
        model: ctx.options.model,
        contents: [{ role: "user", parts: [{ text: prompt }] }],
        config: { responseModalities: ["AUDIO"], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName } } }, abortSignal: signal },
      });
      throwIfBlocked(response, ID);
      const audio = firstInlineMedia(response, "audio/");
      if (!audio || audio.data.length === 0) throw malformed(ID, "the answer has no audio (0 bytes)");

      let wav: Buffer;
      let durationSec: number;
      const pcm = parsePcmMimeType(audio.mimeType);
      if (pcm) {
        wav = pcmToWav(audio.data, pcm);
        durationSec = pcmDurationSec(audio.data.length, pcm);
      } else {
        const info = readWavInfo(audio.data);
        if (!info) throw malformed(ID, `unsupported audio type ${audio.mimeType}`);
        wav = audio.data;
        durationSec = info.durationSec;
      }
      if (durationSec < 0.05) throw malformed(ID, `audio too short (${durationSec.toFixed(3)} s)`);
      const file = outputPath(ctx.outputDir, ID, "wav");
      await writeFileAtomic(file, wav);

      // Timings are a nicety for captions: without ffmpeg, spread them over the whole file.
      const span = await detectVoicedSpan(ctx.ffmpegPath, file, durationSec, ctx.signal).catch((e: unknown) => {
        if (ctx.signal.aborted) throw e;
        warnings.push({ type: "other", message: `silence detection failed, timings span the whole file: ${String(e)}` });
        return { startSec: 0, endSec: durationSec };
      });
      const words = estimateWordTimings(input.text, span.startSec, span.endSec);
      return { file, mimeType: "audio/wav", durationSec, costUsd: usd(prompt.length, durationSec), warnings, words };
    });
  },
};
