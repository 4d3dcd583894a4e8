/**
 * The end card as a timeline part: appended to the plan as one more scene after the last, so the timeline, the
 * transitions and the soundtrack treat it like any other (the narration and music continue over it). Its
 * background is a motion background in the brand colours (design.ts, drawn by the assembly); its text and logo
 * are drawn by overlays.ts.
 */
import { seedFrom } from "./design";
import { type RenderPlan } from "./plan";

/** The plan with the end card as its last scene (the plan itself when it has none). */
export function withEndCardScene(plan: RenderPlan): RenderPlan {
  const card = plan.endCard;
  if (!card) return plan;
  const scenes = plan.scenes.map((s) => ({ ...s }));
  const last = scenes[scenes.length - 1]!;
  // A crossfade into the card, when both sides can spare half of it.
  const fade = Math.min(card.transitionSec, last.durationSec, card.durationSec);
  last.transition = fade > 0.05 ? { kind: "crossfade", durationSec: fade } : { kind: "cut", durationSec: 0 };
  scenes.push({
    durationSec: card.durationSec,
    // Same brand and CTA -> the same layout.
    visual: { kind: "design", seed: seedFrom("endcard", plan.brand.colors.primary, plan.brand.colors.secondary, card.cta) },
    transition: { kind: "cut", durationSec: 0 },
  });
  return { ...plan, scenes };
}
