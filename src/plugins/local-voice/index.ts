/**
 * local-voice: offline text-to-speech, the voiceover chain's fallback.
 * Engines: ffmpeg's built-in `flite` source (English only; default for English) and espeak-ng
 * (~130 languages; every other language, and the "espeak-f"/"espeak-m" voices). flite given
 * another language says nothing useful (~0.2 s of silence for Arabic), so it is never asked to.
 *
 * Invariant: user text never enters a filter string, an argv or a shell.
 * flite reads it from a temp file (`textfile=`), espeak-ng from stdin.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accessSync, constants } from "node:fs";
import { z } from "zod";
import { espeakVoiceFor, fliteSpeaks, latinSpeakable, lineLanguage, offlineVoiceGap } from "~/shared/languages";
import { ProviderError, type ProviderWarning, SPECIFICATION_VERSION, type VoiceoverProvider, type VoiceoverResult, VoiceoverInputSchema } from "../spec";
import { commitFile, outputPath, tempPathFor } from "../shared/files";
import { guardLocal, parseWith } from "../shared/guard";
import { argv, runFfmpeg, runProcess } from "../shared/process";
import { SILENCEDETECT } from "../shared/silencedetect";
import { readWavInfo } from "../shared/wav";
import { estimateWordTimings, voicedSpanFromSilencedetect } from "../shared/word-timings";

/** Campaign voices this provider accepts: flite's built-in voices and two espeak-ng ones. */
export const LOCAL_VOICES = ["kal", "slt", "awb", "rms", "kal16", "espeak-f", "espeak-m"] as const;
export type LocalVoice = (typeof LOCAL_VOICES)[number];
const FLITE_VOICES: readonly LocalVoice[] = ["kal", "slt", "awb", "rms", "kal16"];

/** espeak-ng variant per campaign voice (appended to the language's voice, e.g. "ar+f3"). */
const ESPEAK_VARIANTS: { [V in LocalVoice]: string } = {
  kal: "m3",
  slt: "f3",
  awb: "m1",
  rms: "m1",
  kal16: "m3",
  "espeak-f": "f3",
  "espeak-m": "m3",
};

