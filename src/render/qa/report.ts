/**
 * The render's QA report: what each automatic check measured on the finished video, and its verdict.
 *
 * Glossary
 * - check: one question asked of every render ("is it the length the marketer bought?"), with an id, a verdict and
 *   a one-line summary a marketer can read; `details` lists the offending scenes, cues or characters.
 * - verdict: `passed`; `failed` (the render is still delivered, "succeeded with warnings", and the check is listed);
 *   `skipped` (nothing to check, e.g. no photo in the plan).
 * - warning: a failed check. A measurement that could not be made is a failed check too ("not measured: ..."): an
 *   unchecked render must not look clean.
 *
 * The functions here are pure: measurements in, verdicts out. The measurements come from measure-*.ts; every
 * threshold is a named constant below with its unit and the reason for its value.
 */
import { z } from "zod";

export const QA_CHECK_IDS = [
  "duration",
  "black-frames",
  "frozen-frames",
  "narration-silence",
  "voice",
  "loudness",
  "true-peak",
  "safe-zone",
  "upscale",
  "glyphs",
] as const;
export type QaCheckId = (typeof QA_CHECK_IDS)[number];

/** Marketer-facing names, one per check (the render page, the CLI). */
export const QA_CHECK_TITLES: { [id in QaCheckId]: string } = {
  duration: "Length vs target",
  "black-frames": "Black frames",
  "frozen-frames": "Frozen frames",
  "narration-silence": "Silence during narration",
  voice: "Voice in every scene",
  loudness: "Loudness",
  "true-peak": "True peak",
  "safe-zone": "Text inside the safe zone",
  upscale: "Photo sharpness (upscale)",
  glyphs: "Characters no font can draw",
};

export const QaVerdictSchema = z.enum(["passed", "failed", "skipped"]);
export type QaVerdict = z.infer<typeof QaVerdictSchema>;

export const QaCheckSchema = z.object({
  id: z.enum(QA_CHECK_IDS),
  verdict: QaVerdictSchema,
  /** One line, e.g. "24.4 s for a 20 s target (4.4 s over)". */
  summary: z.string(),
  /** The offending items, one line each (at most MAX_DETAILS). */
  details: z.array(z.string()).default([]),
  /** The measured figures, for the API (units in the key: `_s`, `_lufs`, `_dbtp`, `_px`, `x`). */
  measured: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).default({}),
});
export type QaCheck = z.infer<typeof QaCheckSchema>;

/** What is stored on the render (`Render.qa`) and sent in the API and webhooks. */
export const QaReportSchema = z.object({
  version: z.literal(1),
  /** Failed checks. 0 = every check passed or was skipped. */
  warnings: z.number().int().min(0),
  checks: z.array(QaCheckSchema),
  /** Wall time of the checks after the video was encoded (the part a render waits for), and in all. */
  timingsMs: z.object({ afterEncode: z.number(), total: z.number() }),
});
export type QaReport = z.infer<typeof QaReportSchema>;

/** Reads a stored report (a JSON column); null when absent or from an unknown version. */
export function parseQaReport(json: unknown): QaReport | null {
  const r = QaReportSchema.safeParse(json);
  return r.success ? r.data : null;
}

const MAX_DETAILS = 12;

/** A time span on the output timeline, in seconds. */
export interface Span {
  start: number;
  end: number;
}

const fmt = (s: number) => `${s.toFixed(1)} s`;
const at = (sp: Span) => `${sp.start.toFixed(1)}-${sp.end.toFixed(1)} s`;

function check(id: QaCheckId, failed: boolean, summary: string, details: string[] = [], measured: QaCheck["measured"] = {}): QaCheck {
  return { id, verdict: failed ? "failed" : "passed", summary, details: details.slice(0, MAX_DETAILS), measured };
}

export function skipped(id: QaCheckId, summary: string): QaCheck {
  return { id, verdict: "skipped", summary, details: [], measured: {} };
}

