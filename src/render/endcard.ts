/**
 * The end card as a timeline part: appended to the plan as one more scene after the last, so the timeline, the
 * transitions, the clip cache and the soundtrack treat it like any other (the narration and music continue over it).
 * Its background is a designed still in the brand colours (design.ts) with a slow zoom; its text and logo are
 * drawn by overlays.ts.
 */
import { join } from "node:path";
import { backgroundColors, designArgs, seedFrom } from "./design";
import { runFfmpeg } from "./ffmpeg";
import { type RenderPlan, outputSize } from "./plan";

/** Render the end card's background into `dir` and return the plan with the card as its last scene. */
export async function withEndCardScene(plan: RenderPlan, dir: string, signal?: AbortSignal): Promise<RenderPlan> {
  const card = plan.endCard;
  if (!card) return plan;
  const { width, height } = outputSize(plan.output);
  const { primary, secondary } = backgroundColors(plan.brand.colors.primary, plan.brand.colors.secondary);
  const path = join(dir, "endcard.png");
  // Same brand and CTA -> same pixels -> the same cached Ken Burns clip next time.
  const seed = seedFrom("endcard", primary, secondary, card.cta);
  await runFfmpeg(designArgs({ primary, secondary, seed, width, height }, path), { raw: true, signal });
  const scenes = plan.scenes.map((s) => ({ ...s }));
  const last = scenes[scenes.length - 1]!;
  // A crossfade into the card, when both sides can spare half of it.
  const fade = Math.min(card.transitionSec, last.durationSec, card.durationSec);
  last.transition = fade > 0.05 ? { kind: "crossfade", durationSec: fade } : { kind: "cut", durationSec: 0 };
  scenes.push({
    durationSec: card.durationSec,
    visual: {
      kind: "image",
      path,
      motion: { type: "zoom-in", easing: "ease-in-out", focusX: 0.5, focusY: 0.5, amount: 0.06 },
      framing: { mode: "cover", backdrop: "color" },
    },
    transition: { kind: "cut", durationSec: 0 },
  });
  return { ...plan, scenes };
}
