/**
 * The soundtrack: narration clips at their start times, music under them (ducked while someone speaks), fades at
 * both ends, then loudness-normalised for social platforms (about -14 LUFS integrated, true peak under -1 dBTP).
 *
 * Steps:
 * 1. mix    -> mix.f32 (float, 48 kHz stereo), measuring loudness in the same run with `ebur128` (`mixSoundtrack`);
 * 2. master -> a gain to `targetLufs` applied in JS when it keeps the true peak under the ceiling; a mix too peaky
 *    for that is measured by loudnorm's first pass and mastered by loudnorm, which limits (`masteringFilter`).
 */
import { type RenderAudio } from "./plan";
import { readFile, rm, writeFile } from "node:fs/promises";
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

/**
 * The summary the `ebur128` filter logs when it closes (integrated loudness and its gate, loudness range, true peak),
 * as loudnorm's measurement fields. ebur128 measures at the mix's own 48 kHz with a cheap 4x true-peak oversampler;
 * loudnorm's first pass resamples everything to 192 kHz (~0.4 s of CPU for 20 s of audio against ~0.03 s).
 */
export function parseEbur128Summary(stderr: string): LoudnessMeasurement | null {
  const at = stderr.lastIndexOf("Summary:");
  if (at < 0) return null;
  const text = stderr.slice(at);
  const field = (re: RegExp) => re.exec(text)?.[1] ?? null;
  const i = field(/Integrated loudness:\s+I:\s+(-?[\d.]+|-?inf) LUFS/);
  const thresh = field(/Integrated loudness:\s+I:[^\n]*\n\s+Threshold:\s+(-?[\d.]+|-?inf) LUFS/);
  const lra = field(/LRA:\s+(-?[\d.]+) LU/);
  const tp = field(/True peak:\s+Peak:\s+(-?[\d.]+|-?inf) dBFS/);
  if (i === null || tp === null) return null;
  return { input_i: i, input_tp: tp, input_lra: lra ?? "0", input_thresh: thresh ?? "-70", target_offset: "0" };
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

/** Sample layout of mixes handed between steps: 48 kHz stereo float, interleaved, no header. */
export const MIX_RATE = 48000;

/**
 * Bump when how a soundtrack is mixed, levelled, mastered or encoded changes (this file, or the AAC settings in
 * render/index.ts): encoded soundtracks are cached under a key that includes it, so old ones stop matching.
 */
export const SOUNDTRACK_RENDERER_VERSION = 1;
export const MIX_INPUT_ARGS = ["-f", "f32le", "-ar", String(MIX_RATE), "-ac", "2"] as const;

export interface SoundtrackMix {
  /** The mix before mastering (raw f32le, see MIX_INPUT_ARGS). */
  path: string;
  measured: LoudnessMeasurement | null;
  /** True when the mix is (near) silent, so no gain is applied. */
  silent: boolean;
  /** Filter chain that masters the mix (gain to the target, true-peak safe). */
  masterFilter: string;
  /** The plain gain in dB when that is all mastering takes (the usual case); null when peaks must be limited. */
  gainDb: number | null;
}

/** Headroom kept below the true-peak ceiling for the AAC encoder's overshoot. */
const AAC_MARGIN_DB = 0.5;

/** The gain that reaches the target if it keeps the true peak under the ceiling; null otherwise (or silent). */
export function masteringGain(audio: RenderAudio, measured: LoudnessMeasurement | null): number | null {
  const inputI = measured ? Number(measured.input_i) : NaN;
  if (!measured || !Number.isFinite(inputI) || inputI < -60) return 0;
  const gain = audio.targetLufs - inputI;
  const peak = Number(measured.input_tp);
  return Number.isFinite(peak) && peak + gain <= audio.truePeakDb - AAC_MARGIN_DB ? gain : null;
}

/**
 * The mastering chain for a measured mix: a plain gain when it keeps the true peak under the ceiling (what
 * loudnorm's linear mode would do, without its 192 kHz pass), else loudnorm with the measurements (it limits).
 */
export function masteringFilter(audio: RenderAudio, measured: LoudnessMeasurement | null): string {
  const gain = masteringGain(audio, measured);
  if (gain === 0 || !measured) return `${FMT}`;
  if (gain !== null) return `volume=${gain.toFixed(2)}dB,${FMT}`;
  // The gain would push peaks over the ceiling: loudnorm with the first pass's measurements, which then limits
  // (its dynamic mode). Less exact than a gain on short, very peaky mixes, but true-peak safe.
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
 * Mix the plan's audio into `mixPath` (raw f32le) and measure its loudness in the same run (ebur128); a mix too
 * peaky for a plain gain also gets loudnorm's first pass. Voice with music goes through `mixBed` (levelled bed).
 */
export async function mixSoundtrack(
  audio: RenderAudio,
  durationSec: number,
  mixPath: string,
  opts: { signal?: AbortSignal } = {},
): Promise<SoundtrackMix> {
  let measured: LoudnessMeasurement | null;
  if (audio.voice.length > 0 && audio.music) {
    measured = (await mixBed(audio, durationSec, mixPath, opts.signal)).measured;
  } else {
    const { inputs, graph } = buildMixGraph(audio, durationSec);
    graph.push(`[mix]aformat=sample_fmts=flt:sample_rates=${MIX_RATE}:channel_layouts=stereo,asplit=2[keep][meas]`);
    graph.push(`[meas]ebur128=peak=true:framelog=verbose[measured]`);
    const pass1 = await runFfmpeg(
      [
        ...inputs,
        "-filter_complex", graph.join(";"),
        "-map", "[keep]", "-c:a", "pcm_f32le", "-f", "f32le", mixPath,
        "-map", "[measured]", "-f", "null", "-",
      ],
      { signal: opts.signal, durationSec },
    );
    measured = parseEbur128Summary(pass1.stderr);
  }
  if (measured && masteringGain(audio, measured) === null) {
    // Too peaky for a plain gain: loudnorm limits, and its linear mode wants its own first pass's figures.
    const loudnorm = `loudnorm=I=${audio.targetLufs}:TP=${audio.truePeakDb}:LRA=11:print_format=json`;
    const pass = await runFfmpeg([...MIX_INPUT_ARGS, "-i", mixPath, "-af", `aresample=192000,${loudnorm}`, "-f", "null", "-"], {
      signal: opts.signal,
      durationSec,
    });
    measured = parseLoudnormJson(pass.stderr) ?? measured;
  }
  const inputI = measured ? Number(measured.input_i) : NaN;
  return {
    path: mixPath,
    measured,
    silent: !measured || !Number.isFinite(inputI) || inputI < -60,
    masterFilter: masteringFilter(audio, measured),
    gainDb: masteringGain(audio, measured),
  };
}

/**
 * The mastered soundtrack as raw f32le bytes: the gain applied here in JS when that is all it takes, else one
 * ffmpeg loudnorm pass. Fed to the assembly through a pipe, so the assembly can start before the mix is done.
 */
export async function masteredSamples(mix: SoundtrackMix, signal?: AbortSignal): Promise<Uint8Array> {
  if (mix.gainDb !== null) {
    const file = await readFile(mix.path);
    // Float32Array needs 4-byte alignment; a fresh copy starts at offset 0.
    const bytes = file.byteOffset % 4 === 0 ? file : new Uint8Array(file);
    const samples = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 4));
    if (mix.gainDb !== 0) {
      const g = Math.pow(10, mix.gainDb / 20);
      for (let i = 0; i < samples.length; i++) samples[i]! *= g;
    }
    return bytes;
  }
  const r = await runFfmpeg(
    ["-hide_banner", "-nostdin", "-loglevel", "error", ...MIX_INPUT_ARGS, "-i", mix.path, "-af", mix.masterFilter,
      "-f", "f32le", "-ar", String(MIX_RATE), "-ac", "2", "pipe:1"],
    { raw: true, binaryStdout: true, signal },
  );
  return r.stdoutBytes!;
}

