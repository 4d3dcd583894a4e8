/**
 * The template script: hook, the message's sentences, the must-say lines and the call to action,
 * sized to the time the voice needs to say them. Pure and deterministic: the same campaign gives
 * the same script (phrases are picked by a hash, not at random).
 */
import { type CampaignBrief, MAX_SCENES, type Scene, type Script, TONES } from "../spec";
import { defaultTiming, says, sceneSec, sentence, sentencesOf, type Timing } from "../shared/coverage";

type Tone = (typeof TONES)[number];

interface ToneBank {
  hooks: readonly string[];
  ctas: readonly string[];
  elaborations: readonly string[];
  mood: string;
}

/** {product}, {audience} and {brand} are replaced; nothing else is interpreted. */
const BANKS: { [T in Tone]: ToneBank } = {
  friendly: {
    hooks: ["Hey {audience}, meet {product}.", "Looking for something better, {audience}? Say hi to {product}."],
    ctas: ["Try {product} today.", "Give {product} a go today."],
    elaborations: ["Made with {audience} in mind.", "It just makes the day easier.", "You will wonder how you managed without it."],
    mood: "warm, bright, welcoming",
  },
  bold: {
    hooks: ["Stop scrolling. {product} changes the game.", "{audience}, this is the one: {product}."],
    ctas: ["Get {product} now.", "Make the switch to {product} now."],
    elaborations: ["No compromises.", "Built to outperform.", "Nothing else comes close."],
    mood: "high contrast, dynamic, energetic",
  },
  professional: {
    hooks: ["{audience}: here is how {product} helps.", "Meet {product}, built for {audience}."],
    ctas: ["Learn more about {product} today.", "Book a demo of {product} today."],
    elaborations: ["Reliable from day one.", "Designed for teams that value their time.", "Measurable results, clearly reported."],
    mood: "clean, modern, trustworthy",
  },
  playful: {
    hooks: ["Okay {audience}, this one is fun: {product}!", "Guess what just got better? {product}!"],
    ctas: ["Go on, try {product}!", "Grab {product} and have fun with it!"],
    elaborations: ["Seriously, it is that easy.", "Your future self says thanks.", "Fun, fast and fuss-free."],
    mood: "colourful, playful, lively",
  },
  calm: {
    hooks: ["Take a breath. {product} makes it simple.", "A calmer way for {audience}: {product}."],
    ctas: ["Discover {product} today.", "Find your calm with {product}."],
    elaborations: ["Simple, quiet and dependable.", "Everything in its place.", "Less stress, more time for you."],
    mood: "soft light, serene, minimal",
  },
  urgent: {
    hooks: ["Don't miss this, {audience}: {product}.", "Time is running out to try {product}."],
    ctas: ["Get {product} before it is gone.", "Act now: get {product} today."],
    elaborations: ["Offers like this do not last.", "Start today, not tomorrow.", "Join the people already ahead."],
    mood: "fast paced, striking, high energy",
  },
};

/** The hook when time is short; src/shared/brief-fit reserves time for it. */
export const SHORT_HOOK = "Meet {product}.";
/** The call to action when the campaign has none and time is short. */
export const SHORT_CTA = "Try it today.";

