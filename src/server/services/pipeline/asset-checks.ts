/**
 * Every generated asset is checked where it is made: right after the provider answers and before
 * the asset is stored (runAsset). An answer the assembly could not use is the provider's
 * `malformed_response` (ProviderError), so the chain falls back (Google -> local) at once and
 * the attempt records why, instead of the render failing later or shipping a silent ad.
 *
 * What "usable" means, per kind (figures and their reasons beside each constant):
 * - image: decodes (first frame, errors collected), short side >= MIN_FRAME_SIDE px;
 * - video: decodes to the end without errors, short side >= MIN_FRAME_SIDE, and lasts at least
 *   min(MIN_CLIP_FRACTION x asked, MIN_CLIP_SEC);
 * - voiceover: a sample rate >= MIN_SAMPLE_RATE, voiced time (silencedetect) >= MIN_VOICED_FRACTION
 *   of what its text needs at WORDS_PER_SECOND, not longer than MAX_STRETCH x that (a wrong
 *   declared rate plays slow), and not noise (spectral flatness of most frames >= NOISE_FLATNESS);
 * - music: an audio stream that decodes and lasts >= 1 s.
 * Scripts are checked by their schema in the providers already.
 */
import { parseSilencedetect, SILENCEDETECT } from "~/plugins/shared/silencedetect";
import { ProviderError } from "~/plugins/spec";
import { WORDS_PER_SECOND } from "~/plugins/spec/schemas";
import { RenderInputError } from "~/render/errors";
import { probe, runFfmpeg } from "~/render/ffmpeg";
import { checkImage } from "~/render/validate";

/** Shortest side, px: below it a 1080x1920 frame would upscale the picture more than ~4x (visible blur). */
export const MIN_FRAME_SIDE = 256;
/** A clip must last at least this share of the asked duration... */
export const MIN_CLIP_FRACTION = 0.5;
/** ...or this many seconds (Veo makes 4-8 s clips; a longer scene loops its clip). */
export const MIN_CLIP_SEC = 4;
/** Below 16 kHz speech loses its consonants (telephone band); Gemini TTS sends 24 kHz. */
export const MIN_SAMPLE_RATE = 16_000;
/** Voiced time must be at least this share of what the text needs at WORDS_PER_SECOND. */
export const MIN_VOICED_FRACTION = 0.3;
/** ...and the whole file at most this multiple of it (+ MAX_STRETCH_SLACK_SEC): longer is a wrong declared rate. */
export const MAX_STRETCH = 3.5;
export const MAX_STRETCH_SLACK_SEC = 2;
/** Spectral flatness (0 = tone, 1 = white noise): espeak-ng speech averages ~0.2, white and pink noise 0.85 and 0.69 (measured here). */
export const NOISE_FLATNESS = 0.5;
/** Share of frames above NOISE_FLATNESS that makes the answer noise (speech: < 0.2 measured). */
export const NOISE_FRAME_SHARE = 0.6;

export interface Expected {
  /** Voiceover: the text it should say, and its language (word counting). */
  text?: string;
  language?: string;
  /** Video: the duration asked for, seconds. */
  durationSec?: number;
}

export interface GeneratedFile {
  file: string;
  mimeType: string;
  durationSec?: number;
  /** Voiceover: runs of the text the provider says it could not pronounce (VoiceoverResult.unspoken). */
  unspoken?: string[];
}

function malformed(providerId: string, kind: string, why: string, cause?: unknown): ProviderError {
  return new ProviderError({ code: "malformed_response", providerId, message: `${providerId}: unusable ${kind}: ${why}`, cause });
}

/** Words of a text by its language's rules (Japanese and Chinese have no spaces). */
export function wordCount(text: string, language = "en"): number {
  let seg: Intl.Segmenter;
  try {
    seg = new Intl.Segmenter(language, { granularity: "word" });
  } catch {
    seg = new Intl.Segmenter("en", { granularity: "word" });
  }
  let n = 0;
  for (const s of seg.segment(text)) if (s.isWordLike) n++;
  return n;
}

/**
 * Throws a malformed_response ProviderError naming what is wrong when `result` is not usable as
 * a `kind` asset. Aborting `signal` rejects with the abort reason.
 */
export async function checkGeneratedAsset(kind: string, providerId: string, result: GeneratedFile, expected: Expected, signal: AbortSignal): Promise<void> {
  switch (kind) {
    case "image":
      return checkStill(providerId, "image", result.file, signal);
    case "video":
      // A Ken Burns stand-in hands the still back as the scene's visual.
      if (result.mimeType.startsWith("image/")) return checkStill(providerId, "video", result.file, signal);
      return checkClip(providerId, result.file, expected.durationSec, signal);
    case "voiceover":
      return checkVoice(providerId, result.file, { ...expected, ...(expected.text && result.unspoken?.length ? { text: withoutRuns(expected.text, result.unspoken) } : {}) }, signal);
    case "music":
      return checkMusic(providerId, result.file, signal);
    default:
      return;
  }
}

/** `text` with each of `runs` removed once (what a voice that left them out still had to say). */
function withoutRuns(text: string, runs: string[]): string {
  return runs.reduce((t, r) => (r ? t.replace(r, " ") : t), text);
}

async function checkStill(providerId: string, kind: string, file: string, signal: AbortSignal) {
  let size: { width: number; height: number };
  try {
    size = await checkImage(kind, file, signal);
  } catch (e) {
    if (signal.aborted || !RenderInputError.isInstance(e)) throw e;
    throw malformed(providerId, kind, e.message, e);
  }
  if (Math.min(size.width, size.height) < MIN_FRAME_SIDE) {
    throw malformed(providerId, kind, `${size.width}x${size.height} is too small to frame (short side under ${MIN_FRAME_SIDE} px)`);
  }
}

