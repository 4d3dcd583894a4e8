/**
 * Every script, whoever wrote it (Gemini, the template, the user), is checked against the brief
 * before any voice is made:
 * - coverage: each must-say line and the call to action are said word for word; a line the
 *   script provider left out (after Gemini was asked twice) is added verbatim — a must-say line
 *   as its own scene before the last, the CTA as the last scene's narration — and noted;
 * - length: the narration's estimated time (the voice's measured pace, src/shared/brief-fit)
 *   fits the scenes' budget; optional scenes are dropped, longest first, then a too-long hook
 *   is replaced by the script's short hook. Each change is a note on the script;
 * - on-screen text: each scene's onScreenText is a headline of at most 6 words
 *   (~/plugins/shared/headline), never the narration cut short; longer ones are shortened at
 *   phrase boundaries.
 * Pure: no database, no files.
 */
import { MAX_SCENES, type Script } from "~/plugins/spec/schemas";
import { missingLines, requiredScenes, says, sceneSec, scriptSec, sentence } from "~/plugins/shared/coverage";
import { MAX_TEMPO } from "~/shared/brief-fit";
import { ctaHeadline, headlineOf, withHeadlines } from "~/plugins/shared/headline";
import { type RenderSettings } from "../renders";
import { scriptInput } from "./inputs";

export function finalizeScript(draft: Script, settings: RenderSettings, author: string): Script {
  const input = scriptInput(settings);
  // Without a CTA of the campaign's own, the script's call to action is the one it must end on.
  const brief = { ...input.campaign, callToAction: input.campaign.callToAction ?? draft.callToAction };
  const timing = input.timing!;
  const notes = [...(draft.notes ?? [])];
  let scenes = draft.scenes.map((s) => ({ ...s }));

  const missing = missingLines({ scenes }, brief);
  for (const line of missing.mustSay) {
    const at = Math.max(1, scenes.length - 1);
    const scene = { narration: sentence(line), onScreenText: headlineOf(line, { language: input.language }).slice(0, 120), visualPrompt: scenes[at - 1]?.visualPrompt ?? scenes[0]!.visualPrompt, durationSec: Math.min(20, Math.max(1, sceneSec(line, timing))) };
    if (scenes.length >= MAX_SCENES) scenes.splice(at - 1, 1, scene);
    else scenes.splice(at, 0, scene);
    notes.push(`${author} left out the must-say line “${line}”: added word for word`);
  }
  if (missing.cta) {
    const last = scenes.length - 1;
    scenes[last] = { ...scenes[last]!, narration: sentence(missing.cta), onScreenText: ctaHeadline(missing.cta, { language: input.language, ...(brief.callToActionUrl ? { url: brief.callToActionUrl } : {}) }) };
    notes.push(`${author} did not end on the call to action: the last scene now says “${missing.cta}”`);
  }

  // The timeline fit can still speed the voice up MAX_TEMPO; plan for tempo 1 and leave that as the margin.
  const budget = timing.budgetSec;
  const over = () => scriptSec({ scenes }, timing) > budget;
  const dropped: string[] = [];
  while (over()) {
    const required = requiredScenes({ scenes }, brief);
    const optional = scenes.map((s, i) => ({ s, i })).filter(({ i }) => !required[i]);
    if (!optional.length || scenes.length <= 2) break;
    const cut = optional.reduce((a, b) => (sceneSec(b.s.narration, timing) > sceneSec(a.s.narration, timing) ? b : a));
    dropped.push(cut.s.narration);
    scenes = scenes.filter((_, i) => i !== cut.i);
  }
  for (const d of dropped) notes.push(`Left out (does not fit ${input.targetDurationSec} s): “${d}”`);
  const first = scenes[0]!.narration;
  if (over() && draft.hook && sceneSec(draft.hook, timing) < sceneSec(first, timing) && !(brief.mustSay ?? []).some((m) => says(first, m))) {
    notes.push(`The first scene was shortened to the hook “${draft.hook}”`);
    scenes[0] = { ...scenes[0]!, narration: sentence(draft.hook) };
  }
  if (scriptSec({ scenes }, timing) > budget * MAX_TEMPO) notes.push(`The narration may not fit ${input.targetDurationSec} s: about ${scriptSec({ scenes }, timing).toFixed(1)} s for ${budget.toFixed(1)} s`);
  const total = scenes.reduce((a, s) => a + sceneSec(s.narration, timing), 0);
  const stretch = Math.max(1, budget / Math.max(total, 0.1));
  scenes = scenes.map((s) => ({ ...s, durationSec: Math.min(20, Math.max(1, Math.round(sceneSec(s.narration, timing) * stretch * 10) / 10)) }));
  scenes = withHeadlines({ scenes }, input.language).script.scenes;
  return { ...draft, scenes, ...(notes.length ? { notes: [...new Set(notes)].slice(0, 40) } : {}) };
}