/** A check whose measurement failed: listed as a warning, never as a pass. */
export function notMeasured(id: QaCheckId, error: unknown): QaCheck {
  const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
  return { id, verdict: "failed", summary: `not measured: ${message.slice(0, 200)}`, details: [], measured: {} };
}

export function buildReport(checks: QaCheck[], timingsMs: QaReport["timingsMs"]): QaReport {
  const order = (c: QaCheck) => QA_CHECK_IDS.indexOf(c.id);
  const sorted = [...checks].sort((a, b) => order(a) - order(b));
  return { version: 1, warnings: sorted.filter((c) => c.verdict === "failed").length, checks: sorted, timingsMs };
}

// ---------------------------------------------------------------------------------------------------------------
// Duration

/**
 * Ad slots are maxima: a 6 s bumper must not run 6.5 s (issue 9). The video may end at most this much before the
 * target (seconds).
 */
export const DURATION_UNDER_TOLERANCE_S = 0.5;
/**
 * Slack over the target (seconds) for container rounding only: the MP4's duration is its longest stream, and the
 * AAC track may end up to one AAC frame (1024 samples, 21 ms at 48 kHz) after the last video frame.
 */
export const DURATION_OVER_TOLERANCE_S = 0.05;

/** `actualSec`: ffprobe's container duration of the output; `targetSec`: the campaign's target length. */
export function durationCheck(actualSec: number, targetSec: number): QaCheck {
  const diff = actualSec - targetSec;
  const over = diff > DURATION_OVER_TOLERANCE_S;
  const under = diff < -DURATION_UNDER_TOLERANCE_S;
  const summary = over
    ? `${fmt(actualSec)} for a ${fmt(targetSec)} target (${fmt(diff)} over)`
    : under
      ? `${fmt(actualSec)} for a ${fmt(targetSec)} target (${fmt(-diff)} short)`
      : `${fmt(actualSec)} for a ${fmt(targetSec)} target`;
  return check("duration", over || under, summary, [], { actual_s: round(actualSec, 3), target_s: targetSec });
}

// ---------------------------------------------------------------------------------------------------------------
// Black and frozen frames

/**
 * Black for at least this long (seconds) is a defect: a flash or a cut is a few frames, half a second of black reads
 * as a broken video. Frames count as black by blackdetect's defaults (98% of pixels darker than 10% of the luma
 * range), so a dark photo is not black.
 */
export const BLACK_MIN_S = 0.5;
/**
 * Still for at least this long (seconds) is a defect. Every scene moves (Ken Burns, clips, animated text); an end card
 * may rest for about two seconds, so the threshold sits above that. "Still" is freezedetect's test: mean difference
 * to the first frame of the run under -60 dB (0.1% of the range), measured on a quarter-size copy.
 */
export const FROZEN_MIN_S = 3;

export function blackCheck(spans: Span[]): QaCheck {
  const bad = spans.filter((s) => s.end - s.start >= BLACK_MIN_S - 1e-6);
  const total = bad.reduce((a, s) => a + s.end - s.start, 0);
  return check(
    "black-frames",
    bad.length > 0,
    bad.length ? `${bad.length} black stretch${bad.length > 1 ? "es" : ""} (${fmt(total)} in all)` : "no black stretch",
    bad.map((s) => `black at ${at(s)}`),
    { black_s: round(total, 2) },
  );
}