async function checkClip(providerId: string, file: string, askedSec: number | undefined, signal: AbortSignal) {
  let p;
  try {
    p = await probe(file, { signal });
  } catch (e) {
    if (signal.aborted) throw e;
    throw malformed(providerId, "video", "not a video file (ffprobe could not open it)", e);
  }
  const v = p.streams.find((s) => s.codec_type === "video");
  if (!v?.width || !v.height) throw malformed(providerId, "video", "no video stream in it");
  if (Math.min(v.width, v.height) < MIN_FRAME_SIDE) throw malformed(providerId, "video", `${v.width}x${v.height} is too small to frame`);
  // A full decode: a clip cut short or corrupt in the middle fails here, not in the assembly.
  const { stderr } = await runFfmpeg(["-v", "error", "-xerror", "-i", file, "-map", "0:v:0", "-f", "null", "-"], { raw: true, signal }).catch((e: unknown) => {
    if (signal.aborted) throw e;
    throw malformed(providerId, "video", "it does not decode", e);
  });
  if (stderr.trim()) throw malformed(providerId, "video", `decode errors: ${stderr.trim().split("\n").slice(-2).join(" ").slice(0, 200)}`);
  const d = Number(v.duration ?? p.durationSec);
  if (!Number.isFinite(d) || d <= 0) throw malformed(providerId, "video", "it has no duration");
  if (askedSec !== undefined) {
    const need = Math.min(askedSec * MIN_CLIP_FRACTION, MIN_CLIP_SEC);
    if (d < need) throw malformed(providerId, "video", `${d.toFixed(2)} s is far shorter than the ${askedSec} s asked (at least ${need.toFixed(1)} s needed)`);
  }
}

export interface VoiceMeasure {
  durationSec: number;
  sampleRate: number;
  voicedSec: number;
  /** Share of analysis frames whose spectral flatness is >= NOISE_FLATNESS. */
  noisyShare: number;
}

/** One decode: silencedetect for the voiced time, aspectralstats for flatness per frame. */
export async function measureVoice(file: string, signal: AbortSignal): Promise<VoiceMeasure> {
  const p = await probe(file, { signal });
  const a = p.streams.find((s) => s.codec_type === "audio");
  if (!a) throw new Error("no audio stream");
  const durationSec = p.durationSec ?? Number(a.duration ?? 0);
  const { stdout, stderr } = await runFfmpeg(
    ["-v", "info", "-nostats", "-i", file, "-map", "0:a:0", "-af", `${SILENCEDETECT},aspectralstats,ametadata=mode=print:key=lavfi.aspectralstats.1.flatness:file=-`, "-f", "null", "-"],
    { raw: true, signal },
  );
  // The same silence settings and parser as the providers' voiced span, so the check and the captions agree.
  const silent = parseSilencedetect(stderr, durationSec).reduce((sum, q) => sum + Math.max(0, q.end - q.start), 0);
  const flat = [...stdout.matchAll(/flatness=([\d.eE+-]+)/g)].map((m) => Number(m[1])).filter(Number.isFinite);
  return {
    durationSec,
    sampleRate: Number(a.sample_rate ?? 0),
    voicedSec: Math.max(0, durationSec - silent),
    noisyShare: flat.length ? flat.filter((f) => f >= NOISE_FLATNESS).length / flat.length : 0,
  };
}

async function checkVoice(providerId: string, file: string, expected: Expected, signal: AbortSignal) {
  let m: VoiceMeasure;
  try {
    m = await measureVoice(file, signal);
  } catch (e) {
    if (signal.aborted) throw e;
    throw malformed(providerId, "voiceover", "the audio does not decode", e);
  }
  if (m.sampleRate < MIN_SAMPLE_RATE) throw malformed(providerId, "voiceover", `sample rate ${m.sampleRate} Hz is below ${MIN_SAMPLE_RATE} Hz (wrong rate?)`);
  const needSec = expected.text ? wordCount(expected.text, expected.language) / WORDS_PER_SECOND : 0;
  if (m.voicedSec < 0.1) throw malformed(providerId, "voiceover", `no voiced span: ${m.durationSec.toFixed(2)} s of silence`);
  if (m.noisyShare >= NOISE_FRAME_SHARE) throw malformed(providerId, "voiceover", `it is noise, not speech (${Math.round(m.noisyShare * 100)}% of frames spectrally flat)`);
  if (needSec > 0 && m.voicedSec < needSec * MIN_VOICED_FRACTION) {
    throw malformed(providerId, "voiceover", `${m.voicedSec.toFixed(2)} s voiced, far less than the ~${needSec.toFixed(1)} s its text needs`);
  }
  if (needSec > 0 && m.durationSec > needSec * MAX_STRETCH + MAX_STRETCH_SLACK_SEC) {
    throw malformed(providerId, "voiceover", `${m.durationSec.toFixed(1)} s is far longer than the ~${needSec.toFixed(1)} s its text needs (wrong sample rate?)`);
  }
}

async function checkMusic(providerId: string, file: string, signal: AbortSignal) {
  let p;
  try {
    p = await probe(file, { signal });
  } catch (e) {
    if (signal.aborted) throw e;
    throw malformed(providerId, "music", "not an audio file (ffprobe could not open it)", e);
  }
  if (!p.streams.some((s) => s.codec_type === "audio")) throw malformed(providerId, "music", "no audio stream in it");
  if ((p.durationSec ?? 0) < 1) throw malformed(providerId, "music", `${(p.durationSec ?? 0).toFixed(2)} s long`);
}
