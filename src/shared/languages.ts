/**
 * Campaign languages: BCP-47 tags, their writing direction, and which voices can speak them.
 * Shared by the browser (the form offers only voices that speak the chosen language) and the
 * server (the same rule is a field-level error; the voice providers say at queue time whether
 * they can speak it).
 *
 * Glossary:
 * - tag: a BCP-47 language tag as the user typed it, canonicalised ("pt-br" -> "pt-BR").
 * - primary language: the tag's first subtag ("pt" of "pt-BR"), ISO 639 (2 or 3 letters).
 * - direction: "rtl" when the tag's likely script (CLDR likely subtags) is written right to left.
 */
import { z } from "zod";

export type Direction = "ltr" | "rtl";

/** Languages the form suggests (any other valid tag may be typed). Native names for the picker. */
export const SUGGESTED_LANGUAGES = [
  { tag: "en", name: "English" },
  { tag: "es", name: "Español" },
  { tag: "pt", name: "Português" },
  { tag: "pt-BR", name: "Português (Brasil)" },
  { tag: "fr", name: "Français" },
  { tag: "de", name: "Deutsch" },
  { tag: "it", name: "Italiano" },
  { tag: "nl", name: "Nederlands" },
  { tag: "pl", name: "Polski" },
  { tag: "tr", name: "Türkçe" },
  { tag: "ru", name: "Русский" },
  { tag: "uk", name: "Українська" },
  { tag: "ja", name: "日本語" },
  { tag: "zh", name: "中文" },
  { tag: "ko", name: "한국어" },
  { tag: "ar", name: "العربية" },
  { tag: "he", name: "עברית" },
  { tag: "fa", name: "فارسی" },
  { tag: "ur", name: "اردو" },
  { tag: "hi", name: "हिन्दी" },
  { tag: "bn", name: "বাংলা" },
  { tag: "th", name: "ไทย" },
  { tag: "vi", name: "Tiếng Việt" },
  { tag: "id", name: "Bahasa Indonesia" },
] as const;

/** Scripts written right to left (ISO 15924). */
const RTL_SCRIPTS = new Set(["Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg", "Mand", "Samr", "Mend"]);

/**
 * The canonical form of a well-formed BCP-47 tag whose primary language is an ISO 639 code
 * (2-3 letters), or null. "english", "en_US" and "" are null; "pt-br" gives "pt-BR".
 */
export function canonicalLanguageTag(tag: string): string | null {
  const t = tag.trim();
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(t)) return null;
  try {
    return Intl.getCanonicalLocales(t)[0] ?? null;
  } catch {
    return null;
  }
}

/** "pt" of "pt-BR"; lower case. */
export function primaryLanguage(tag: string): string {
  return tag.split("-")[0]!.toLowerCase();
}

/** Writing direction of a tag: from its script subtag, else its language's likely script. */
export function directionOf(tag: string): Direction {
  try {
    const script = new Intl.Locale(tag).maximize().script;
    return script && RTL_SCRIPTS.has(script) ? "rtl" : "ltr";
  } catch {
    return "ltr";
  }
}

/** A language's name in English ("Arabic"), or the tag itself when ICU has none. */
export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** "Arabic (ar)", for messages. */
export function languageLabel(tag: string): string {
  const name = languageName(tag);
  return name !== tag ? `${name} (${tag})` : tag;
}

/** Validates and canonicalises a campaign language. Default "en". */
export const languageTagSchema = z
  .string()
  .trim()
  .transform((s, ctx) => {
    const c = canonicalLanguageTag(s);
    if (!c) {
      ctx.addIssue({ code: "custom", message: `"${s.slice(0, 40)}" is not a BCP-47 language tag (e.g. en, pt-BR, ar, zh-Hant)` });
      return z.NEVER;
    }
    return c;
  });

/**
 * Languages of the Gemini TTS voices (gemini-2.5-flash/pro-preview-tts), from Google's speech
 * generation guide (ai.google.dev/gemini-api/docs/speech-generation, "Supported languages",
 * read 2026-11): 24 languages, matched on the primary language.
 */
export const GOOGLE_TTS_LANGUAGES: ReadonlySet<string> = new Set([
  "ar", "bn", "de", "en", "es", "fr", "hi", "id", "it", "ja", "ko", "mr",
  "nl", "pl", "pt", "ro", "ru", "ta", "te", "th", "tr", "uk", "vi",
]);

/**
 * espeak-ng 1.51's voices (`espeak-ng --voices`, Debian 12): the offline voice for every
 * language flite cannot speak.
 */
const ESPEAK_LANGUAGES: ReadonlySet<string> = new Set(
  (
    "af am an ar as az ba be bg bn bpy bs ca cmn cs cv cy da de el en-029 en-gb en-gb-scotland en-us eo es es-419 et eu fa fi " +
    "fr-be fr-ch fr-fr ga gd gn grc gu hak haw he hi hr ht hu hy hyw ia id io is it ja jbo ka kk kl kn ko kok ku ky la lb lfn lt " +
    "ltg lv mi mk ml mr ms mt my nb nci ne nl nog om or pa pap piqd pl pt pt-br py qdb qu quc qya ro ru ru-lv sd shn si sjn sk sl " +
    "smj sq sr sv sw ta te th tk tn tr tt ug uk ur uz vi yue"
  ).split(" "),
);

