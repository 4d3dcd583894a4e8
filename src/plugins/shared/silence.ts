/** Measures the voiced span of an audio file with ffmpeg's silencedetect (one fast decode pass). */
import { runFfmpeg } from "./process";
import { SILENCEDETECT } from "./silencedetect";
import { type VoicedSpan, voicedSpanFromSilencedetect } from "./word-timings";

export async function detectVoicedSpan(ffmpegPath: string, file: string, durationSec: number, signal: AbortSignal): Promise<VoicedSpan> {
  const { stderr } = await runFfmpeg(ffmpegPath, ["-i", file, "-af", SILENCEDETECT, "-f", "null", "-"], { signal });
  return voicedSpanFromSilencedetect(stderr, durationSec);
}
