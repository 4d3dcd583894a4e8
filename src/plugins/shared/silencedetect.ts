/**
 * ffmpeg's `silencedetect` filter: the settings every voice measurement uses, and the one parser of its log.
 * Users: the providers' voiced span (word-timings.ts, silence.ts, local-voice) and the voiceover check
 * (server/services/pipeline/asset-checks.ts). Pure: no ffmpeg here.
 */

/** The filter and its settings: silence is audio below -45 dB for at least 0.12 s. */
export const SILENCEDETECT = "silencedetect=n=-45dB:d=0.12";

/** One silent interval, in seconds from the start of the file. */
export interface Silence {
  start: number;
  end: number;
}

/**
 * Reads silencedetect's `silence_start: S` / `silence_end: E` log lines (ffmpeg's stderr at `-v info`) and returns
 * the silent intervals in order. A start before 0 (the filter reports the window it looked back over) counts
 * from 0; a silence still open at the end of the log ends at `durationSec` (s); an end with no start is ignored.
 * Never throws: a log without such lines gives [].
 */
export function parseSilencedetect(stderr: string, durationSec: number): Silence[] {
  const silences: Silence[] = [];
  let open: number | undefined;
  for (const line of stderr.split("\n")) {
    const s = /silence_start: (-?[\d.]+)/.exec(line);
    if (s) open = Math.max(0, Number(s[1]));
    const e = /silence_end: ([\d.]+)/.exec(line);
    if (e && open !== undefined) {
      silences.push({ start: open, end: Number(e[1]) });
      open = undefined;
    }
  }
  if (open !== undefined) silences.push({ start: open, end: durationSec });
  return silences;
}