/** The espeak-ng voice argument for a language and a campaign voice ("ar+f3"); awb keeps its Scottish English. */
function espeakArg(language: string, voice: LocalVoice): string | null {
  const lang = espeakVoiceFor(language);
  if (!lang) return null;
  if (voice === "awb" && lang.startsWith("en")) return "en-gb-scotland";
  return `${lang}+${ESPEAK_VARIANTS[voice]}`;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const localVoiceOptionsSchema = z
  .object({
    /** Engine for English with a flite voice; other languages always use espeak-ng. Default "flite" (inside ffmpeg). */
    engine: z.enum(["flite", "espeak-ng"]).default("flite"),
    /** Voice when the input names none or an unknown one. Default "slt". */
    defaultVoice: z.enum(LOCAL_VOICES).default("slt"),
    /** Output sample rate. Default 24000. */
    sampleRate: z.union([z.literal(24000), z.literal(48000)]).default(24000),
    /** Speed factor (1 = natural). Default 1. */
    tempo: z.number().min(0.5).max(2).default(1),
    /** Path of espeak-ng. Default /usr/bin/espeak-ng. */
    espeakPath: z.string().min(1).default("/usr/bin/espeak-ng"),
  })
  .strict()
  .default({ engine: "flite", defaultVoice: "slt", sampleRate: 24000, tempo: 1, espeakPath: "/usr/bin/espeak-ng" });
export type LocalVoiceOptions = z.infer<typeof localVoiceOptionsSchema>;

const ID = "local-voice";

/** Paths go into the flite filter string: only allow characters that need no escaping there. */
const FILTER_SAFE_PATH = /^[A-Za-z0-9_/.-]+$/;

async function safeTempDir(): Promise<string> {
  const base = FILTER_SAFE_PATH.test(tmpdir()) ? tmpdir() : "/tmp";
  return mkdtemp(join(base, "reelfarm-voice-"));
}

function audioChain(sampleRate: number, tempo: number): string {
  const tempoFilter = tempo === 1 ? "" : `,atempo=${tempo}`;
  return `aresample=${sampleRate}${tempoFilter},asplit=2[out][sd];[sd]${SILENCEDETECT}[sdo]`;
}

export const localVoiceProvider: VoiceoverProvider<LocalVoiceOptions> = {
  specificationVersion: SPECIFICATION_VERSION,
  id: ID,
  kind: "voiceover",
  model: "flite",
  displayName: "Offline voice (flite for English, espeak-ng for other languages)",
  optionsSchema: localVoiceOptionsSchema,
  costModel: { estimateUsd: () => 0, notes: "Runs locally; free." },
  maxConcurrency: 2,
  local: true,
  requiredSecrets: [],
  voices: LOCAL_VOICES,
  speaks: (language, options) => (options.engine === "flite" && fliteSpeaks(language)) || (espeakVoiceFor(language) !== null && executable(options.espeakPath)),

  async doSynthesize(rawInput, ctx): Promise<VoiceoverResult> {
    return guardLocal(ID, ctx.signal, async () => {
      const input = parseWith(VoiceoverInputSchema, rawInput, ID, "voiceover input");
      const { sampleRate, tempo } = ctx.options;
      const warnings: ProviderWarning[] = [];
      let voice: LocalVoice = ctx.options.defaultVoice;
      if (input.voice && (LOCAL_VOICES as readonly string[]).includes(input.voice)) voice = input.voice as LocalVoice;
      else if (input.voice) warnings.push({ type: "unsupported-setting", setting: "voice", message: `unknown voice "${input.voice}", used "${voice}"` });
      // A line written mostly in another script than the campaign's language (an Arabic sentence in an
      // English campaign) is spoken in that script's language: flite would say ~0.2 s of silence.
      let language = lineLanguage(input.text, input.language);
      if (language !== input.language && !fliteSpeaks(language) && !espeakVoiceFor(language)) {
        // No offline voice reads that script (Japanese: offlineVoiceGap): the campaign's voice says what it can.
        warnings.push({ type: "unsupported-setting", setting: "language", message: `the line is written in "${language}", which no offline voice speaks (${offlineVoiceGap(language) ?? "espeak-ng has no voice for it"}): spoken as "${input.language}"` });
        language = input.language;
      } else if (language !== input.language) {
        warnings.push({ type: "unsupported-setting", setting: "language", message: `the line is written in another script than "${input.language}": spoken as "${language}"` });
      }
      // flite only for English with a flite voice; anything else is espeak-ng's (or nobody's).
      const useFlite = ctx.options.engine === "flite" && fliteSpeaks(language) && FLITE_VOICES.includes(voice);
      const engine = useFlite ? "flite" : "espeak-ng";
      const espeakVoice = useFlite ? null : espeakArg(language, voice);
      if (!useFlite && !espeakVoice) {
        const why = offlineVoiceGap(language) ?? "espeak-ng has no voice for it";
        throw new ProviderError({ code: "invalid_request", providerId: ID, message: `${ID}: no offline voice speaks "${language}" (flite speaks English; ${why})` });
      }
      if (!useFlite && FLITE_VOICES.includes(voice) && !fliteSpeaks(language)) {
        warnings.push({ type: "unsupported-setting", setting: "voice", message: `flite speaks English only: "${language}" is spoken by espeak-ng (${espeakVoice})` });
      }
      if (input.style) warnings.push({ type: "unsupported-setting", setting: "style", message: `${ID} ignores style hints` });
      // flite reads Latin script only: other-script runs in a mostly Latin line (a Japanese product name)
      // are left out and named, instead of flite's silence where they stand.
      const { spoken, unspoken } = engine === "flite" ? latinSpeakable(input.text) : { spoken: input.text, unspoken: [] };
      if (unspoken.length) {
        warnings.push({ type: "unsupported-setting", setting: "language", message: `the offline English voice cannot pronounce ${unspoken.map((u) => `"${u}"`).join(", ")}: shown in the captions, not said (a Google voice says it)` });
      }
      if (!/[\p{L}\p{N}]/u.test(spoken)) {
        throw new ProviderError({ code: "invalid_request", providerId: ID, message: `${ID}: the offline English voice can pronounce nothing of this line` });
      }

      const file = outputPath(ctx.outputDir, ID, "wav");
      const tmp = tempPathFor(file);
      const outputs = ["-map", "[out]", "-ac", "1", "-c:a", "pcm_s16le", "-fflags", "+bitexact", tmp, "-map", "[sdo]", "-f", "null", "-"];
      let stderr: string;
      const dir = await safeTempDir();
      try {
        if (engine === "flite") {
          const textFile = join(dir, "text.txt");
          if (!FILTER_SAFE_PATH.test(textFile)) throw new Error(`unsafe temp path ${textFile}`);
          await writeFile(textFile, spoken, "utf8");
          const args = argv(["-f", "lavfi", "-i", `flite=textfile=${textFile}:voice=${voice}`], ["-filter_complex", `[0:a]${audioChain(sampleRate, tempo)}`], outputs);
          ({ stderr } = await runFfmpeg(ctx.ffmpegPath, args, { signal: ctx.signal }));
        } else {
          const speed = String(Math.round(175 * tempo));
          const espeak = await runProcess(ctx.options.espeakPath, ["--stdout", "-v", espeakVoice!, "-s", speed, "--stdin"], {
            signal: ctx.signal,
            stdin: input.text,
            captureStdout: true,
          });
          const args = argv(["-f", "wav", "-i", "pipe:0"], ["-filter_complex", `[0:a]${audioChain(sampleRate, 1)}`], outputs);
          ({ stderr } = await runFfmpeg(ctx.ffmpegPath, args, { signal: ctx.signal, stdin: espeak.stdout }));
        }
        const info = readWavInfo(await readFile(tmp));
        if (!info || info.dataBytes === 0) throw new Error(`${engine} produced no audio`);
        await commitFile(tmp, file);
        const span = voicedSpanFromSilencedetect(stderr, info.durationSec);
        const words = estimateWordTimings(input.text, span.startSec, span.endSec);
        return { file, mimeType: "audio/wav", durationSec: info.durationSec, costUsd: 0, warnings, words, ...(unspoken.length ? { unspoken } : {}) };
      } finally {
        await rm(dir, { recursive: true, force: true });
        await rm(tmp, { force: true });
      }
    });
  },
};
