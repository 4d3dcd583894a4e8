/**
 * The soundtrack: narration clips at their start times, music under them (ducked while someone speaks), fades at
 * both ends, then loudness-normalised for social platforms with a two-pass `loudnorm`.
 *
 * Steps:
 * 1. mix    -> mix.wav (float, 48 kHz stereo), measuring loudness in the same run (`mixSoundtrack`);
 * 2. master -> inside the assembly run, a gain to `targetLufs` keeping the true peak under the ceiling
 *    (`masteringFilter`): no extra pass over the audio.
 */
import { type RenderAudio } from "./plan";
import { runFfmpeg } from "./ffmpeg";

const FMT = "aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo";

/** Filter graph + inputs mixing the plan's audio into `[mix]` of exactly `durationSec`. */
export function buildMixGraph(audio: RenderAudio, durationSec: number): { inputs: string[]; graph: string[] } {
  const d = durationSec.toFixed(6);
  const inputs: string[] = [];
  const graph: string[] = [];
  audio.voice.forEach((v, i) => {
    inputs.push("-i", v.path);
    const ms = Math.round(v.startSec * 1000);
    graph.push(`[${i}:a:0]${FMT},adelay=delays=${ms}:all=1[v${i}]`);
  });
  const hasVoice = audio.voice.length > 0;
  if (hasVoice) {
    const labels = audio.voice.map((_, i) => `[v${i}]`).join("");
    graph.push(
      audio.voice.length > 1
        ? `${labels}amix=inputs=${audio.voice.length}:duration=longest:normalize=0,apad,atrim=end=${d}[voice]`
        : `${labels}apad,atrim=end=${d}[voice]`,
    );
  }
  if (audio.music) {
    const mi = audio.voice.length;
    inputs.push("-stream_loop", "-1", "-t", d, "-i", audio.music.path);
    graph.push(`[${mi}:a:0]${FMT},volume=${audio.music.gainDb}dB,apad,atrim=end=${d}[music]`);
  }
  const fade = Math.min(audio.fadeSec, durationSec / 4);
  const fades =
    fade > 0 ? `,afade=t=in:st=0:d=${fade.toFixed(3)},afade=t=out:st=${(durationSec - fade).toFixed(6)}:d=${fade.toFixed(3)}` : "";
  if (hasVoice && audio.music) {
    // Music dips ~while the voice is present; the voice itself is not compressed.
    graph.push("[voice]asplit=2[vkey][vmix]");
    graph.push("[music][vkey]sidechaincompress=threshold=0.02:ratio=8:attack=20:release=350:makeup=1[ducked]");
    graph.push(`[ducked][vmix]amix=inputs=2:duration=first:normalize=0${fades}[mix]`);
  } else if (hasVoice) {
    graph.push(`[voice]anull${fades}[mix]`);
  } else if (audio.music) {
    graph.push(`[music]anull${fades}[mix]`);
  } else {
    graph.push(`anullsrc=r=48000:cl=stereo,atrim=end=${d}[mix]`);
  }
  return { inputs, graph };
}

export interface LoudnessMeasurement {
  input_i: string;
  input_tp: string;
  input_lra: string;
  input_thresh: string;
  target_offset: string;
}

/** Pull loudnorm's JSON summary out of ffmpeg's stderr. */
export function parseLoudnormJson(stderr: string): LoudnessMeasurement | null {
  const start = stderr.lastIndexOf("{");
  const end = stderr.lastIndexOf("}");
  if (start < 0 || end < start) return null;
  try {
    const j = JSON.parse(stderr.slice(start, end + 1)) as Partial<LoudnessMeasurement>;
    if (j.input_i === undefined || j.input_tp === undefined) return null;
    return j as LoudnessMeasurement;
  } catch {
    return null;
  }
}

export interface SoundtrackMix {
  /** The mix before mastering (WAV, float). */
  path: string;
  measured: LoudnessMeasurement | null;
  /** True when the mix is (near) silent, so no gain is applied. */
  silent: boolean;
  /** Filter chain that masters `path` (gain to the target, true-peak safe), for the assembly's audio input. */
  masterFilter: string;
}

/** Headroom kept below the true-peak ceiling for the AAC encoder's overshoot. */
const AAC_MARGIN_DB = 0.5;

/**
 * The mastering chain for a measured mix: a plain gain when it keeps the true peak under the ceiling (what
 * loudnorm's linear mode would do, without its 192 kHz pass), else loudnorm with the measurements (it then limits).
 */
export function masteringFilter(audio: RenderAudio, measured: LoudnessMeasurement | null): string {
  const inputI = measured ? Number(measured.input_i) : NaN;
  if (!measured || !Number.isFinite(inputI) || inputI < -60) return `${FMT}`;
  const gain = audio.targetLufs - inputI;
  const peak = Number(measured.input_tp);
  if (Number.isFinite(peak) && peak + gain <= audio.truePeakDb - AAC_MARGIN_DB) {
    return `volume=${gain.toFixed(2)}dB,${FMT}`;
  }
  return (
    [
      `loudnorm=I=${audio.targetLufs}:TP=${audio.truePeakDb - AAC_MARGIN_DB}:LRA=11`,
      `measured_I=${measured.input_i}:measured_TP=${measured.input_tp}`,
      `measured_LRA=${measured.input_lra}:measured_thresh=${measured.input_thresh}`,
      `offset=${measured.target_offset}:linear=true:print_format=none`,
    ].join(":") + `,${FMT}`
  );
}

/**
 * Mix the plan's audio into `mixPath` and measure its loudness in the same run (first loudnorm pass).
 * The assembly applies `masterFilter` to the mix (second pass) while it encodes the AAC track.
 */
export async function mixSoundtrack(
  audio: RenderAudio,
  durationSec: number,
  mixPath: string,
  opts: { signal?: AbortSignal } = {},
): Promise<SoundtrackMix> {
  const { inputs, graph } = buildMixGraph(audio, durationSec);
  const loudnorm = `loudnorm=I=${audio.targetLufs}:TP=${audio.truePeakDb}:LRA=11:print_format=json`;
  graph.push("[mix]asplit=2[keep][meas]");
  graph.push(`[meas]${loudnorm}[measured]`);
  const pass1 = await runFfmpeg(
    [
      ...inputs,
      "-filter_complex", graph.join(";"),
      "-map", "[keep]", "-c:a", "pcm_f32le", "-f", "wav", mixPath,
      "-map", "[measured]", "-f", "null", "-",
    ],
    { signal: opts.signal, durationSec },
  );
  const measured = parseLoudnormJson(pass1.stderr);
  const inputI = measured ? Number(measured.input_i) : NaN;
  return {
    path: mixPath,
    measured,
    silent: !measured || !Number.isFinite(inputI) || inputI < -60,
    masterFilter: masteringFilter(audio, measured),
  };
}
