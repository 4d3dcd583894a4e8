/**
 * Automatic checks of every render (issue 9 point 8): `startRenderChecks(plan, input, opts)` when the assembly
 * starts, `finish(outPath)` when the video is encoded; the result is a QaReport (report.ts).
 *
 * Cost: what needs only the plan and its inputs runs while the video is being assembled, at low CPU priority so the
 * assembly keeps the cores it can use: the .ass drawn by libass at each event's midpoint (safe zone), font coverage
 * (glyphs), each photo's size (upscale), each voice clip's voiced time (voice). What needs the output is one decode
 * pass after the encode, video and audio filters together (duration, black, frozen, silence, loudness, true peak):
 * the only part a render waits for (`timingsMs.afterEncode`).
 *
 * Checks never fail a render: a measurement that throws becomes a failed check ("not measured").
 */
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeAssFile } from "../ass";
import { probe } from "../ffmpeg";
import { decideFraming } from "../framing";
import { type RenderPlan, type RenderPlanInput, outputSize, parseRenderPlan, sceneStarts } from "../plan";
import { safeRect } from "../safe-zone";
import { measureOutput } from "./measure-output";
import { findMissingGlyphs } from "../glyphs";
import { measureDrawnText } from "./measure-text";
import { measureVoiced } from "./measure-voice";
import {
  type GlyphGap,
  type NarrationSpan,
  type PhotoFraming,
  type QaCheck,
  type QaReport,
  blackCheck,
  buildReport,
  durationCheck,
  frozenCheck,
  glyphCheck,
  loudnessCheck,
  narrationSilenceCheck,
  notMeasured,
  safeZoneCheck,
  skipped,
  truePeakCheck,
  upscaleCheck,
  voiceCheck,
} from "./report";

export * from "./report";

export interface QaInput {
  /** The campaign's target length, seconds; null: not checked. */
  targetSec: number | null;
  /** Per plan scene, the narration its voice should speak ("" for a silent scene). */
  narration: string[];
  /** Extra fonts folder given to libass, if any. */
  fontsDir?: string | null;
}

export interface QaRun {
  /**
   * Measure the encoded video and return the report. `framing`: the renderer's own account of each photo's
   * enlargement when it gives one (it then replaces the estimate from the plan).
   */
  finish(outPath: string, extra?: { framing?: PhotoFraming[] }): Promise<QaReport>;
  /** Stop and clean up without a report (the render failed or was cancelled). */
  abandon(): Promise<void>;
}

/** Background ffmpeg runs at this nice value: they only take CPU time the assembly leaves idle. */
const BACKGROUND_NICE = 10;

/** Each photo's enlargement from the plan: cover scale to the output size times the motion's closest zoom. */
export async function planFraming(plan: RenderPlan, signal?: AbortSignal): Promise<PhotoFraming[]> {
  const size = outputSize(plan.output);
  const photos = plan.scenes.flatMap((s, i) => (s.visual.kind === "image" ? [{ i, v: s.visual }] : []));
  return Promise.all(
    photos.map(async ({ i, v }) => {
      const info = await probe(v.path, { signal });
      const st = info.streams.find((x) => x.codec_type === "video");
      const w = st?.width ?? 0;
      const h = st?.height ?? 0;
      if (!w || !h) throw new Error(`scene ${i + 1}: the photo has no size`);
      // The renderer's own decision (cover crop, or the whole photo at most 1.5x over a backdrop), not a cover crop.
      return { sceneIndex: i, sourceWidth: w, sourceHeight: h, upscale: decideFraming({ width: w, height: h }, v.framing, v.motion, size).upscale };
    }),
  );
}

/**
 * Every text the plan draws, as drawn (captions upper-cased when the style says so), with where it appears:
 * caption cues, scene headlines, the brand name and the end card's CTA and URL.
 */
export function screenTexts(plan: RenderPlan): { where: string; text: string }[] {
  const card = plan.endCard;
  return [
    ...plan.captions.cues.map((c) => ({ where: `caption at ${c.start.toFixed(1)} s`, text: plan.captions.style.uppercase ? c.text.toUpperCase() : c.text })),
    ...plan.scenes.flatMap((s, i) => (s.headline ? [{ where: `scene ${i + 1} headline`, text: s.headline }] : [])),
    ...(plan.brand.name ? [{ where: "brand name", text: plan.brand.name }] : []),
    ...(card ? [{ where: "end card", text: card.cta }, ...(card.url ? [{ where: "end card URL", text: card.url }] : [])] : []),
  ];
}

/** The scene whose slot contains `t` seconds. */
function sceneAt(starts: number[], t: number): number {
  let i = 0;
  while (i + 1 < starts.length - 1 && t >= starts[i + 1]! - 1e-6) i++;
  return i;
}

