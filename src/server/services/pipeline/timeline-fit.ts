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
 *
 * Stable scenes (issue 13: variants reuse segments). The hook (first) and, with 3 or more scenes, the call to
 * action (last) are "flexible": the other scenes are laid out as if the flexible scenes had a canonical line (the
 * mean voiced span of the others), so their lengths, voice trims and tempo depend only on their
 * own voices and the target, never on what the hook or the CTA says. Each flexible scene then gets its own line's
 * length plus that layout's hold, within its share of the end card's slack, and the end card takes what is left.
 * A batch variant with another hook (or CTA) therefore re-encodes only the hook (or CTA) scene, its transition and
 * the end card (the scenes after the hook only move on the timeline: plan-builder times captions so that they keep
 * their frames). Only when that cannot
 * meet the target (the end card out of its bounds, or a flexible line too long for its room even sped up as much
 * as spreading would speed every line up) are the holds and the tempo spread over every scene as above.
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
/**
 * Of the end card's slack in the stable layout, the share the hook may take (the CTA gets the rest): batch variants
 * change the hook; the CTA changes only when the campaign is edited.
 */
const HOOK_SHARE = 0.75;

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
  /** Speed of this scene's clip (1 = as spoken; a flexible scene may be faster than the rest). */
  tempo: number;
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
  /** The highest speed of any clip (1 = as spoken); each scene's own is `scenes[k].tempo`. */
  tempo: number;
  /** "stable": the scenes between hook and CTA are laid out independently of them; "spread": over every scene. */
  layout: "stable" | "spread";
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

interface Span {
  index: number;
  start: number;
  end: number;
  speech: number;
  s: FitScene;
}

/** The clip's voiced span plus the pads, seconds of the clip (0..0 without a voice). */
function spanOf(s: FitScene, index: number): Span {
  if (!s.voice || s.voice.durationSec <= 0) return { index, start: 0, end: 0, speech: 0, s };
  const start = Math.max(0, Math.min(s.voice.voicedStartSec - PAD_BEFORE_SEC, s.voice.durationSec));
  const end = Math.min(s.voice.durationSec, Math.max(start, s.voice.voicedEndSec + PAD_AFTER_SEC));
  return { index, start, end, speech: end - start, s };
}

/** A scene's length before holds: its line at `tempo` plus the breath, at least MIN_SCENE_SEC. */
const baseSec = (speech: number, tempo: number, gap: number) => Math.max(MIN_SCENE_SEC, speech > 0 ? speech / tempo + gap : 0);

/** The lead before a line: a third of the scene's hold, at most 0.25 s. */
const leadSec = (durationSec: number, speech: number, tempo: number, gap: number) =>
  speech > 0 ? Math.min(0.25, Math.max(0, durationSec - speech / tempo - gap) / 3) : 0;

interface Spread {
  tempo: number;
  gap: number;
  endMin: number;
  hold: number;
  kept: Span[];
  dropped: number[];
  notes: string[];
}

/** Levers 2-5 over every scene: one tempo, one breath, holds split evenly. Throws TimelineFitError past them. */
function spreadFit(spans: Span[], totalSec: number, targetSec: number): Spread {
  const notes: string[] = [];
  const dropped: number[] = [];
  let kept = spans;
  // Seconds the kept scenes need at this tempo and breath (a scene without a voice needs only MIN_SCENE_SEC).
  const need = (tempo: number, gap: number) => kept.reduce((a, k) => a + baseSec(k.speech, tempo, gap), 0);
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
  if (tempo <= 1.0005) tempo = 1;

  // Spare time: part to the end card, the rest as holds split evenly between the scenes.
  const spare = Math.max(0, room(endMin) - need(tempo, gap));
  const endCardSec = endMin + Math.min(END_CARD_SEC.max - endMin, spare * END_CARD_SHARE);
  const hold = (spare - (endCardSec - endMin)) / kept.length;
  return { tempo, gap, endMin, hold, kept, dropped, notes };
}

/** Scenes of a spread fit in whole frames; the end card takes what is left so the total is exact. */
function spreadScenes(f: Spread, totalSec: number, fps: number): { scenes: FittedScene[]; endCardSec: number } {
  let t = 0;
  const scenes = f.kept.map((k): FittedScene => {
    const durationSec = floorFrames(baseSec(k.speech, f.tempo, f.gap) + f.hold, fps);
    t += durationSec;
    return { index: k.index, tempo: f.tempo, durationSec, voiceOffsetSec: leadSec(durationSec, k.speech, f.tempo, f.gap), trimStartSec: k.start, trimEndSec: k.end };
  });
  return { scenes, endCardSec: Math.round((totalSec - t) * fps) / fps };
}

/**
 * The stable layout (see the file's comment), or null when it cannot meet the target. `spans` are every scene's,
 * the first and last are the flexible ones.
 */
