/**
 * One decode pass over a finished video for every check that needs its pixels or its sound: black and frozen
 * stretches (blackdetect, freezedetect on a quarter-size copy: the detectors need no detail, and scaling first makes
 * them ~16x cheaper than at 1080x1920), and the soundtrack's loudness (ebur128 with true peak: integrated loudness,
 * true peak, and the momentary loudness every 100 ms for the narration checks). The decoder dominates the cost.
 *
 * The filters write their per-frame results with `metadata=print` into files in `dir` (names fixed here, run with
 * `cwd: dir`, so no path enters the filter graph); the ebur128 summary comes from stderr.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEbur128Summary } from "../audio";
import { probe, runFfmpeg } from "../ffmpeg";
import { FROZEN_MIN_S, type Span } from "./report";

export interface OutputMeasurement {
  /** ffprobe's container duration, seconds. */
  durationSec: number;
  black: Span[];
  frozen: Span[];
  /** Null when the file has no audio stream. */
  audio: {
    /** LUFS; -Infinity for digital silence. */
    integratedLufs: number;
    /** dBTP; -Infinity for digital silence. */
    truePeakDb: number;
    /** Momentary loudness (LUFS) of the 400 ms ending at `t` seconds, every 100 ms. */
    momentary: { t: number; lufs: number }[];
  } | null;
}

const VIDEO_FILE = "qa-video.txt";
const AUDIO_FILE = "qa-audio.txt";

/** The ffmpeg arguments of the pass (exported for tests and the benchmark). */
export function outputPassArgs(input: string, hasAudio: boolean): string[] {
  const video = [
    "[0:v:0]scale=w=trunc(iw/8)*2:h=trunc(ih/8)*2:flags=fast_bilinear",
    // d=0: report every black run; the check applies its own minimum (report.ts).
    "blackdetect=d=0:pix_th=0.10:pic_th=0.98",
    `freezedetect=n=-60dB:d=${FROZEN_MIN_S}`,
    `metadata=mode=print:file=${VIDEO_FILE}[qv]`,
  ].join(",");
  const audio = `[0:a:0]ebur128=peak=true:metadata=1:framelog=verbose,ametadata=mode=print:key=lavfi.r128.M:file=${AUDIO_FILE}[qa]`;
  return [
    "-hide_banner", "-nostdin", "-loglevel", "info", "-nostats",
    "-i", input,
    "-filter_complex", hasAudio ? `${video};${audio}` : video,
    "-map", "[qv]", ...(hasAudio ? ["-map", "[qa]"] : []),
    "-f", "null", "-",
  ];
}

/** `frame:N pts:P pts_time:T` blocks of `metadata=print` -> [time, key=value lines]. */
export function parseMetadataPrint(text: string): { t: number; values: Map<string, string> }[] {
  const out: { t: number; values: Map<string, string> }[] = [];
  for (const line of text.split("\n")) {
    const head = /^frame:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[\d.e+-]+)/.exec(line);
    if (head) {
      out.push({ t: Number(head[1]), values: new Map() });
      continue;
    }
    const kv = /^([\w.]+)=(.*)$/.exec(line.trim());
    if (kv && out.length) out.at(-1)!.values.set(kv[1]!, kv[2]!);
  }
  return out;
}

/** Black and frozen spans from the video metadata; a span still open at the end closes at `endSec`. */
export function videoSpans(frames: ReturnType<typeof parseMetadataPrint>, endSec: number): { black: Span[]; frozen: Span[] } {
  const black: Span[] = [];
  const frozen: Span[] = [];
  let blackStart: number | null = null;
  let freezeStart: number | null = null;
  for (const f of frames) {
    // Starts before ends: freezedetect marks a run's start once it has lasted `d`, so a run of exactly `d` carries
    // its start and its end on the same frame. (No frame can end one run and start the next.)
    const bs = f.values.get("lavfi.black_start");
    const be = f.values.get("lavfi.black_end");
    if (bs !== undefined) blackStart = Number(bs);
    if (be !== undefined && blackStart !== null) {
      black.push({ start: blackStart, end: Number(be) });
      blackStart = null;
    }
    const fs = f.values.get("lavfi.freezedetect.freeze_start");
    const fe = f.values.get("lavfi.freezedetect.freeze_end");
    if (fs !== undefined) freezeStart = Number(fs);
    if (fe !== undefined && freezeStart !== null) {
      frozen.push({ start: freezeStart, end: Number(fe) });
      freezeStart = null;
    }
  }
  if (blackStart !== null) black.push({ start: blackStart, end: endSec });
  if (freezeStart !== null) frozen.push({ start: freezeStart, end: endSec });
  return { black, frozen };
}

const lufsOf = (s: string) => (/inf/.test(s) ? -Infinity : Number(s));

/** Measure `path` (any file ffmpeg reads; in practice the render's MP4) in one decode pass. `dir`: a scratch folder. */
export async function measureOutput(path: string, dir: string, signal?: AbortSignal): Promise<OutputMeasurement> {
  const info = await probe(path, { signal });
  const hasAudio = info.streams.some((s) => s.codec_type === "audio");
  if (!info.streams.some((s) => s.codec_type === "video")) throw new Error("the output has no video stream");
  const durationSec = info.durationSec ?? 0;
  const r = await runFfmpeg(outputPassArgs(path, hasAudio), { raw: true, signal, cwd: dir });
  const video = parseMetadataPrint(await readFile(join(dir, VIDEO_FILE), "utf8").catch(() => ""));
  const { black, frozen } = videoSpans(video, durationSec);
  let audio: OutputMeasurement["audio"] = null;
  if (hasAudio) {
    const summary = parseEbur128Summary(r.stderr);
    if (!summary) throw new Error("ebur128 printed no summary");
    const momentary = parseMetadataPrint(await readFile(join(dir, AUDIO_FILE), "utf8").catch(() => "")).flatMap((f) => {
      const m = f.values.get("lavfi.r128.M");
      return m === undefined ? [] : [{ t: f.t, lufs: lufsOf(m) }];
    });
    audio = { integratedLufs: lufsOf(summary.input_i), truePeakDb: lufsOf(summary.input_tp), momentary };
  }
  return { durationSec, black, frozen, audio };
}
