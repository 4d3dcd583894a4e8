/**
 * The template script: hook, the message's sentences, the must-say lines and the call to action,
 * sized to the time the voice needs to say them. Pure and deterministic: the same campaign gives
 * the same script (phrases are picked by a hash, not at random).
 */
import { primaryLanguage } from "~/shared/languages";
import { type CampaignBrief, MAX_SCENES, type Scene, type Script, TONES } from "../spec";
import { defaultTiming, says, sceneSec, sentence as spoken, sentencesOf, type Timing } from "../shared/coverage";
import { ctaHeadline, headlineOf, isCallToAction } from "../shared/headline";
import { PHRASE_BANKS, type PhraseBank, type Tone, TONE_MOODS } from "./phrases";

/** A script is made in one language: phrases, punctuation and word counts follow it. */
interface Lang {
  tag: string;
  bank: PhraseBank | null;
  segmenter: Intl.Segmenter;
}

function lang(tag: string): Lang {
  let segmenter: Intl.Segmenter;
  try {
    segmenter = new Intl.Segmenter(tag, { granularity: "word" });
  } catch {
    segmenter = new Intl.Segmenter("en", { granularity: "word" });
  }
  return { tag, bank: PHRASE_BANKS[primaryLanguage(tag)] ?? null, segmenter };
}

/** The hook when time is short (English); src/shared/brief-fit reserves time for it. */
export const SHORT_HOOK = PHRASE_BANKS.en!.shortHook;
/** The call to action when the campaign has none and time is short (English). */
export const SHORT_CTA = PHRASE_BANKS.en!.shortCta;

/** Whether the template has its fixed phrases in this language (else it uses only the marketer's sentences). */
export function hasPhrases(tag: string): boolean {
  return primaryLanguage(tag) in PHRASE_BANKS;
}

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

function exclaim(text: string, l: Lang): string {
  const p = primaryLanguage(l.tag);
  return `${text}${p === "ja" || p === "zh" || p === "yue" ? "！" : "!"}`;
}

function fill(template: string, c: CampaignBrief): string {
  return template
    .replaceAll("{product}", c.product)
    .replaceAll("{audience}", c.audience)
    .replaceAll("{brand}", c.brandName ?? c.product);
}