export function frozenCheck(spans: Span[]): QaCheck {
  const bad = spans.filter((s) => s.end - s.start >= FROZEN_MIN_S - 1e-6);
  const total = bad.reduce((a, s) => a + s.end - s.start, 0);
  return check(
    "frozen-frames",
    bad.length > 0,
    bad.length ? `${bad.length} frozen stretch${bad.length > 1 ? "es" : ""} (${fmt(total)} in all)` : `no still stretch of ${FROZEN_MIN_S} s or more`,
    bad.map((s) => `no motion at ${at(s)}`),
    { frozen_s: round(total, 2) },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Narration: silence in the output, voice in every scene

/**
 * Momentary loudness (EBU R128, 400 ms window) under this (LUFS) is silence. The master is at -14 LUFS and speech
 * pauses with a music bed stay far above; digital silence measures about -120 and AAC's noise floor under -70.
 */
export const SILENCE_LUFS = -45;
/** Silence this long (seconds) inside a narration span is a defect (longer than a sentence pause, ~0.3-0.8 s). */
export const SILENCE_MIN_S = 1;
/** A voice clip's first and last seconds may be silent (the voices' own edge silence): not checked. */
export const NARRATION_EDGE_S = 0.25;

/** A narration span of scene `sceneIndex`: where its voice clip plays on the output timeline. */
export interface NarrationSpan extends Span {
  sceneIndex: number;
}

/**
 * `momentary`: the output's momentary loudness every 100 ms (`t` = end of the window, seconds). Fails when a run of
 * silence of SILENCE_MIN_S or more lies inside a narration span (its edges trimmed by NARRATION_EDGE_S).
 */
export function narrationSilenceCheck(narration: NarrationSpan[], momentary: { t: number; lufs: number }[]): QaCheck {
  if (narration.length === 0) return skipped("narration-silence", "no narration in this render");
  const details: string[] = [];
  let silentTotal = 0;
  for (const n of narration) {
    const from = n.start + NARRATION_EDGE_S;
    const to = n.end - NARRATION_EDGE_S;
    let runStart: number | null = null;
    const close = (end: number) => {
      if (runStart !== null && end - runStart >= SILENCE_MIN_S - 1e-6) {
        details.push(`scene ${n.sceneIndex + 1}: silent at ${at({ start: runStart, end })}`);
        silentTotal += end - runStart;
      }
      runStart = null;
    };
    for (const m of momentary) {
      // Each value covers the 400 ms before t; use its centre.
      const t = m.t - 0.2;
      if (t < from || t > to) continue;
      if (m.lufs < SILENCE_LUFS) runStart ??= t;
      else close(t);
    }
    close(to);
  }
  return check(
    "narration-silence",
    details.length > 0,
    details.length ? `${fmt(silentTotal)} of silence where narration should play` : "sound throughout the narration",
    details,
    { silent_s: round(silentTotal, 2) },
  );
}

/**
 * A 20 ms window is voiced when its RMS level is at least this (dBFS): TTS speech sits around -25..-15 dBFS RMS,
 * room tone and dither far under -50.
 */
export const VOICED_DBFS = -40;
/** Speaking rate used to estimate how long a narration needs: ~15 characters a second (a brisk ad read). */
export const CHARS_PER_SECOND = 15;
/**
 * A voice clip must be voiced for at least this share of the time its text needs (and VOICE_MIN_S): generous, so
 * a fast voice passes, while a silent clip, or 0.2 s for a sentence, fails.
 */
export const VOICED_MIN_SHARE = 0.25;
export const VOICE_MIN_S = 0.3;

export interface SceneVoice {
  sceneIndex: number;
  /** The narration the scene should speak (empty: a silent scene, not checked). */
  narration: string;
  /** Voiced seconds measured in its voice clip; null when the scene has no voice clip. */
  voicedSec: number | null;
}

/** Seconds a narration needs at CHARS_PER_SECOND (grapheme count, so emoji and combining marks count once). */
export function expectedSpeechSec(text: string): number {
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text.trim())].length;
  return graphemes / CHARS_PER_SECOND;
}