/** Tags whose espeak-ng voice has another name. */
const ESPEAK_ALIASES: Record<string, string> = {
  en: "en-us",
  fr: "fr-fr",
  zh: "cmn",
  "zh-hk": "yue",
  "zh-mo": "yue",
  no: "nb",
  iw: "he",
  "es-mx": "es-419",
  "es-us": "es-419",
  "es-ar": "es-419",
  "es-co": "es-419",
};

/**
 * Languages espeak-ng has a voice for that cannot read the language as it is written, with why: no offline voice
 * is offered for them (the form offers Google voices only, and queueing is refused unless Google TTS is
 * configured) rather than an ad that speaks nonsense.
 * - ja: espeak-ng 1.51's `ja` voice reads kana only; every kanji is spoken as the English words "Chinese letter"
 *   and, outside its kana tables, "Japanese letter" (`espeak-ng -v ja -x "日本の製品です"` on Debian 12), and
 *   Japanese text is mostly kanji. Debian's other Japanese synthesiser, open-jtalk, ships without a voice in main
 *   (hts-voice-nitech-jp-atr503-m001 is non-free), so there is no offline Japanese voice here.
 */
const OFFLINE_CANNOT_READ: Record<string, string> = {
  ja: "espeak-ng, the offline voice, reads every kanji as “Chinese letter”",
};

/** Why no offline voice can speak `tag` although espeak-ng lists one (see OFFLINE_CANNOT_READ), or null. */
export function offlineVoiceGap(tag: string): string | null {
  return OFFLINE_CANNOT_READ[primaryLanguage(tag)] ?? null;
}

/**
 * The espeak-ng voice for a tag ("pt-BR" -> "pt-br", "zh-CN" -> "cmn", "ar-EG" -> "ar"), or null: none, or one that
 * cannot read the language's text (`offlineVoiceGap`, e.g. Japanese).
 */
export function espeakVoiceFor(tag: string): string | null {
  if (offlineVoiceGap(tag)) return null;
  const lower = tag.toLowerCase();
  const parts = lower.split("-");
  const region = parts.find((p, i) => i > 0 && /^([a-z]{2}|\d{3})$/.test(p));
  const candidates = [region ? `${parts[0]}-${region}` : null, parts[0]!];
  for (const c of candidates) {
    if (!c) continue;
    const v = ESPEAK_ALIASES[c] ?? c;
    if (ESPEAK_LANGUAGES.has(v)) return v;
  }
  return null;
}

/** flite (inside ffmpeg) speaks English only. */
export function fliteSpeaks(tag: string): boolean {
  return primaryLanguage(tag) === "en";
}

export function googleTtsSpeaks(tag: string): boolean {
  return GOOGLE_TTS_LANGUAGES.has(primaryLanguage(tag));
}

/** Letters of these scripts name the language a line is most likely in (Han alone reads as Chinese). */
const SCRIPT_LANGUAGES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\p{Script=Arabic}/u, "ar"],
  [/\p{Script=Hebrew}/u, "he"],
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/u, "ja"],
  [/\p{Script=Hangul}/u, "ko"],
  [/\p{Script=Han}/u, "zh"],
  [/\p{Script=Devanagari}/u, "hi"],
  [/\p{Script=Thai}/u, "th"],
  [/\p{Script=Cyrillic}/u, "ru"],
  [/\p{Script=Greek}/u, "el"],
];

/**
 * The language to speak one line in: the campaign's, unless most of the line's letters are of a script
 * the campaign's language is not written in (an Arabic sentence in an English campaign). Returns a
 * primary language subtag ("ar"), or `campaignTag` unchanged. Kana anywhere makes Han Japanese.
 * Only Latin-script campaign languages are overridden: a Japanese campaign quoting an English brand
 * name stays Japanese.
 */
export function lineLanguage(text: string, campaignTag: string): string {
  const letters = [...text].filter((ch) => /\p{L}/u.test(ch));
  if (letters.length === 0) return campaignTag;
  const latin = letters.filter((ch) => /\p{Script=Latin}/u.test(ch)).length;
  if (latin * 2 >= letters.length) return campaignTag;
  const campaignScript = SCRIPT_LANGUAGES.find(([, lang]) => lang === primaryLanguage(campaignTag));
  if (campaignScript) return campaignTag; // a non-Latin campaign language already speaks its own script
  const counts = SCRIPT_LANGUAGES.map(([re, lang]) => [lang, letters.filter((ch) => re.test(ch)).length] as const);
  if (counts.find(([l]) => l === "ja")![1] > 0) return "ja";
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : campaignTag;
}

/**
 * Splits a line an English-only voice will read into what it can pronounce and the runs of letters of
 * other scripts (non-Latin letters with the marks and spaces between them), which it would skip in
 * silence. `spoken` keeps everything else (Latin words, digits, punctuation, emoji) in order.
 */
export function latinSpeakable(text: string): { spoken: string; unspoken: string[] } {
  const unspoken: string[] = [];
  const run = /(?!\p{Script=Latin})\p{L}(?:[\p{M}\s\u200c\u200d]*(?!\p{Script=Latin})\p{L})*\p{M}*/gu;
  const spoken = text.replace(run, (m) => {
    unspoken.push(m.trim());
    return " ";
  });
  return { spoken: spoken.replace(/\s{2,}/g, " ").trim(), unspoken };
}
