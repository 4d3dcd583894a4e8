/**
 * The voiceover side of the timeline fit: what ./timeline-fit needs to know of each scene, and
 * each clip cut to its voiced span and sped up as the fit says (one short ffmpeg run per clip;
 * atempo keeps the pitch).
 */
import { runFfmpeg } from "~/render/ffmpeg";
import { requiredScenes, sceneSec } from "~/plugins/shared/coverage";
import { type Script } from "~/plugins/spec/schemas";
import { type RenderSettings } from "../renders";
import { scriptInput } from "./inputs";
import { type SceneAssets } from "./plan-builder";
import { type FitScene, type FittedScene } from "./timeline-fit";

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

/** Writes `dst`: the clip's [trimStart, trimEnd) at `tempo` (48 kHz mono PCM). Returns `dst`. */
export async function fitVoiceClip(src: string, dst: string, f: FittedScene, tempo: number, signal: AbortSignal): Promise<string> {
  const args = ["-ss", f.trimStartSec.toFixed(4), "-t", (f.trimEndSec - f.trimStartSec).toFixed(4), "-i", src];
  const filter = tempo === 1 ? "anull" : `atempo=${tempo.toFixed(5)}`;
  await runFfmpeg([...args, "-af", filter, "-ac", "1", "-ar", "48000", "-c:a", "pcm_s16le", dst], { signal });
  return dst;
}