function stableFit(spans: Span[], totalSec: number, targetSec: number, fps: number, maxTempo: number): { scenes: FittedScene[]; endCardSec: number } | null {
  const n = spans.length;
  if (n < 2) return null;
  // Flexible: the hook and, with 3+ scenes, the CTA (with two, the CTA is the scene kept).
  const flex = n >= 3 ? [0, n - 1] : [0];
  const shareOf = (i: number) => (flex.length === 1 ? 1 : i === 0 ? HOOK_SHARE : 1 - HOOK_SHARE);
  const kept = spans.filter((_, i) => !flex.includes(i));
  const canon = kept.reduce((a, k) => a + k.speech, 0) / kept.length;
  const flexibleAt = (k: Span): Span => ({ ...k, speech: canon, s: { ...k.s, required: true } });
  let c: Spread;
  try {
    c = spreadFit(spans.map((k, i) => (flex.includes(i) ? flexibleAt(k) : k)), totalSec, targetSec);
  } catch {
    return null;
  }
  // A layout that had to drop scenes or shorten the breaths is no layout to keep: spread over the real lines.
  if (c.dropped.length || c.gap !== SCENE_GAP_SEC) return null;
  const laid = spreadScenes(c, totalSec, fps).scenes;
  const fixedSec = laid.reduce((a, s, i) => a + (flex.includes(i) ? 0 : s.durationSec), 0);
  // The end card's slack in the canonical layout, shared out in advance (HOOK_SHARE to the hook, the rest to the
  // CTA): each flexible scene may be up to its share shorter or longer than the slot a canonical line had, so the
  // end card stays within its bounds whatever the other flexible scene does, and each flexible scene's length
  // depends on its own line only. (The spread layout's end card may pass END_CARD_SEC.max by its frame roundings.)
  const slotSec = laid[0]!.durationSec;
  const canonEnd = totalSec - fixedSec - flex.length * slotSec;
  const endLo = Math.min(END_CARD_SEC.min, canonEnd);
  const endHi = Math.max(END_CARD_SEC.max, canonEnd);
  const bounds = (share: number) => ({
    lo: slotSec - Math.max(0, (endHi - canonEnd) * share - 1 / fps),
    hi: slotSec + Math.max(0, (canonEnd - endLo) * share - 1 / fps),
  });
  /** A flexible scene in whole frames: its line and the layout's hold, within its share's bounds. */
  const flexible = (k: Span, share: number): FittedScene | null => {
    const down = (sec: number) => Math.floor(sec * fps + 1e-6);
    const up = (sec: number) => Math.ceil(sec * fps - 1e-6);
    const lo = up(bounds(share).lo);
    const hi = down(bounds(share).hi);
    if (hi < lo) return null;
    let tempo = c.tempo;
    // Too long for the slot even without a hold: this scene alone is sped up, at most `top`.
    const top = Math.max(tempo, maxTempo);
    if (up(baseSec(k.speech, tempo, c.gap)) > hi) {
      if (up(baseSec(k.speech, top, c.gap)) > hi) return null;
      let slow = tempo;
      let fast = top;
      for (let i = 0; i < 30; i++) {
        const mid = (slow + fast) / 2;
        if (up(baseSec(k.speech, mid, c.gap)) <= hi) fast = mid;
        else slow = mid;
      }
      tempo = fast;
    }
    const base = baseSec(k.speech, tempo, c.gap);
    const frames = Math.min(hi, Math.max(lo, up(base), down(base + c.hold)));
    const durationSec = frames / fps;
    return { index: k.index, tempo, durationSec, voiceOffsetSec: leadSec(durationSec, k.speech, tempo, c.gap), trimStartSec: k.start, trimEndSec: k.end };
  };
  const scenes: FittedScene[] = [];
  for (let i = 0; i < n; i++) {
    const f = flex.includes(i) ? flexible(spans[i]!, shareOf(i)) : laid[i]!;
    if (!f) return null;
    scenes.push(f);
  }
  const endCardSec = Math.round((totalSec - scenes.reduce((a, s) => a + s.durationSec, 0)) * fps) / fps;
  if (endCardSec < endLo - 1e-6 || endCardSec > endHi + 1e-6) return null;
  return { scenes, endCardSec };
}

export function fitTimeline(input: { targetSec: number; fps: number; scenes: FitScene[] }): TimelineFit {
  const { targetSec, fps } = input;
  const totalSec = floorFrames(targetSec - OUTPUT_MARGIN_SEC, fps);
  const spans = input.scenes.map(spanOf);
  let spread: Spread | null = null;
  let failed: unknown = null;
  try {
    spread = spreadFit(spans, totalSec, targetSec);
  } catch (e) {
    failed = e;
  }
  // A flexible scene is never sped up more than spreading would speed every scene up.
  const stable = spread ? stableFit(spans, totalSec, targetSec, fps, spread.tempo) : null;
  if (stable) {
    const tempo = Math.max(...stable.scenes.map((s) => s.tempo));
    const notes = tempo > 1 ? [`narration sped up ${tempo.toFixed(3)}x`] : [];
    return { totalSec, endCardSec: stable.endCardSec, tempo, layout: "stable", scenes: stable.scenes, dropped: [], notes };
  }
  if (!spread) throw failed;
  const { scenes, endCardSec } = spreadScenes(spread, totalSec, fps);
  const notes = spread.tempo > 1 ? [...spread.notes, `narration sped up ${spread.tempo.toFixed(3)}x`] : spread.notes;
  return { totalSec, endCardSec, tempo: spread.tempo, layout: "spread", scenes, dropped: spread.dropped, notes };
}