export function toneOf(tone: string): Tone {
  const lower = tone.toLowerCase();
  return TONES.find((t) => lower.includes(t)) ?? "friendly";
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function pick<T>(items: readonly T[], seed: number): T {
  return items[seed % items.length]!;
}

function fill(template: string, c: CampaignBrief): string {
  return template
    .replaceAll("{product}", c.product)
    .replaceAll("{audience}", c.audience)
    .replaceAll("{brand}", c.brandName ?? c.product);
}

function shortCaption(text: string, maxWords = 6): string {
  const w = text.replace(/[.!?]+$/, "").split(/\s+/).filter(Boolean);
  return w.length <= maxWords ? w.join(" ") : `${w.slice(0, maxWords).join(" ")}…`;
}

/** Selling points: the campaign's own, else the whole sentences of its message (never split at commas). */
export function benefitsOf(c: CampaignBrief): string[] {
  const own = c.benefits?.length ? c.benefits : sentencesOf(c.message);
  // A must-say line already says it.
  return own.filter((b) => !(c.mustSay ?? []).some((m) => says(m, b) || says(b, m)));
}

/**
 * Hook, the message's sentences, the must-say lines, the call to action — sized to the time the
 * scenes have (`timing`): the hook, must-say lines and CTA always; message sentences, whole, in
 * order while they fit; then elaborations while there is room. What does not fit is named in
 * `notes`. Throws nothing: a brief whose required lines cannot fit was refused before queueing.
 */
export function buildTemplateScript(c: CampaignBrief, targetDurationSec: number, timing: Timing = defaultTiming(targetDurationSec)): Script {
  const tone = toneOf(c.tone);
  const bank = BANKS[tone];
  const seed = hash(`${c.product}|${c.audience}|${c.message}|${c.tone}`);
  const sec = (text: string) => sceneSec(text, timing);
  const notes: string[] = [];

  const must = (c.mustSay ?? []).map(sentence);
  const mustSec = must.reduce((a, m) => a + sec(m), 0);
  const toneCta = sentence(fill(pick(bank.ctas, seed >>> 3), c));
  const shortCta = sentence(fill(SHORT_CTA, c));
  const cta = c.callToAction
    ? sentence(c.callToAction)
    : sec(sentence(fill(SHORT_HOOK, c))) + mustSec + sec(toneCta) <= timing.budgetSec
      ? toneCta
      : shortCta;
  const required = sec(cta) + mustSec;
  // The message comes before the tone's longer hook: plan with the short hook, upgrade it after.
  let hook = sentence(fill(SHORT_HOOK, c));
  let spare = timing.budgetSec - sec(hook) - required;

  const visual = (subject: string) =>
    `Vertical 9:16 shot for ${c.product}, aimed at ${c.audience}: ${subject}. ${bank.mood}, no text in the image.`;
  type Draft = Omit<Scene, "durationSec">;
  const body: Draft[] = [];
  const maxBody = MAX_SCENES - 2 - must.length;
  // In order: once a sentence does not fit, the rest are left out too (src/shared/brief-fit counts the same way).
  let full = false;
  for (const b of benefitsOf(c)) {
    const line = sentence(b);
    if (!full && body.length < maxBody && sec(line) <= spare) {
      body.push({ narration: line, onScreenText: shortCaption(b), visualPrompt: visual(b) });
      spare -= sec(line);
    } else {
      full = true;
      notes.push(`Left out (does not fit ${targetDurationSec} s): “${line}”`);
    }
  }
  const toneHook = sentence(fill(pick(bank.hooks, seed), c));
  if (sec(toneHook) - sec(hook) <= spare) {
    spare -= sec(toneHook) - sec(hook);
    hook = toneHook;
  }
  // Room to spare: an elaboration after a benefit, or a generic selling point when the message is short.
  const extras = full ? [] : bank.elaborations.map((e) => sentence(fill(e, c)));
  for (let i = 0; i < extras.length && spare > 0; i++) {
    const extra = extras[(seed + i) % extras.length]!;
    const target = body[i];
    const cost = target ? timing.secPerChar * (extra.length + 1) : sec(extra);
    if (cost > spare || (!target && body.length >= maxBody)) continue;
    if (target) target.narration = `${target.narration} ${extra}`;
    else body.push({ narration: extra, onScreenText: shortCaption(extra), visualPrompt: visual(extra) });
    spare -= cost;
  }

  const drafts: Draft[] = [
    { narration: hook, onScreenText: shortCaption(c.product, 4), visualPrompt: visual(`eye-catching opening featuring ${c.product}`) },
    ...body,
    ...must.map((m) => ({ narration: m, onScreenText: shortCaption(m, 8), visualPrompt: visual(`${c.product} in use`) })),
    {
      narration: cta,
      onScreenText: c.callToActionUrl ? `${shortCaption(cta, 5)} · ${c.callToActionUrl}`.slice(0, 120) : shortCaption(cta),
      visualPrompt: visual(`${c.product} hero shot, inviting`),
    },
  ];
  return {
    title: `${c.brandName ?? c.product}: ${shortCaption(c.message, 8)}`,
    hook,
    callToAction: cta,
    scenes: sizeScenes(drafts, timing, targetDurationSec),
    ...(notes.length ? { notes } : {}),
  };
}

/** Each scene as long as its estimated narration, stretched so the scenes fill the budget. */
function sizeScenes(drafts: Omit<Scene, "durationSec">[], timing: Timing, targetDurationSec: number): Scene[] {
  const needed = drafts.map((d) => sceneSec(d.narration, timing));
  const total = needed.reduce((a, b) => a + b, 0);
  const stretch = Math.max(1, Math.min(timing.budgetSec, targetDurationSec) / total);
  return drafts.map((d, i) => ({ ...d, durationSec: Math.min(20, Math.max(1, Math.round(needed[i]! * stretch * 10) / 10)) }));
}
