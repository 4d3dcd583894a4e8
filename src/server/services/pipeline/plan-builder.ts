/**
 * Campaign + generated assets -> the render engine's plan. Pure: no database, no files.
 *
 * Timeline: ./timeline-fit decides each scene's length, where its line starts, the narration's
 * tempo and the end card's length, so the video fits the campaign's target; caption cues are
 * the narration's words in groups of at most WORDS_PER_CUE, timed by the voice's word timings.
 */
import { type RenderPlanInput } from "~/render/plan";
import { type OverlayBox } from "~/render/overlays";
import { seedFrom } from "~/render/design";
import { midFrameBefore } from "~/render/timeline";
import { type Script, type WordTiming } from "~/plugins/spec/schemas";
import { directionOf } from "~/shared/languages";
import { type RenderSettings } from "../renders";
import { type PlanBrand } from "./brand-plan";
import { requiredScenes, sceneSec } from "~/plugins/shared/coverage";
import { endCardCta } from "~/plugins/shared/headline";
import { scriptInput } from "./inputs";
import { type FitScene, fitTimeline, type TimelineFit } from "./timeline-fit";

const untrimmed = (f: TimelineFit): TimelineFit => ({ ...f, tempo: 1, scenes: f.scenes.map((s) => ({ ...s, tempo: 1, trimStartSec: 0 })) });

export const WORDS_PER_CUE = 4;

export interface SceneAssets {
  voice?: { path: string; durationSec: number; words?: WordTiming[] };
  still?: { path: string };
  clip?: { path: string };
  /**
   * The uploaded photo itself (not the provider's 9:16 cover of it) with its focal point, 0..1 of the photo:
   * the engine frames it (focal-point crop, or whole over a blurred backdrop) instead of a blind cover crop.
   */
  photo?: { path: string; focusX: number; focusY: number };
  /**
   * The still is the offline card's designed background (no photo, no image provider): the scene becomes a motion
   * background in the brand colours drawn by the assembly (gradient drift, moving shapes, grain), not a still.
   */
  design?: boolean;
}

const MOTIONS = ["zoom-in", "pan-right", "zoom-out", "pan-up", "pan-left", "zoom-in", "pan-down"] as const;
const TRANSITIONS = [
  { kind: "flash", durationSec: 0.3 },
  { kind: "crossfade", durationSec: 0.5 },
  { kind: "slide", durationSec: 0.4 },
  { kind: "crossfade", durationSec: 0.5 },
] as const;

/** What ./timeline-fit needs to know of each scene: its voice's voiced span, its estimate, whether it may be dropped. */
export function fitScenes(script: Script, assets: SceneAssets[], settings: RenderSettings): FitScene[] {
  const input = scriptInput(settings);
  const required = requiredScenes(script, { ...input.campaign, callToAction: input.campaign.callToAction ?? script.callToAction });
  return script.scenes.map((sc, i) => {
    const v = assets[i]?.voice;
    const words = v?.words ?? [];
    return {
      estimateSec: sceneSec(sc.narration, input.timing!),
      required: required[i]!,
      ...(v && v.durationSec > 0
        ? { voice: { durationSec: v.durationSec, voicedStartSec: words[0]?.start ?? 0, voicedEndSec: words.at(-1)?.end ?? v.durationSec } }
        : {}),
    };
  });
}

