/**
 * What of a brief fits the chosen length, before anything is queued: the same estimate drives
 * the form's hint ("at 6 s: hook and CTA only"), the field errors of campaignInputSchema, the
 * template's sizing and the word budget asked of Gemini.
 *
 * Timeline of a finished ad (seconds): scenes (narration + a breath each), then the end card,
 * ending OUTPUT_MARGIN_SEC before the target. Spoken time is estimated per line as
 * `clipSec + secPerChar * characters` (characters after collapsing whitespace), per voice.
 */
import { norm, sentencesOf } from "~/plugins/shared/coverage";

/**
 * Speaking pace per campaign voice. Offline voices: ffmpeg's flite, measured 2026-12 on seven
 * ad lines of 7-106 characters (least squares of duration = clipSec + secPerChar * chars;
 * espeak-ng at 175 wpm is 5-10% quicker, so these bound it). Google voices: the fake Gemini
 * TTS (0.1 s + 55 ms per letter, pauses at punctuation) is slower than Gemini's ~15 characters/s,
 * so sizing to it leaves room with the real API too; its edge silence is trimmed by the timeline
 * fit (only ~0.15 s of pads stay), hence the small clipSec. Flite's clipSec is the regression's
 * intercept as measured, untrimmed: conservative.
 */
export const SPEAKING_PACE: Record<string, { secPerChar: number; clipSec: number }> = {
  slt: { secPerChar: 0.0556, clipSec: 0.45 },
  kal: { secPerChar: 0.0595, clipSec: 0.45 },
  awb: { secPerChar: 0.057, clipSec: 0.43 },
  rms: { secPerChar: 0.0648, clipSec: 0.48 },
  google: { secPerChar: 0.075, clipSec: 0.2 },
};

/** The finished video ends this much before the target (frame rounding, the last AAC frame). */
export const OUTPUT_MARGIN_SEC = 0.2;
/** The end card closing every ad: its length is a lever of the timeline fit. */
export const END_CARD_SEC = { min: 1.2, max: 3 } as const;
/** Shortest breath after a scene's narration. */
export const SCENE_GAP_SEC = 0.25;
/** Fastest the narration may be sped up to fit (ffmpeg atempo); past it the script is shortened. */
export const MAX_TEMPO = 1.12;

export type Pace = { secPerChar: number; clipSec: number };

export function paceOf(voice: string): Pace {
  return SPEAKING_PACE[voice] ?? SPEAKING_PACE.google!;
}

/** Estimated seconds to say `text` as one clip (without the breath after it). */
export function speakSec(text: string, pace: Pace): number {
  return pace.clipSec + pace.secPerChar * text.trim().replace(/\s+/g, " ").length;
}

/** Seconds the scenes' narration and breaths may take: the target minus the margin and the shortest end card. */
export function sceneBudgetSec(targetSeconds: number): number {
  return targetSeconds - OUTPUT_MARGIN_SEC - END_CARD_SEC.min;
}

export interface BriefFitInput {
  product: string;
  message: string;
  targetSeconds: number;
  voice: string;
  cta?: { text: string; url?: string | undefined } | undefined;
  mustSay?: string[];
}

export interface BriefFit {
  /** One line for the form: "At 6 s: hook and CTA only." */
  summary: string;
  /** Field errors keyed like zod paths ("cta.text", "mustSay.1"). */
  errors: Record<string, string>;
  /** Message sentences that fit after the required lines, and how many there are. */
  messageSentences: { fit: number; total: number };
}

const fmt = (s: number) => `${Math.max(0, s).toFixed(1)} s`;

/** The hook the estimate reserves for: the template's short hook (local-template SHORT_HOOK). */
export const hookEstimate = (product: string) => `Meet ${product}.`;

/** ScriptInput.timing for a campaign: its voice's pace and the scenes' budget. */
export function scriptTiming(targetSeconds: number, voice: string) {
  const pace = paceOf(voice);
  return { secPerChar: pace.secPerChar, clipSec: pace.clipSec, gapSec: SCENE_GAP_SEC, budgetSec: sceneBudgetSec(targetSeconds) };
}

export function briefFit(c: BriefFitInput): BriefFit {
  const pace = paceOf(c.voice);
  const scene = (text: string) => speakSec(text, pace) + SCENE_GAP_SEC;
  const budget = sceneBudgetSec(c.targetSeconds);
  let used = scene(hookEstimate(c.product));
  const errors: Record<string, string> = {};
  const at = `at ${c.targetSeconds} s`;
  // Without a CTA of their own the template writes a short one ("Try it today.", local-template SHORT_CTA).
  const cta = scene(c.cta?.text ?? "Try it today.");
  if (used + cta > budget && !c.cta) {
    errors.targetSeconds = `is too short for this product name and a call to action (about ${fmt(used + cta)} to say, ${fmt(budget)} available). Choose a longer length or a shorter product name.`;
  } else if (used + cta > budget) {
    errors["cta.text"] = `takes about ${fmt(cta)} to say; ${at} only ${fmt(budget - used)} is left after the hook and end card. Shorten it or choose a longer length.`;
  } else used += cta;
  const must = c.mustSay ?? [];
  let mustFit = 0;
  must.forEach((line, i) => {
    const need = scene(line);
    if (used + need > budget) {
      errors[`mustSay.${i}`] = `takes about ${fmt(need)} to say; ${at} only ${fmt(budget - used)} is left after the hook, CTA and the lines above. Shorten it, remove a line or choose a longer length.`;
    } else {
      used += need;
      mustFit++;
    }
  });
  const sentences = sentencesOf(c.message).filter((s) => !must.some((m) => norm(m).includes(norm(s)) || norm(s).includes(norm(m))));
  let fit = 0;
  for (const s of sentences) {
    const need = scene(s);
    if (used + need > budget) break;
    used += need;
    fit++;
  }
  const parts = ["hook", "CTA"];
  if (mustFit) parts.push(`${mustFit === must.length && mustFit > 1 ? "all " : ""}${mustFit} must-say line${mustFit > 1 ? "s" : ""}`);
  const extra = sentences.length === 0 ? "" : fit === 0 ? "none of the message" : fit === sentences.length ? `the whole message (${fit} sentence${fit > 1 ? "s" : ""})` : `${fit} of ${sentences.length} message sentences`;
  const summary =
    Object.keys(errors).length > 0
      ? `At ${c.targetSeconds} s not everything required fits: see the fields marked below.`
      : fit === 0 && mustFit === 0
        ? `At ${c.targetSeconds} s: hook and CTA only${sentences.length ? ` (the message does not fit)` : ""}.`
        : `At ${c.targetSeconds} s: ${parts.join(", ")}${extra ? ` and ${extra}` : ""}.`;
  return { summary, errors, messageSentences: { fit, total: sentences.length } };
}

