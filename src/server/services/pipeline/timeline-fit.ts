/**
 * Fits the finished ad to the campaign's length once the voiceover exists: the video is never
 * longer than the target and at most OUTPUT_MARGIN_SEC + one frame shorter. Pure: numbers in,
 * numbers out.
 *
 * Levers, in order:
 * 1. each clip is trimmed to its voiced span (the voices' own edge silence goes);
 * 2. too short: holds (a pause before and after each line) and a longer end card;
 * 3. too long: the narration is sped up, at most MAX_TEMPO (ffmpeg atempo keeps the pitch);
 * 4. still too long: optional scenes (not the hook, a must-say line or the call to action) are
 *    dropped, longest first: the script is shortened before assembly, and the notes say so;
 * 5. still too long: the breaths shrink to MIN_GAP_SEC and the end card to END_CARD_FLOOR_SEC.
 * Past that the brief was refused before queueing (src/shared/brief-fit), so it throws.
 */
import { END_CARD_SEC, MAX_TEMPO, OUTPUT_MARGIN_SEC, SCENE_GAP_SEC } from "~/shared/brief-fit";

/** Shortest a scene may last (a transition needs room on both sides). */
export const MIN_SCENE_SEC = 1.2;
/** Breath after a line when nothing else fits. */
export const MIN_GAP_SEC = 0.12;
/** Shortest end card when nothing else fits. */
export const END_CARD_FLOOR_SEC = 0.8;
/** Silence kept before a line's first word and after its last. */
export const PAD_BEFORE_SEC = 0.05;
export const PAD_AFTER_SEC = 0.1;
/** Of spare time, the share that goes to the end card (up to END_CARD_SEC.max); the rest are holds. */
const END_CARD_SHARE = 0.4;

export interface FitScene {
  /** The voiceover clip: its length and the span that is voiced (first word start, last word end). Absent: no voice. */
  voice?: { durationSec: number; voicedStartSec: number; voicedEndSec: number };
  /** The script's own estimate, used when there is no voice. */
  estimateSec: number;
  /** Hook, must-say line or call to action: never dropped. */
  required: boolean;
}

export interface FittedScene {
  /** Index in the script. */
  index: number;
  durationSec: number;
  /** Where the clip starts inside the scene, seconds. */
  voiceOffsetSec: number;
  /** The part of the clip that plays, seconds of the clip (before the tempo change). */
  trimStartSec: number;
  trimEndSec: number;
}

export interface TimelineFit {
  /** Video length: scenes + end card, whole frames. */
  totalSec: number;
  endCardSec: number;
  /** Speed of every clip (1 = as spoken). */
  tempo: number;
  scenes: FittedScene[];
  /** Script indices of dropped scenes. */
  dropped: number[];
  /** What was changed to fit, for the render's record. */
  notes: string[];
}

export class TimelineFitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TimelineFitError";
  }
}

const floorFrames = (sec: number, fps: number) => Math.floor(sec * fps + 1e-6) / fps;

export function fitTimeline(input: { targetSec: number; fps: number; scenes: FitScene[] }): TimelineFit {
  const { targetSec, fps } = input;
  const totalSec = floorFrames(targetSec - OUTPUT_MARGIN_SEC, fps);
  const spans = input.scenes.map((s, index) => {
    if (!s.voice || s.voice.durationSec <= 0) return { index, start: 0, end: 0, speech: 0, s };
    const start = Math.max(0, Math.min(s.voice.voicedStartSec - PAD_BEFORE_SEC, s.voice.durationSec));
    const end = Math.min(s.voice.durationSec, Math.max(start, s.voice.voicedEndSec + PAD_AFTER_SEC));
    return { index, start, end, speech: end - start, s };
  });
  const notes: string[] = [];
  const dropped: number[] = [];
  let kept = spans;
  // Seconds the kept scenes need at this tempo and breath (a scene without a voice needs only MIN_SCENE_SEC).
  const need = (tempo: number, gap: number) => kept.reduce((a, k) => a + Math.max(MIN_SCENE_SEC, k.speech > 0 ? k.speech / tempo + gap : 0), 0);
  const room = (endCard: number) => totalSec - endCard;
  /** Slowest tempo in [1, MAX_TEMPO] that fits, or null. */
  const tempoFor = (gap: number, endCard: number): number | null => {
    if (need(1, gap) <= room(endCard)) return 1;
    if (need(MAX_TEMPO, gap) > room(endCard)) return null;
    let lo = 1;
    let hi = MAX_TEMPO;
    for (let i = 0; i < 30; i++) {
      const mid = (lo + hi) / 2;
      if (need(mid, gap) <= room(endCard)) hi = mid;
      else lo = mid;
    }
    return hi;
  };

  let gap = SCENE_GAP_SEC;
  let endMin: number = END_CARD_SEC.min;
  let tempo = tempoFor(gap, endMin);
  while (tempo === null) {
    const optional = kept.filter((k) => !k.s.required && kept.length > 1);
    if (optional.length) {
      const cut = optional.reduce((a, b) => (b.speech > a.speech ? b : a));
      kept = kept.filter((k) => k !== cut);
      dropped.push(cut.index);
      notes.push(`scene ${cut.index + 1} dropped: the narration did not fit ${targetSec} s`);
    } else if (gap > MIN_GAP_SEC || endMin > END_CARD_FLOOR_SEC) {
      gap = MIN_GAP_SEC;
      endMin = END_CARD_FLOOR_SEC;
      notes.push(`shortest breaths (${MIN_GAP_SEC} s) and end card (${END_CARD_FLOOR_SEC} s)`);
    } else {
      throw new TimelineFitError(
        `The narration takes ${need(MAX_TEMPO, gap).toFixed(1)} s even at ${MAX_TEMPO}x and without optional scenes; a ${targetSec} s ad has ${room(endMin).toFixed(1)} s for it. Shorten the must-say lines or the call to action, or choose a longer length.`,
      );
    }
    tempo = tempoFor(gap, endMin);
  }
  if (tempo > 1.0005) notes.push(`narration sped up ${tempo.toFixed(3)}x`);
  else tempo = 1;

  // Spare time: part to the end card, the rest as holds split evenly between the scenes.
  const spare = Math.max(0, room(endMin) - need(tempo, gap));
  const endCardSec = endMin + Math.min(END_CARD_SEC.max - endMin, spare * END_CARD_SHARE);
  const hold = (spare - (endCardSec - endMin)) / kept.length;

  // Scene lengths in whole frames; the end card takes what is left so the total is exact.
  let t = 0;
  const scenes: FittedScene[] = kept.map((k) => {
    const base = Math.max(MIN_SCENE_SEC, k.speech > 0 ? k.speech / tempo + gap : 0);
    const durationSec = floorFrames(base + hold, fps);
    const lead = k.speech > 0 ? Math.min(0.25, Math.max(0, durationSec - k.speech / tempo - gap) / 3) : 0;
    t += durationSec;
    return { index: k.index, durationSec, voiceOffsetSec: lead, trimStartSec: k.start, trimEndSec: k.end };
  });
  const endCard = Math.round((totalSec - t) * fps) / fps;
  return { totalSec, endCardSec: endCard, tempo, scenes, dropped, notes };
}