export function voiceCheck(scenes: SceneVoice[]): QaCheck {
  const expected = scenes.filter((s) => s.narration.trim().length > 0);
  if (expected.length === 0) return skipped("voice", "no scene has narration");
  const details: string[] = [];
  for (const s of expected) {
    const need = Math.max(VOICE_MIN_S, VOICED_MIN_SHARE * expectedSpeechSec(s.narration));
    if (s.voicedSec === null) details.push(`scene ${s.sceneIndex + 1}: no voiceover`);
    else if (s.voicedSec < need) details.push(`scene ${s.sceneIndex + 1}: ${fmt(s.voicedSec)} of speech, at least ${fmt(need)} expected`);
  }
  return check(
    "voice",
    details.length > 0,
    details.length ? `${details.length} of ${expected.length} scenes without audible speech` : `speech in all ${expected.length} narrated scenes`,
    details,
    { scenes_without_voice: details.length },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Loudness and true peak

/**
 * Integrated loudness may differ from the plan's target by this much (LU): EBU R128's tolerance for programmes
 * (±1 LU); TikTok, Reels and YouTube normalise playback anyway, so a larger miss only costs headroom or punch.
 */
export const LOUDNESS_TOLERANCE_LU = 1;
/**
 * True peak may exceed the plan's ceiling by this much (dB): AAC at 160 kb/s rebuilds peaks a few tenths of a dB above
 * the PCM master it was given (codec overshoot); beyond this the master itself is too hot.
 */
export const TRUE_PEAK_TOLERANCE_DB = 0.5;

/** `integratedLufs`: ebur128's integrated loudness of the output's audio; null = no audio stream. -Infinity = silence. */
export function loudnessCheck(integratedLufs: number | null, targetLufs: number): QaCheck {
  if (integratedLufs === null) return check("loudness", true, "the video has no audio track", [], { target_lufs: targetLufs });
  if (!Number.isFinite(integratedLufs)) return check("loudness", true, "the soundtrack is silent", [], { integrated_lufs: null, target_lufs: targetLufs });
  const off = integratedLufs - targetLufs;
  return check(
    "loudness",
    Math.abs(off) > LOUDNESS_TOLERANCE_LU,
    `${integratedLufs.toFixed(1)} LUFS (target ${targetLufs} LUFS${Math.abs(off) > LOUDNESS_TOLERANCE_LU ? `, ${Math.abs(off).toFixed(1)} LU ${off > 0 ? "too loud" : "too quiet"}` : ""})`,
    [],
    { integrated_lufs: round(integratedLufs, 1), target_lufs: targetLufs },
  );
}

/** `truePeakDb`: ebur128's true peak (4x oversampled) of the output's audio, dBTP. */
export function truePeakCheck(truePeakDb: number | null, ceilingDb: number): QaCheck {
  if (truePeakDb === null) return skipped("true-peak", "no audio track");
  if (!Number.isFinite(truePeakDb)) return check("true-peak", false, "silent soundtrack: no peak", [], { true_peak_dbtp: null, ceiling_dbtp: ceilingDb });
  const over = truePeakDb > ceilingDb + TRUE_PEAK_TOLERANCE_DB;
  return check(
    "true-peak",
    over,
    `${truePeakDb.toFixed(1)} dBTP (ceiling ${ceilingDb} dBTP${over ? `, ${(truePeakDb - ceilingDb).toFixed(1)} dB over: may distort on phones` : ""})`,
    [],
    { true_peak_dbtp: round(truePeakDb, 2), ceiling_dbtp: ceilingDb },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Text in the safe zone

/** Slack (output pixels) for anti-aliased edges and rounding; anything further out is cut by a platform's UI. */
export const SAFE_ZONE_TOLERANCE_PX = 2;

/** What libass drew at one moment: the lit pixels' bounding box (output pixels), null when nothing was drawn. */
export interface DrawnText {
  /** Seconds on the output timeline (an event's midpoint). */
  t: number;
  /** The text shown then (for the report). */
  text: string;
  box: { x: number; y: number; w: number; h: number } | null;
}

export function safeZoneCheck(drawn: DrawnText[], zone: { x: number; y: number; w: number; h: number }): QaCheck {
  if (drawn.length === 0) return skipped("safe-zone", "no captions or overlays");
  const tol = SAFE_ZONE_TOLERANCE_PX;
  const outside = drawn.filter(
    (d) =>
      d.box !== null &&
      (d.box.x < zone.x - tol || d.box.y < zone.y - tol || d.box.x + d.box.w > zone.x + zone.w + tol || d.box.y + d.box.h > zone.y + zone.h + tol),
  );
  const sides = (b: NonNullable<DrawnText["box"]>) =>
    [
      b.x < zone.x - tol ? `${zone.x - b.x} px past the left` : null,
      b.x + b.w > zone.x + zone.w + tol ? `${b.x + b.w - zone.x - zone.w} px past the right` : null,
      b.y < zone.y - tol ? `${zone.y - b.y} px above` : null,
      b.y + b.h > zone.y + zone.h + tol ? `${b.y + b.h - zone.y - zone.h} px below` : null,
    ]
      .filter(Boolean)
      .join(", ");
  return check(
    "safe-zone",
    outside.length > 0,
    outside.length ? `${outside.length} of ${drawn.length} text events leave the safe zone` : `all ${drawn.length} text events inside the safe zone`,
    outside.map((d) => `“${clip(d.text, 40)}” at ${d.t.toFixed(1)} s: ${sides(d.box!)}`),
    { events: drawn.length, outside: outside.length, zone: `${zone.x},${zone.y} ${zone.w}x${zone.h}` },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Photo upscale

/**
 * A photo enlarged more than this (output pixels per source pixel, at the motion's closest zoom) looks soft on a
 * phone (issue 9: "upscaled more than 1.5x").
 */
export const MAX_UPSCALE = 1.5;

export interface PhotoFraming {
  sceneIndex: number;
  sourceWidth: number;
  sourceHeight: number;
  /** Output pixels per source pixel at the closest zoom. */
  upscale: number;
}

export function upscaleCheck(photos: PhotoFraming[]): QaCheck {
  if (photos.length === 0) return skipped("upscale", "no photos in this render");
  const bad = photos.filter((p) => p.upscale > MAX_UPSCALE + 1e-9);
  const worst = Math.max(...photos.map((p) => p.upscale));
  return check(
    "upscale",
    bad.length > 0,
    bad.length ? `${bad.length} photo${bad.length > 1 ? "s" : ""} enlarged beyond ${MAX_UPSCALE}x (up to ${worst.toFixed(1)}x): soft on a phone` : `every photo at ${worst.toFixed(2)}x or less`,
    bad.map((p) => `scene ${p.sceneIndex + 1}: ${p.sourceWidth}x${p.sourceHeight} photo enlarged ${p.upscale.toFixed(2)}x`),
    { max_upscale_x: round(worst, 2) },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Glyphs

/** A character (grapheme) no installed font can draw, with its code points and where it appears. */
export interface GlyphGap {
  grapheme: string;
  /** e.g. ["U+1F989"] */
  codePoints: string[];
  /** e.g. ["caption at 3.2 s", "end card"] */
  where: string[];
}

export function glyphCheck(gaps: GlyphGap[]): QaCheck {
  return check(
    "glyphs",
    gaps.length > 0,
    gaps.length
      ? `${gaps.length} character${gaps.length > 1 ? "s" : ""} drawn as empty boxes: ${gaps.map((g) => `${g.grapheme} (${g.codePoints.join(" ")})`).join(", ")}`
      : "every character has a font",
    gaps.map((g) => `${g.grapheme} ${g.codePoints.join(" ")} in ${g.where.slice(0, 3).join(", ")}${g.where.length > 3 ? ` and ${g.where.length - 3} more` : ""}`),
    { missing: gaps.length },
  );
}

function round(n: number, digits: number) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function clip(s: string, n: number) {
  const chars = [...s];
  return chars.length > n ? `${chars.slice(0, n - 1).join("")}…` : s;
}