// ---- the music bed --------------------------------------------------------------------------------------------

/**
 * Where the music sits against the voice, per campaign music level. `bedLu`: the music's loudness between lines,
 * in LU relative to the voice's integrated loudness; `duckDb`: how much further it dips while anyone speaks.
 *
 * Why these figures: broadcast practice keeps a music bed 15-20 dB under speech for intelligibility (commonly cited
 * mixing guidance; EBU R128 measures both sides in LU), so under speech the bed sits at -19 to -23 LU. Between lines
 * nothing competes with it, so it comes up to where it is clearly heard as music rather than a murmur: -8 LU
 * (medium) is a normal "music up between lines" step; -13 LU (low) suits talky ads; -5 LU (high) makes the music
 * a feature (still 5 LU under the voice, so the next line does not sound quieter than the music). Before this,
 * music sat ~18-22 LU under the voice everywhere and was barely audible between lines (issue 9).
 */
export const MUSIC_LEVELS = {
  low: { bedLu: -13, duckDb: 10 },
  medium: { bedLu: -8, duckDb: 12 },
  high: { bedLu: -5, duckDb: 14 },
} as const satisfies Record<NonNullable<RenderAudio["music"]>["level"], { bedLu: number; duckDb: number }>;

/** Music fades: in over the first second, out over the last 1.5 s (gentle, and within a 6 s bumper). */
export const MUSIC_FADE_IN_SEC = 1;
export const MUSIC_FADE_OUT_SEC = 1.5;

