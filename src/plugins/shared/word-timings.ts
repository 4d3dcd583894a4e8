/**
 * Estimated word timings for captions when a voice engine gives none:
 * apportion the voiced span (audio minus leading/trailing silence) by
 * character count, with extra weight for the pause after punctuation.
 */
import { type WordTiming } from "../spec";
import { parseSilencedetect } from "./silencedetect";

/** Pause after a word ending in , ; : or . ! ? counts as this many characters. */
const COMMA_PAUSE_CHARS = 3;
const STOP_PAUSE_CHARS = 6;

export function estimateWordTimings(text: string, voicedStartSec: number, voicedEndSec: number): WordTiming[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0 || voicedEndSec <= voicedStartSec) return [];
  const spoken = words.map((w) => Math.max(1, w.replace(/[^\p{L}\p{N}]/gu, "").length));
  const pauses: number[] = words.map((w, i) => {
    if (i === words.length - 1) return 0;
    if (/[.!?]["')\]]*$/.test(w)) return STOP_PAUSE_CHARS;
    if (/[,;:]["')\]]*$/.test(w)) return COMMA_PAUSE_CHARS;
    return 1; // the space itself
  });
  const total = spoken.reduce((a, b) => a + b, 0) + pauses.reduce((a, b) => a + b, 0);
  const secPerChar = (voicedEndSec - voicedStartSec) / total;
  const round = (s: number) => Math.round(s * 1000) / 1000;
  let cursor = voicedStartSec;
  return words.map((text, i) => {
    const start = cursor;
    const end = start + spoken[i]! * secPerChar;
    cursor = end + pauses[i]! * secPerChar;
    return { text, start: round(start), end: round(end) };
  });
}

export interface VoicedSpan {
  startSec: number;
  endSec: number;
}

/**
 * Reads ffmpeg `silencedetect` log lines (parseSilencedetect) and returns the
 * span between the leading and the trailing silence, in seconds. Falls back to
 * the whole file when that span is under 0.1 s.
 */
export function voicedSpanFromSilencedetect(stderr: string, durationSec: number): VoicedSpan {
  const events = parseSilencedetect(stderr, durationSec);
  let startSec = 0;
  let endSec = durationSec;
  const first = events[0];
  if (first && first.start <= 0.05) startSec = first.end;
  const last = events[events.length - 1];
  if (last && last.end >= durationSec - 0.05 && last.start > startSec) endSec = last.start;
  if (endSec - startSec < 0.1) return { startSec: 0, endSec: durationSec };
  return { startSec, endSec };
}
