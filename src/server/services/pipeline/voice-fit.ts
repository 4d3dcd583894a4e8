/**
 * The voiceover side of the timeline fit: each clip cut to its voiced span and sped up as the
 * fit says (one short ffmpeg run per clip; atempo keeps the pitch).
 */
import { runFfmpeg } from "~/render/ffmpeg";
import { type FittedScene } from "./timeline-fit";

/** Writes `dst`: the clip's [trimStart, trimEnd) at the scene's tempo (48 kHz mono PCM). Returns `dst`. */
export async function fitVoiceClip(src: string, dst: string, f: FittedScene, signal: AbortSignal): Promise<string> {
  const { tempo } = f;
  const args = ["-ss", f.trimStartSec.toFixed(4), "-t", (f.trimEndSec - f.trimStartSec).toFixed(4), "-i", src];
  const filter = tempo === 1 ? "anull" : `atempo=${tempo.toFixed(5)}`;
  await runFfmpeg([...args, "-af", filter, "-ac", "1", "-ar", "48000", "-c:a", "pcm_s16le", dst], { signal });
  return dst;
}
