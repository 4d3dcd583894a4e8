/**
 * Voiced time of a voice clip: the clip decoded to 16 kHz mono float (ffmpeg), then cut into 20 ms windows whose RMS
 * level is compared with VOICED_DBFS. Measured on the voiceover itself, not the mix: under a music bed an empty
 * voiceover still leaves sound in the output, so only the clip can tell that a scene has no speech.
 */
import { runFfmpeg } from "../ffmpeg";
import { VOICED_DBFS } from "./report";

const RATE = 16000;
const WINDOW_S = 0.02;

/** Seconds of `samples` (mono, -1..1, at `rate` Hz) in windows of WINDOW_S at or above `thresholdDbfs` RMS. */
export function voicedSeconds(samples: Float32Array, rate: number, thresholdDbfs = VOICED_DBFS): number {
  const n = Math.max(1, Math.round(rate * WINDOW_S));
  const min = 10 ** (thresholdDbfs / 20);
  let voiced = 0;
  for (let i = 0; i + n <= samples.length; i += n) {
    let sum = 0;
    for (let j = i; j < i + n; j++) sum += samples[j]! * samples[j]!;
    if (Math.sqrt(sum / n) >= min) voiced++;
  }
  return voiced * WINDOW_S;
}

/** Length and voiced seconds of an audio file (first audio stream). `niceness`: run ffmpeg at that nice value. */
export async function measureVoiced(path: string, opts: { signal?: AbortSignal; niceness?: number } = {}): Promise<{ durationSec: number; voicedSec: number }> {
  const r = await runFfmpeg(
    ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", path, "-map", "0:a:0", "-ac", "1", "-ar", String(RATE), "-f", "f32le", "pipe:1"],
    { raw: true, binaryStdout: true, signal: opts.signal, niceness: opts.niceness },
  );
  const bytes = r.stdoutBytes ?? Buffer.alloc(0);
  const copy = new Uint8Array(bytes.byteLength - (bytes.byteLength % 4));
  copy.set(bytes.subarray(0, copy.byteLength));
  const samples = new Float32Array(copy.buffer);
  return { durationSec: samples.length / RATE, voicedSec: voicedSeconds(samples, RATE) };
}