/** Voice activity: 10 ms blocks above (voice loudness - 25 dB) count as speech; gaps shorter than HOLD stay ducked. */
const BLOCK = MIX_RATE / 100;
const VAD_BELOW_DB = 25;
const HOLD_SEC = 0.5;
/** The duck starts this long before speech (we have the whole voice track: a look-ahead), and lifts this slowly. */
const ATTACK_SEC = 0.12;
const RELEASE_SEC = 0.45;

/** One measured stem: ffmpeg decodes, places and writes it as f32, and measures its loudness in the same run. */
async function stem(inputs: string[], graph: string[], label: string, path: string, durationSec: number, signal?: AbortSignal) {
  const g = [...graph, `[${label}]aformat=sample_fmts=flt:sample_rates=${MIX_RATE}:channel_layouts=stereo,asplit=2[keep][meas]`, "[meas]ebur128=peak=true[measured]"];
  const r = await runFfmpeg(
    [...inputs, "-filter_complex", g.join(";"), "-map", "[keep]", "-c:a", "pcm_f32le", "-f", "f32le", path, "-map", "[measured]", "-f", "null", "-"],
    { signal, durationSec },
  );
  const bytes = await readFile(path);
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  return { samples: new Float32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.length / 4)), measured: parseEbur128Summary(r.stderr) };
}

/**
 * Gain (linear) per 10 ms block of the music: 1 between lines, `duck` while the voice is active, with a look-ahead
 * attack and a slow release; short pauses inside a line stay ducked.
 */
export function duckEnvelope(voice: Float32Array, voiceLufs: number, duckDb: number): Float32Array {
  const blocks = Math.ceil(voice.length / 2 / BLOCK);
  const threshold = Math.pow(10, (voiceLufs - VAD_BELOW_DB) / 20);
  const active = new Uint8Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let sum = 0;
    const from = b * BLOCK * 2;
    const to = Math.min(voice.length, from + BLOCK * 2);
    for (let i = from; i < to; i++) sum += voice[i]! * voice[i]!;
    active[b] = Math.sqrt(sum / Math.max(1, to - from)) > threshold ? 1 : 0;
  }
  // Hold: fill gaps shorter than HOLD_SEC between active blocks.
  const hold = Math.round(HOLD_SEC * 100);
  let last = -Infinity;
  for (let b = 0; b < blocks; b++) {
    if (!active[b]) continue;
    if (b - last > 1 && b - last <= hold) for (let k = last + 1; k < b; k++) active[k] = 1;
    last = b;
  }
  const duck = Math.pow(10, -duckDb / 20);
  const env = new Float32Array(blocks);
  const attack = Math.round(ATTACK_SEC * 100);
  const release = Math.round(RELEASE_SEC * 100);
  // Depth 0..1 per block: 1 inside speech, ramps before (attack, look-ahead) and after (release).
  const depth = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    if (!active[b]) continue;
    depth[b] = 1;
  }
  const ramped = new Float32Array(depth);
  for (let b = 0; b < blocks; b++) {
    if (depth[b] !== 1) continue;
    for (let k = 1; k <= attack && b - k >= 0; k++) ramped[b - k] = Math.max(ramped[b - k]!, 1 - k / (attack + 1));
    for (let k = 1; k <= release && b + k < blocks; k++) ramped[b + k] = Math.max(ramped[b + k]!, 1 - k / (release + 1));
  }
  // Interpolate in dB so the dip sounds even.
  for (let b = 0; b < blocks; b++) env[b] = Math.pow(duck, ramped[b]!);
  return env;
}

