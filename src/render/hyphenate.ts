/**
 * Hyphenation points of a long word (Liang's algorithm with TeX's patterns, from the `hyphen` package), so a word
 * wider than the caption band breaks where a reader expects (`Wasserstoff-peroxid`), not at an arbitrary letter.
 *
 * The patterns follow the captions' language (BCP-47, primary subtag, e.g. `de`, `pt-BR` -> `pt`). For English
 * (the default language, and the one whose long words are most often foreign product names), without a language,
 * or with one the package has no patterns for, a point is kept only where both the English and the German patterns
 * agree (conservative: fewer points, rarely a wrong one).
 */
import { createRequire } from "node:module";

type Hyphenate = (text: string, options?: { hyphenChar?: string }) => string;

/** Pattern files of `hyphen` 1.14 by BCP-47 primary subtag (those that differ from the subtag are mapped). */
const PATTERN_FILES: Record<string, string> = {
  af: "af", as: "as", be: "be", bg: "bg", bn: "bn", ca: "ca", cs: "cs", cy: "cy", da: "da", de: "de", el: "el-monoton",
  en: "en-us", es: "es", et: "et", eu: "eu", fi: "fi", fr: "fr", ga: "ga", gl: "gl", gu: "gu", hi: "hi", hr: "hr",
  hu: "hu", hy: "hy", ia: "ia", id: "id", is: "is", it: "it", ka: "ka", kn: "kn", la: "la", lt: "lt", lv: "lv",
  mk: "mk", ml: "ml", mn: "mn-cyrl", mr: "mr", nb: "nb", nl: "nl", nn: "nn", no: "no", oc: "oc", or: "or", pa: "pa",
  pl: "pl", pt: "pt", ro: "ro", ru: "ru", sk: "sk", sl: "sl", sq: "sq", sr: "sr-cyrl", sv: "sv", ta: "ta", te: "te",
  th: "th", tk: "tk", tr: "tr", uk: "uk",
};

/** UTF-16 offsets inside `word` where a line may break with a hyphen. */
export type Hyphenator = (word: string) => number[];

function points(hyphenate: Hyphenate, word: string): number[] {
  const out: number[] = [];
  let offset = 0;
  const parts = hyphenate(word, { hyphenChar: "\u00ad" }).split("\u00ad");
  parts.slice(0, -1).forEach((p) => {
    offset += p.length;
    out.push(offset);
  });
  return out;
}

async function load(file: string): Promise<Hyphenate> {
  const mod = (await import(`hyphen/${file}/index.js`)) as { hyphenateSync?: Hyphenate; default?: { hyphenateSync: Hyphenate } };
  const fn = mod.hyphenateSync ?? mod.default?.hyphenateSync;
  if (!fn) throw new Error(`hyphen/${file} has no hyphenateSync`);
  return fn;
}

const cache = new Map<string, Promise<Hyphenator>>();

/** The pattern file for a BCP-47 tag, or undefined for English, none or an unknown language (English-and-German). */
function patternFile(language?: string): string | undefined {
  const primary = (language ?? "").split("-")[0]!.toLowerCase();
  return primary === "en" ? undefined : PATTERN_FILES[primary];
}

const syncCache = new Map<string, Hyphenator>();

/**
 * `loadHyphenator`'s hyphenator, loaded synchronously (the `hyphen` package is CommonJS): for layout code that
 * runs synchronously (headlines and the end card, overlays.ts). Same patterns, same points as the async one.
 */
export function hyphenatorSync(language?: string): Hyphenator {
  const file = patternFile(language);
  const key = file ?? "";
  let hit = syncCache.get(key);
  if (!hit) {
    const require = createRequire(import.meta.url);
    const get = (f: string): Hyphenate => {
      const mod = require(`hyphen/${f}/index.js`) as { hyphenateSync?: Hyphenate };
      if (!mod.hyphenateSync) throw new Error(`hyphen/${f} has no hyphenateSync`);
      return mod.hyphenateSync;
    };
    if (file) {
      const h = get(file);
      hit = (word: string) => points(h, word);
    } else {
      const en = get("en-us");
      const de = get("de");
      hit = (word: string) => {
        const fromDe = new Set(points(de, word));
        return points(en, word).filter((p) => fromDe.has(p));
      };
    }
    syncCache.set(key, hit);
  }
  return hit;
}

/** The hyphenator for a BCP-47 language, or the English-and-German one when it is missing or unknown. */
export function loadHyphenator(language?: string): Promise<Hyphenator> {
  const file = patternFile(language);
  const key = file ?? "";
  let hit = cache.get(key);
  if (!hit) {
    hit = file
      ? load(file).then((h) => (word: string) => points(h, word))
      : Promise.all([load("en-us"), load("de")]).then(([en, de]) => (word: string) => {
          const fromDe = new Set(points(de, word));
          return points(en, word).filter((p) => fromDe.has(p));
        });
    cache.set(key, hit);
  }
  return hit;
}
