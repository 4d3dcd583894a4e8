/**
 * The brief's required lines (must-say lines, the call to action) in a script, and the time
 * lines take to say: shared by the script providers and the render pipeline's checks.
 */
import { type CampaignBrief, type Script, WORDS_PER_SECOND } from "../spec/schemas";

/** Seconds per line and per scene, and the scenes' budget (ScriptInput.timing). */
export interface Timing {
  secPerChar: number;
  clipSec: number;
  gapSec: number;
  budgetSec: number;
}

/** Without a measured pace: WORDS_PER_SECOND at ~6 characters a word, the whole target for the scenes. */
export function defaultTiming(targetDurationSec: number): Timing {
  return { secPerChar: 1 / (WORDS_PER_SECOND * 6), clipSec: 0.3, gapSec: 0.25, budgetSec: targetDurationSec };
}

/** Estimated seconds a scene with this narration takes: the line plus the breath after it. */
export function sceneSec(narration: string, t: Timing): number {
  return t.clipSec + t.secPerChar * narration.trim().replace(/\s+/g, " ").length + t.gapSec;
}

export function scriptSec(script: Pick<Script, "scenes">, t: Timing): number {
  return script.scenes.reduce((s, x) => s + sceneSec(x.narration, t), 0);
}

/** Lower case, letters and digits only, single spaces. */
export function norm(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKC")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** True when `line` is said word for word (case and punctuation aside) somewhere in `text`. */
export function says(text: string, line: string): boolean {
  const l = norm(line);
  return l.length === 0 || ` ${norm(text)} `.includes(` ${l} `);
}

/** The required lines a script's narration leaves out. */
export function missingLines(script: Pick<Script, "scenes">, brief: Pick<CampaignBrief, "mustSay" | "callToAction">): { mustSay: string[]; cta: string | null } {
  const spoken = script.scenes.map((s) => s.narration).join(" \n ");
  return {
    mustSay: (brief.mustSay ?? []).filter((m) => !says(spoken, m)),
    cta: brief.callToAction && !says(spoken, brief.callToAction) ? brief.callToAction : null,
  };
}

/** Full stop per script: 。 for Chinese and Japanese, । for Hindi, Marathi, Bengali, Nepali; "." otherwise. */
function fullStop(language: string): string {
  const l = language.split("-")[0]!.toLowerCase();
  if (l === "ja" || l === "zh" || l === "yue") return "。";
  if (l === "hi" || l === "mr" || l === "bn" || l === "ne") return "।";
  return ".";
}

/** Ends in a sentence-final mark of any script (Latin, CJK, Arabic, Devanagari), closing quotes allowed. */
const FINAL = /[.!?…。！？؟।]["'”’»)\]]*$/u;
/** Ends in an emoji or another symbol: a stop after it would show as "✨." in the caption. */
const SYMBOL_END = /[\p{Extended_Pictographic}\p{S}]\uFE0F?$/u;

/** A line as a spoken sentence: trimmed, capitalised, ending in the language's punctuation (none after an emoji). */
export function sentence(text: string, language = "en"): string {
  const t = text.trim().replace(/\s+/g, " ");
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return FINAL.test(capital) || SYMBOL_END.test(capital) ? capital : `${capital}${fullStop(language)}`;
}

/** Whole sentences of a text (never split at commas); CJK, Arabic and Devanagari stops need no space after them. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+|(?<=[。！？؟।])\s*|\n+/u)
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/** Scenes that may not be dropped: the hook (first), the call to action (last), and any saying a must-say line or the CTA. */
export function requiredScenes(script: Pick<Script, "scenes">, brief: Pick<CampaignBrief, "mustSay" | "callToAction">): boolean[] {
  const lines = [...(brief.mustSay ?? []), ...(brief.callToAction ? [brief.callToAction] : [])];
  const last = script.scenes.length - 1;
  return script.scenes.map((s, i) => i === 0 || i === last || lines.some((l) => says(s.narration, l)));
}