/**
 * Voice over a levelled music bed, written to `mixPath` (f32le) and measured: the voice and the music are decoded
 * and measured as stems (two ffmpeg runs at once), the music is set `bedLu` under the voice and ducked `duckDb`
 * while anyone speaks (`duckEnvelope`), with gentle music fades; the mix is measured once more for mastering.
 */
export async function mixBed(audio: RenderAudio, durationSec: number, mixPath: string, signal?: AbortSignal): Promise<{ measured: LoudnessMeasurement | null; musicGainDb: number }> {
  const music = audio.music!;
  const d = durationSec.toFixed(6);
  const vInputs: string[] = [];
  const vGraph: string[] = [];
  audio.voice.forEach((v, i) => {
    vInputs.push("-i", v.path);
    vGraph.push(`[${i}:a:0]${FMT},adelay=delays=${Math.round(v.startSec * 1000)}:all=1[v${i}]`);
  });
  const labels = audio.voice.map((_, i) => `[v${i}]`).join("");
  vGraph.push(
    audio.voice.length > 1
      ? `${labels}amix=inputs=${audio.voice.length}:duration=longest:normalize=0,apad,atrim=end=${d}[voice]`
      : `${labels}apad,atrim=end=${d}[voice]`,
  );
  const [voice, bed] = await Promise.all([
    stem(vInputs, vGraph, "voice", `${mixPath}.voice`, durationSec, signal),
    stem(["-stream_loop", "-1", "-t", d, "-i", music.path], [`[0:a:0]${FMT},apad,atrim=end=${d}[music]`], "music", `${mixPath}.music`, durationSec, signal),
  ]);
  const voiceI = Number(voice.measured?.input_i);
  const musicI = Number(bed.measured?.input_i);
  const level = MUSIC_LEVELS[music.level];
  // Unmeasurable (silent) stems: fall back to the plan's fixed music gain.
  const musicGainDb = Number.isFinite(voiceI) && Number.isFinite(musicI) && voiceI > -70 && musicI > -70 ? voiceI + level.bedLu - musicI : music.gainDb;
  const env = Number.isFinite(voiceI) && voiceI > -70 ? duckEnvelope(voice.samples, voiceI, level.duckDb) : new Float32Array(1).fill(1);
  const g = Math.pow(10, musicGainDb / 20);
  const n = Math.min(voice.samples.length, bed.samples.length);
  const out = new Float32Array(voice.samples.length);
  const frames = n / 2;
  const fadeIn = Math.min(MUSIC_FADE_IN_SEC, durationSec / 4) * MIX_RATE;
  const fadeOut = Math.min(MUSIC_FADE_OUT_SEC, durationSec / 4) * MIX_RATE;
  const mixFade = Math.min(audio.fadeSec, durationSec / 4) * MIX_RATE;
  const total = voice.samples.length / 2;
  for (let f = 0; f < total; f++) {
    // Envelope: linear between block centres.
    const pos = f / BLOCK - 0.5;
    const b0 = Math.max(0, Math.min(env.length - 1, Math.floor(pos)));
    const b1 = Math.min(env.length - 1, b0 + 1);
    const t = Math.min(1, Math.max(0, pos - b0));
    let m = g * (env[b0]! * (1 - t) + env[b1]! * t);
    if (f < fadeIn) m *= f / fadeIn;
    if (f > total - fadeOut) m *= Math.max(0, (total - f) / fadeOut);
    let all = 1;
    if (f < mixFade) all = f / mixFade;
    if (f > total - mixFade) all = Math.max(0, (total - f) / mixFade);
    for (let c = 0; c < 2; c++) {
      const i = 2 * f + c;
      out[i] = all * (voice.samples[i]! + (f < frames ? m * bed.samples[i]! : 0));
    }
  }
  await writeFile(mixPath, new Uint8Array(out.buffer));
  await Promise.all([rm(`${mixPath}.voice`, { force: true }), rm(`${mixPath}.music`, { force: true })]);
  const r = await runFfmpeg([...MIX_INPUT_ARGS, "-i", mixPath, "-af", "ebur128=peak=true", "-f", "null", "-"], { signal, durationSec });
  return { measured: parseEbur128Summary(r.stderr), musicGainDb };
}
