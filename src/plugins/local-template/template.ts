/**
 * The template script: hook, 3-5 benefit scenes, call to action, sized to
 * the target length at WORDS_PER_SECOND. Pure and deterministic: the same
 * campaign gives the same script (phrases are picked by a hash, not at random).
 */
import { type CampaignBrief, type Scene, type Script, TONES } from "../spec";

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

const GENERIC_BENEFITS = ["Easy to get started", "Saves you time every day", "Quality you can feel", "Trusted by people like you", "Great value"];

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

function sentence(text: string): string {
  const t = text.trim().replace(/\s+/g, " ");
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function shortCaption(text: string, maxWords = 6): string {
  const w = text.replace(/[.!?]+$/, "").split(/\s+/).filter(Boolean);
  return w.length <= maxWords ? w.join(" ") : `${w.slice(0, maxWords).join(" ")}…`;
}

/** Selling points: the campaign's own, else phrases of its message, topped up from a generic list. */
export function benefitsOf(c: CampaignBrief, count: number): string[] {
  const own = c.benefits?.length
    ? c.benefits
    : c.message.split(/[.;!?\n]+|,\s*(?:and\s+)?/).map((s) => s.trim()).filter((s) => words(s) >= 2);
  const all = [...own, ...GENERIC_BENEFITS.filter((g) => !own.includes(g))];
  return all.slice(0, count);
}

/** 3 benefits up to 20 s, 4 up to 40 s, 5 beyond. */
export function benefitCount(targetDurationSec: number): number {
  return targetDurationSec <= 20 ? 3 : targetDurationSec <= 40 ? 4 : 5;
}

export function buildTemplateScript(c: CampaignBrief, targetDurationSec: number, wordsPerSecond: number): Script {
  const tone = toneOf(c.tone);
  const bank = BANKS[tone];
  const seed = hash(`${c.product}|${c.audience}|${c.message}|${c.tone}`);
  const n = benefitCount(targetDurationSec);
  const benefits = benefitsOf(c, n);
  const wordBudget = targetDurationSec * wordsPerSecond;

  const hook = sentence(fill(pick(bank.hooks, seed), c));
  const cta = sentence(c.callToAction ?? fill(pick(bank.ctas, seed >>> 3), c));
  const visual = (subject: string) =>
    `Vertical 9:16 shot for ${c.product}, aimed at ${c.audience}: ${subject}. ${bank.mood}, no text in the image.`;

  // Benefit scenes get an elaboration sentence while the word budget allows it.
  const baseWords = words(hook) + words(cta) + benefits.reduce((s, b) => s + words(b), 0);
  let spare = wordBudget - baseWords;
  const benefitScenes = benefits.map((b, i) => {
    let narration = sentence(b);
    const extra = fill(pick(bank.elaborations, (seed >>> (i + 5)) + i), c);
    if (spare >= words(extra)) {
      narration = `${narration} ${sentence(extra)}`;
      spare -= words(extra);
    }
    return { narration, onScreenText: shortCaption(b), visualPrompt: visual(b) };
  });

  const drafts = [
    { narration: hook, onScreenText: shortCaption(c.product, 4), visualPrompt: visual(`eye-catching opening featuring ${c.product}`) },
    ...benefitScenes,
    { narration: cta, onScreenText: shortCaption(c.callToAction ?? cta), visualPrompt: visual(`${c.product} hero shot, inviting`) },
  ];
  return { title: `${c.brandName ?? c.product}: ${shortCaption(c.message, 8)}`, hook, callToAction: cta, scenes: sizeScenes(drafts, targetDurationSec, wordsPerSecond) };
}

/**
 * Durations follow the words (each scene long enough to say its narration,
 * plus a beat) and are stretched to fill the target when the words are fewer.
 */
function sizeScenes(drafts: Omit<Scene, "durationSec">[], targetDurationSec: number, wordsPerSecond: number): Scene[] {
  const needed = drafts.map((d) => Math.max(2, words(d.narration) / wordsPerSecond + 0.4));
  const total = needed.reduce((a, b) => a + b, 0);
  const stretch = Math.max(1, targetDurationSec / total);
  return drafts.map((d, i) => ({ ...d, durationSec: Math.min(20, Math.round(needed[i]! * stretch * 10) / 10) }));
}
