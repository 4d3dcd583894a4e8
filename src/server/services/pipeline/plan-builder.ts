/**
 * Campaign + generated assets -> the render engine's plan. Pure: no database, no files.
 *
 * Timeline: each scene lasts its narration plus a short breath (the voices' own edge silence
 * adds the rest of the pause; the whole stays within ~10% of the narration) (never less than MIN_SCENE_SEC);
 * the narration starts LEAD_SEC into its scene; caption cues are the narration's words in
 * groups of at most WORDS_PER_CUE, timed by the voice's word timings.
 */
import { type RenderPlanInput } from "~/render/plan";
import { type Script, type WordTiming } from "~/plugins/spec/schemas";
import { directionOf } from "~/shared/languages";
import { type RenderSettings } from "../renders";

export const LEAD_SEC = 0;
export const TAIL_SEC = 0.12;
export const MIN_SCENE_SEC = 1.5;
export const WORDS_PER_CUE = 4;

export interface SceneAssets {
  voice?: { path: string; durationSec: number; words?: WordTiming[] };
  still?: { path: string };
  clip?: { path: string };
}

const MOTIONS = ["zoom-in", "pan-right", "zoom-out", "pan-up", "pan-left", "zoom-in", "pan-down"] as const;
const TRANSITIONS = [
  { kind: "flash", durationSec: 0.3 },
  { kind: "crossfade", durationSec: 0.5 },
  { kind: "slide", durationSec: 0.4 },
  { kind: "crossfade", durationSec: 0.5 },
] as const;

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

export function buildPlan(input: { settings: RenderSettings; script: Script; scenes: SceneAssets[]; music?: { path: string } }): RenderPlanInput {
  const { settings, script } = input;
  const c = settings.campaign;
  let t = 0;
  const scenes: RenderPlanInput["scenes"] = [];
  const voice: { path: string; startSec: number }[] = [];
  const cues: { start: number; end: number; text: string; words: WordTiming[] }[] = [];
  script.scenes.forEach((sc, i) => {
    const a = input.scenes[i] ?? {};
    const spoken = a.voice?.durationSec ?? 0;
    const last = i === script.scenes.length - 1;
    const dur = Math.max(MIN_SCENE_SEC, spoken > 0 ? LEAD_SEC + spoken + TAIL_SEC + (last ? 0.3 : 0) : sc.durationSec);
    const visual = a.clip
      ? { kind: "video" as const, path: a.clip.path }
      : a.still
        ? { kind: "image" as const, path: a.still.path, motion: { type: MOTIONS[i % MOTIONS.length]!, easing: "ease-in-out" as const, focusX: 0.5, focusY: 0.45, amount: 0.12 } }
        : { kind: "color" as const, color: c.brandColor };
    const tr = TRANSITIONS[i % TRANSITIONS.length]!;
    scenes.push({ durationSec: Number(dur.toFixed(3)), visual, transition: last ? { kind: "cut", durationSec: 0 } : { ...tr } });
    if (a.voice && spoken > 0) {
      const start = t + LEAD_SEC;
      voice.push({ path: a.voice.path, startSec: Number(start.toFixed(3)) });
      const words = wordsOf(sc.narration, a.voice.words, spoken).map((w) => ({ text: w.text, start: start + w.start, end: start + Math.max(w.end, w.start + 0.05) }));
      for (let k = 0; k < words.length; k += WORDS_PER_CUE) {
        const group = words.slice(k, k + WORDS_PER_CUE);
        const next = words[k + WORDS_PER_CUE];
        const end = Math.min(next ? next.start : group.at(-1)!.end + 0.3, t + dur);
        cues.push({ start: group[0]!.start, end: Math.max(end, group[0]!.start + 0.2), text: group.map((w) => w.text).join(" "), words: group });
      }
    }
    t += dur;
  });
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
    audio: { voice, ...(input.music ? { music: { path: input.music.path, gainDb: -16 } } : {}), targetLufs: -14, truePeakDb: -1 },
  };
}