/** The brand on screen from what a campaign has today: its colour (a darker shade as the second), the product name. */
export function brandOf(color: string, name: string): NonNullable<RenderPlanInput["brand"]> {
  const rgb = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  // White text on a dark second shade, unless the colour is light (relative luminance, sRGB weights): then dark
  // text on a lighter second shade, so text reads on both plates.
  const light = (0.2126 * rgb[0]! + 0.7152 * rgb[1]! + 0.0722 * rgb[2]!) / 255 > 0.62;
  const second = rgb.map((v) => Math.round(light ? v + (255 - v) * 0.6 : v * 0.3));
  const secondary = `#${second.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
  return { name: name.slice(0, 80), colors: { primary: color, secondary, text: light ? "#111111" : "#ffffff" } };
}

/** Words with no timings share the narration's span by character count. */
function wordsOf(text: string, words: WordTiming[] | undefined, durationSec: number): WordTiming[] {
  if (words?.length) return words;
  const toks = text.split(/\s+/).filter(Boolean);
  const chars = toks.reduce((a, t) => a + t.length + 1, 0) || 1;
  let t = 0;
  return toks.map((w) => {
    const d = (durationSec * (w.length + 1)) / chars;
    const out = { text: w, start: t, end: t + d };
    t += d;
    return out;
  });
}

/** The plan's music bed for the file at `path`: the campaign's music level, -16 dB when there is no voice. */
export function musicTrack(settings: RenderSettings, path: string): { path: string; gainDb: number; level: "low" | "medium" | "high" } {
  const level = (settings.campaign as { musicLevel?: "low" | "medium" | "high" }).musicLevel ?? "medium";
  return { path, gainDb: -16, level };
}

/**
 * The plan on the fitted timeline (./timeline-fit): the kept scenes at their fitted lengths,
 * then the end card. Each kept scene's `voice.path` must already be its clip trimmed and sped
 * up as `fit` says (assemble does it); word timings are of the original clip and are mapped.
 */
export function buildPlan(input: { settings: RenderSettings; script: Script; scenes: SceneAssets[]; fit?: TimelineFit; music?: { path: string }; brand?: PlanBrand }): RenderPlanInput {
  const { settings, script } = input;
  // Without a fit (callers that only lay out text), one is made here; the clips are then not trimmed.
  const fit = input.fit ?? untrimmed(fitTimeline({ targetSec: settings.campaign.targetSeconds, fps: settings.campaign.fps, scenes: fitScenes(script, input.scenes, settings) }));
  const c = settings.campaign;
  let t = 0;
  const scenes: RenderPlanInput["scenes"] = [];
  const voice: { path: string; startSec: number }[] = [];
  const cues: { start: number; end: number; text: string; words: WordTiming[] }[] = [];
  fit.scenes.forEach((f, k) => {
    const i = f.index;
    const sc = script.scenes[i]!;
    const a = input.scenes[i] ?? {};
    const dur = f.durationSec;
    const last = k === fit.scenes.length - 1;
    const motion = { type: MOTIONS[i % MOTIONS.length]!, easing: "ease-in-out" as const, focusX: 0.5, focusY: 0.45, amount: 0.12 };
    const visual = a.clip
      ? { kind: "video" as const, path: a.clip.path }
      : a.photo
        ? { kind: "image" as const, path: a.photo.path, motion, framing: { mode: "auto" as const, focusX: a.photo.focusX, focusY: a.photo.focusY, backdrop: "blur" as const } }
        : a.still && !a.design
          ? { kind: "image" as const, path: a.still.path, motion }
          : // No picture: a motion background, its layout seeded by the scene's text (same scene, same frames).
            { kind: "design" as const, seed: seedFrom("scene", String(i), sc.visualPrompt, sc.onScreenText ?? "") };
    const tr = TRANSITIONS[k % TRANSITIONS.length]!;
    const headline = sc.onScreenText?.trim();
    scenes.push({
      durationSec: Number(dur.toFixed(4)),
      visual,
      transition: last ? { kind: "cut", durationSec: 0 } : { ...tr },
      ...(headline ? { headline } : {}),
    });
    const spoken = a.voice?.durationSec ?? 0;
    if (a.voice && spoken > 0) {
      const start = t + f.voiceOffsetSec;
      voice.push({ path: a.voice.path, startSec: Number(start.toFixed(4)) });
      const at = (sec: number) => start + Math.max(0, sec - f.trimStartSec) / f.tempo;
      const words = wordsOf(sc.narration, a.voice.words, spoken).map((w) => ({ text: w.text, start: at(w.start), end: Math.max(at(w.end), at(w.start) + 0.05) }));
      for (let k2 = 0; k2 < words.length; k2 += WORDS_PER_CUE) {
        const group = words.slice(k2, k2 + WORDS_PER_CUE);
        const next = words[k2 + WORDS_PER_CUE];
        const end = Math.min(next ? next.start : group.at(-1)!.end + 0.3, t + dur);
        // Times half a frame before their frames (midFrameBefore): a scene that only moved on the timeline (a batch
        // variant's other hook) shows its captions on the same frames of its own, so its segments are reused.
        const mid = (sec: number) => midFrameBefore(sec, c.fps);
        const cueStart = group[0]!.start;
        cues.push({
          start: mid(cueStart),
          end: mid(Math.max(end, cueStart + 0.2)),
          text: group.map((w) => w.text).join(" "),
          words: group.map((w) => ({ text: w.text, start: mid(w.start), end: mid(w.end) })),
        });
      }
    }
    t += dur;
  });
  const cta = c.cta?.text ?? script.callToAction;
  const style = c.captionStyle;
  return {
    output: { width: 1080, height: 1920, fps: c.fps, preset: settings.preset },
    scenes,
    captions: {
      language: c.language,
      direction: directionOf(c.language),
      style: {
        font: style.font,
        sizePx: style.sizePx,
        primaryColor: style.primaryColor,
        highlightColor: style.preset === "karaoke" ? style.highlightColor : style.primaryColor,
        outlineColor: style.outlineColor,
        outlinePx: style.outlinePx,
        position: style.position,
        uppercase: style.uppercase || style.preset === "bold",
        bold: style.preset !== "clean",
      },
      cues,
    },
    audio: { voice, ...(input.music ? { music: musicTrack(settings, input.music.path) } : {}), targetLufs: -14, truePeakDb: -1 },
    // The render's brand kit (queued since brand kits existed), else one derived from the campaign's colour.
    brand: input.brand ?? brandOf(c.brandColor, c.product),
    endCard: { durationSec: Number(fit.endCardSec.toFixed(4)), cta: endCardCta(cta, c.language), ...(c.cta?.url ? { url: c.cta.url.slice(0, 100) } : {}) },
  };
}

/** Storage key of a render's on-screen text record. */
export const onScreenKey = (renderId: string) => `renders/${renderId}/onscreen.json`;

/** One overlay as drawn: kind, text, when it is fully visible (seconds) and its box in output pixels. */
export interface OnScreenOverlay {
  kind: OverlayBox["kind"];
  text: string;
  sceneIndex: number;
  startSec: number;
  endSec: number;
  box: { x: number; y: number; w: number; h: number };
}

/**
 * The text a plan puts on screen: caption cues, scene headlines, the end card's CTA and URL and, given the
 * render's laid-out overlays (renderVideo's `overlays`), each overlay's time span and box in output pixels, so a
 * test can read the frame at that time and look in that box.
 */
export function onScreenText(
  plan: RenderPlanInput,
  overlays: readonly OverlayBox[] = [],
): { captions: { start: number; end: number; text: string }[]; headlines: string[]; endCard: { cta: string; url?: string } | null; overlays: OnScreenOverlay[] } {
  return {
    captions: (plan.captions?.cues ?? []).map((c) => ({ start: c.start, end: c.end, text: c.text })),
    headlines: plan.scenes.flatMap((s) => ("headline" in s && typeof s.headline === "string" ? [s.headline] : [])),
    endCard: plan.endCard ? { cta: plan.endCard.cta, ...(plan.endCard.url ? { url: plan.endCard.url } : {}) } : null,
    overlays: overlays.map((o) => ({ kind: o.kind, text: o.text, sceneIndex: o.sceneIndex, startSec: o.startSec, endSec: o.endSec, box: o.box })),
  };
}