/** The first `maxWords` words of `text` as written (with spaces or, in Japanese and Chinese, none), "…" when cut. */
function shortCaption(text: string, l: Lang, maxWords = 6): string {
  const t = text.trim().replace(/[.!?。！？؟।]+$/u, "");
  let n = 0;
  let out = "";
  for (const s of l.segmenter.segment(t)) {
    if (s.isWordLike && ++n > maxWords) return `${out.trim()}…`;
    out += s.segment;
  }
  return out.trim();
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
 *
 * In `language`: the fixed phrases come from its bank (en, es, pt, fr, de, it). A language with no
 * bank gets none: the product's name is the hook, the marketer's sentences the scenes, their call
 * to action (or the name again) the end: nothing in another language.
 */
export function buildTemplateScript(c: CampaignBrief, targetDurationSec: number, timing: Timing = defaultTiming(targetDurationSec), language = "en"): Script {
  const l = lang(language);
  const tone = toneOf(c.tone);
  const phrases = l.bank;
  const bank = phrases?.tones[tone] ?? { hooks: ["{product}"], ctas: [exclaim("{product}", l)], elaborations: [] };
  const shortHook = phrases?.shortHook ?? "{product}";
  const shortCtaText = phrases?.shortCta ?? exclaim("{product}", l);
  const sentence = (text: string) => spoken(text, l.tag);
  const shortCaptionL = (text: string, maxWords?: number) => shortCaption(text, l, maxWords);
  // On-screen text is a headline made from the brief's own phrase (./shared/headline), not the narration cut short.
  const headline = (text: string, maxWords?: number) => headlineOf(text, { language: l.tag, ...(maxWords ? { maxWords } : {}) });
  const seed = hash(`${c.product}|${c.audience}|${c.message}|${c.tone}`);
  const sec = (text: string) => sceneSec(text, timing);
  const notes: string[] = [];

  const must = (c.mustSay ?? []).map((m) => sentence(m));
  const mustSec = must.reduce((a, m) => a + sec(m), 0);
  const toneCta = sentence(fill(pick(bank.ctas, seed >>> 3), c));
  const shortCta = sentence(fill(shortCtaText, c));
  const shortHookSec = sec(sentence(fill(shortHook, c)));
  // Without a CTA field, the message's last sentence is the call to action when it reads as one ("Order yours today
  // for under thirty dollars.") and fits: the brief's own words close the ad, not a fixed phrase.
  const lastOwn = c.callToAction ? undefined : benefitsOf(c).at(-1);
  const fromMessage = lastOwn && isCallToAction(lastOwn) && shortHookSec + mustSec + sec(sentence(lastOwn)) <= timing.budgetSec ? lastOwn : undefined;
  const cta = c.callToAction
    ? sentence(c.callToAction)
    : fromMessage
      ? sentence(fromMessage)
      : shortHookSec + mustSec + sec(toneCta) <= timing.budgetSec
        ? toneCta
        : shortCta;
  const ownCta = Boolean(c.callToAction ?? fromMessage);
  const required = sec(cta) + mustSec;
  // The message comes before the tone's longer hook: plan with the short hook, upgrade it after.
  let hook = sentence(fill(shortHook, c));
  let spare = timing.budgetSec - sec(hook) - required;

  const visual = (subject: string) =>
    `Vertical 9:16 shot for ${c.product}, aimed at ${c.audience}: ${subject}. ${TONE_MOODS[tone]}, no text in the image.`;
  type Draft = Omit<Scene, "durationSec">;
  const body: Draft[] = [];
  const maxBody = MAX_SCENES - 2 - must.length;
  // In order: once a sentence does not fit, the rest are left out too (src/shared/brief-fit counts the same way).
  let full = false;
  for (const b of benefitsOf(c).filter((b) => b !== fromMessage)) {
    const line = sentence(b);
    if (!full && body.length < maxBody && sec(line) <= spare) {
      body.push({ narration: line, onScreenText: headline(b), visualPrompt: visual(b) });
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
    else body.push({ narration: extra, onScreenText: headline(extra), visualPrompt: visual(extra) });
    spare -= cost;
  }

  const drafts: Draft[] = [
    { narration: hook, onScreenText: headline(c.product), visualPrompt: visual(`eye-catching opening featuring ${c.product}`) },
    ...body,
    ...must.map((m) => ({ narration: m, onScreenText: headline(m), visualPrompt: visual(`${c.product} in use`) })),
    {
      narration: cta,
      // From the CTA itself, its verb kept ("Order yours today for under $30"), with the URL or handle (shown again
      // by the end card). A fixed phrase cut to a headline says little ("Make the switch"): the product names it.
      onScreenText: closingHeadline(cta, ownCta, c, l.tag),
      visualPrompt: visual(`${c.product} hero shot, inviting`),
    },
  ];
  return {
    title: `${c.brandName ?? c.product}: ${shortCaptionL(c.message, 8)}`,
    hook,
    callToAction: cta,
    scenes: sizeScenes(drafts, timing, targetDurationSec),
    ...(notes.length ? { notes } : {}),
  };
}

/**
 * The CTA scene's on-screen text: `ctaHeadline` of the campaign's own CTA; for the template's fixed phrase, the same
 * when it names the product ("Try Glow Vitamin C Serum today"), else the product's name ("Nucleo-F4 Discovery Kit",
 * not "Make the switch").
 */
function closingHeadline(cta: string, own: boolean, c: CampaignBrief, language: string): string {
  const url = c.callToActionUrl;
  const head = ctaHeadline(cta, { language, ...(url ? { url } : {}) });
  if (own || head.toLowerCase().includes(c.product.toLowerCase())) return head;
  const product = headlineOf(c.product, { language, maxWords: url ? 5 : 6 });
  return (url ? `${product} · ${url}` : product).slice(0, 120);
}

/** Each scene as long as its estimated narration, stretched so the scenes fill the budget. */
function sizeScenes(drafts: Omit<Scene, "durationSec">[], timing: Timing, targetDurationSec: number): Scene[] {
  const needed = drafts.map((d) => sceneSec(d.narration, timing));
  const total = needed.reduce((a, b) => a + b, 0);
  const stretch = Math.max(1, Math.min(timing.budgetSec, targetDurationSec) / total);
  return drafts.map((d, i) => ({ ...d, durationSec: Math.min(20, Math.max(1, Math.round(needed[i]! * stretch * 10) / 10)) }));
}
