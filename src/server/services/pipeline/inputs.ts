/**
 * What each asset asks its provider for, derived from the render's frozen settings and script.
 * Pure functions: the same render always asks for the same things (idempotent retries).
 */
import { offlineVoiceFor, VOICES, type VoiceId } from "~/shared/campaign";
import { scriptTiming } from "~/shared/brief-fit";
import { headlineOf } from "~/plugins/shared/headline";
import { type Provider } from "~/plugins/spec";
import { type ImageInput, type MusicInput, type Script, type ScriptInput, type VideoInput, type VoiceoverInput } from "~/plugins/spec/schemas";
import { type RenderSettings } from "../renders";

export function scriptInput(s: RenderSettings): ScriptInput {
  const c = s.campaign;
  return {
    campaign: {
      product: c.product,
      audience: c.audience,
      message: c.message,
      tone: c.tone,
      brandName: c.name,
      ...(c.cta ? { callToAction: c.cta.text, ...(c.cta.url ? { callToActionUrl: c.cta.url } : {}) } : {}),
      ...(c.mustSay.length ? { mustSay: c.mustSay } : {}),
    },
    targetDurationSec: c.targetSeconds,
    language: c.language,
    timing: scriptTiming(c.targetSeconds, s.variant.voice ?? c.voice),
  };
}

/** A batch variant's hook replaces the first scene's narration. */
export function applyVariant(script: Script, s: RenderSettings): Script {
  const hook = s.variant.hook;
  if (!hook || !script.scenes[0]) return script;
  const [first, ...rest] = script.scenes;
  return { ...script, hook, scenes: [{ ...first, narration: hook, onScreenText: headlineOf(hook, { language: s.campaign.language }).slice(0, 120) }, ...rest] };
}

/** The campaign's voice for this provider: a local provider gets the offline stand-in for the language. */
export function voiceFor(provider: Provider, s: RenderSettings): string {
  const id: VoiceId = s.variant.voice ?? s.campaign.voice;
  const v = VOICES.find((x) => x.id === id) ?? VOICES[0];
  if (provider.local) return offlineVoiceFor(v.id, s.campaign.language);
  return v.provider === "google" ? v.id : "Kore";
}

export function voiceoverInput(provider: Provider, s: RenderSettings, script: Script, scene: number): VoiceoverInput {
  return { text: script.scenes[scene]!.narration, voice: voiceFor(provider, s), language: s.campaign.language, style: s.campaign.tone };
}

export function musicInput(s: RenderSettings, script: Script): MusicInput {
  const total = script.scenes.reduce((a, x) => a + x.durationSec, 0);
  return { mood: s.campaign.musicMood, durationSec: Math.min(300, Math.ceil(total + 2)), prompt: `${s.campaign.tone} background music for an ad about ${s.campaign.product}` };
}

export function imageInput(s: RenderSettings, script: Script, scene: number, uploaded?: { file: string; mimeType: string }): ImageInput {
  const sc = script.scenes[scene]!;
  return {
    prompt: `${sc.visualPrompt}. Vertical 9:16 advertising still for ${s.campaign.product}, no text.`,
    aspectRatio: "9:16",
    brandColor: s.brand?.primaryColor ?? s.campaign.brandColor,
    ...(uploaded ? { referenceImage: uploaded } : {}),
  };
}

export function videoInput(script: Script, scene: number, still?: { file: string; mimeType: string }): VideoInput {
  const sc = script.scenes[scene]!;
  return { prompt: sc.visualPrompt, durationSec: Math.min(20, Math.max(1, sc.durationSec)), aspectRatio: "9:16", ...(still ? { image: still } : {}) };
}

/**
 * The uploaded image a scene shows: the one assigned to it, else the unassigned images in turn
 * over the scenes that have no assignment (all images in turn when every one is assigned to
 * another scene). Undefined without images.
 */
export function imageForScene<T extends { sceneIndex: number | null }>(images: readonly T[], scene: number): T | undefined {
  if (images.length === 0) return undefined;
  const assigned = images.find((i) => i.sceneIndex === scene);
  if (assigned) return assigned;
  const taken = new Set(images.map((i) => i.sceneIndex).filter((s): s is number => s !== null));
  const pool = images.filter((i) => i.sceneIndex === null);
  const from = pool.length ? pool : images;
  let ordinal = 0;
  for (let s = 0; s < scene; s++) if (!taken.has(s)) ordinal++;
  return from[ordinal % from.length];
}