export function startRenderChecks(planInput: RenderPlanInput | RenderPlan, input: QaInput, opts: { workDir: string; signal?: AbortSignal }): QaRun {
  const plan = parseRenderPlan(planInput);
  const t0 = performance.now();
  const ac = new AbortController();
  const onAbort = () => ac.abort(opts.signal?.reason);
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const signal = ac.signal;
  const size = outputSize(plan.output);
  const dirP = mkdtemp(join(opts.workDir, "qa-"));
  const guard = (id: QaCheck["id"], p: Promise<QaCheck>) => p.catch((e: unknown) => notMeasured(id, e));

  // While the video is assembled: text boxes, glyphs, photos, voice clips.
  const safeZoneP = guard(
    "safe-zone",
    (async () => {
      if (plan.captions.cues.length === 0) return skipped("safe-zone", "no captions or overlays");
      const dir = await dirP;
      const assPath = join(dir, "captions.ass");
      await writeAssFile(assPath, plan.captions, size);
      const drawn = await measureDrawnText(assPath, size, { cwd: dir, fontsDir: input.fontsDir ?? null, signal, niceness: BACKGROUND_NICE });
      return safeZoneCheck(drawn, safeRect(size.width, size.height));
    })(),
  );
  const glyphsP = guard(
    "glyphs",
    (async () => {
      const texts = screenTexts(plan);
      if (texts.length === 0) return skipped("glyphs", "no text on screen");
      const gaps = new Map<string, GlyphGap>();
      for (const { where, text } of texts) {
        for (const m of await findMissingGlyphs(text)) {
          const g = gaps.get(m.grapheme) ?? { grapheme: m.grapheme, codePoints: m.codePoints, where: [] };
          g.where.push(where);
          gaps.set(m.grapheme, g);
        }
      }
      return glyphCheck([...gaps.values()]);
    })(),
  );
  const framingP = planFraming(plan, signal);
  framingP.catch(() => undefined);
  const starts = sceneStarts(plan);
  const cardStart = plan.endCard ? starts.at(-1)! : Infinity;
  const voicesP = Promise.all(
    plan.audio.voice.map(async (v) => {
      const m = await measureVoiced(v.path, { signal, niceness: BACKGROUND_NICE });
      return { sceneIndex: sceneAt(starts, v.startSec), start: v.startSec, end: v.startSec + m.durationSec, voicedSec: m.voicedSec };
    }),
  );
  voicesP.catch(() => undefined);
  const voiceP = guard(
    "voice",
    voicesP.then((voices) =>
      voiceCheck(
        plan.scenes.map((_, i) => {
          const mine = voices.filter((v) => v.sceneIndex === i);
          return { sceneIndex: i, narration: input.narration[i] ?? "", voicedSec: mine.length ? mine.reduce((a, v) => a + v.voicedSec, 0) : null };
        }),
      ),
    ),
  );

  let finished = false;
  const cleanup = async () => {
    opts.signal?.removeEventListener("abort", onAbort);
    await Promise.allSettled([safeZoneP, glyphsP, framingP, voicesP]);
    await rm(await dirP, { recursive: true, force: true });
  };

  return {
    async abandon() {
      if (finished) return;
      finished = true;
      ac.abort(new Error("render checks abandoned"));
      await cleanup();
    },
    async finish(outPath, extra) {
      finished = true;
      const t1 = performance.now();
      try {
        const outputP = dirP.then((dir) => measureOutput(outPath, dir, signal));
        outputP.catch(() => undefined);
        const fromOutput = outputP.then(
          (m): QaCheck[] => [
            input.targetSec === null ? skipped("duration", "no target length") : durationCheck(m.durationSec, input.targetSec),
            blackCheck(m.black),
            // The end card is meant to rest: stillness there is not a defect.
            frozenCheck(m.frozen.flatMap((f) => (f.start >= cardStart ? [] : [{ start: f.start, end: Math.min(f.end, cardStart) }]))),
            loudnessCheck(m.audio?.integratedLufs ?? null, plan.audio.targetLufs),
            truePeakCheck(m.audio?.truePeakDb ?? null, plan.audio.truePeakDb),
          ],
          (e: unknown): QaCheck[] => (["duration", "black-frames", "frozen-frames", "loudness", "true-peak"] as const).map((id) => notMeasured(id, e)),
        );
        const silenceP = guard(
          "narration-silence",
          Promise.all([outputP, voicesP]).then(([m, voices]) => {
            const spans: NarrationSpan[] = voices.map((v) => ({ sceneIndex: v.sceneIndex, start: v.start, end: v.end }));
            if (!m.audio && spans.length) throw new Error("the video has no audio track");
            return narrationSilenceCheck(spans, m.audio?.momentary ?? []);
          }),
        );
        const upscaleP = guard("upscale", (extra?.framing ? Promise.resolve(extra.framing) : framingP).then(upscaleCheck));
        const checks = [...(await fromOutput), ...(await Promise.all([silenceP, voiceP, safeZoneP, glyphsP, upscaleP]))];
        const now = performance.now();
        return buildReport(checks, { afterEncode: Math.round(now - t1), total: Math.round(now - t0) });
      } finally {
        await cleanup();
      }
    },
  };
}
