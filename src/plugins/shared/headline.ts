/**
 * On-screen headlines: the short line a scene shows above the picture ("Cortex-M4 lab on one board",
 * "Under $30"), never the narration cut off with "…".
 *
 * `headlineOf(text)` turns a sentence of the brief (a message sentence, a must-say line, the call to
 * action) into a headline of at most `MAX_HEADLINE_WORDS` words:
 * 1. English: number words become digits ("eight LEDs" -> "8 LEDs"), prices and percentages become
 *    figures ("under thirty dollars" -> "under $30", "twenty percent" -> "20%");
 * 2. a sentence that names a price or a discount and is too long becomes its offer ("Under $30");
 * 3. a leading article and filler adverbs go ("A full ARM lab" -> "ARM lab");
 * 4. still too long: the longest run of whole clauses (split at , ; : — and phrase words such as
 *    "for", "with", "to", "that") that fits, from the start, never ending on a function word;
 *    with no such boundary, the first words that fit. Always whole words, never an ellipsis.
 * Pure and deterministic. Words are counted with Intl.Segmenter (so Japanese and Chinese count
 * words, not characters); only what contains a letter or digit counts.
 */

/** At most this many words on screen per scene (what a viewer reads in about a second). */
export const MAX_HEADLINE_WORDS = 6;

const ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const NUMBER_WORD = new Map<string, number>([...ONES.map((w, i) => [w, i] as const), ...TENS.flatMap((w, i) => (w ? [[w, i * 10] as const] : [])), ["hundred", 100]]);

/** English number words (up to "ninety-nine", "a hundred") as a value; null when `words` is not one. */
function numberValue(words: string): number | null {
  const parts = words.toLowerCase().split(/[\s-]+/).filter(Boolean);
  if (parts.length === 0 || parts.length > 2) return null;
  if (parts.length === 2 && parts[0] === "a" && parts[1] === "hundred") return 100;
  const vals = parts.map((p) => NUMBER_WORD.get(p));
  if (vals.some((v) => v === undefined)) return null;
  if (vals.length === 1) return vals[0]!;
  const [t, o] = vals as [number, number];
  return t >= 20 && t % 10 === 0 && t < 100 && o > 0 && o < 10 ? t + o : null;
}

const NUM_WORDS = `(?:a hundred|(?:${TENS.filter(Boolean).join("|")})(?:[\\s-](?:${ONES.slice(1, 10).join("|")}))?|${ONES.join("|")}|hundred)`;

/** English figures: "thirty dollars" -> "$30", "20 percent" -> "20%", "eight LEDs" -> "8 LEDs" (not "one"). */
export function englishFigures(text: string): string {
  const num = (w: string) => {
    const v = numberValue(w);
    return v === null ? w : String(v);
  };
  return text
    .replace(new RegExp(`\\b(${NUM_WORDS}|\\d+(?:[.,]\\d+)?)\\s+(?:us\\s+)?dollars?\\b`, "giu"), (_, n: string) => `$${num(n)}`)
    .replace(new RegExp(`\\b(${NUM_WORDS}|\\d+(?:[.,]\\d+)?)\\s+euros?\\b`, "giu"), (_, n: string) => `€${num(n)}`)
    .replace(new RegExp(`\\b(${NUM_WORDS}|\\d+(?:[.,]\\d+)?)\\s*(?:percent|per cent)\\b`, "giu"), (_, n: string) => `${num(n)}%`)
    .replace(new RegExp(`\\b(${NUM_WORDS})(?=\\s+\\p{L})`, "giu"), (w: string) => {
      const v = numberValue(w);
      // "one board", "a one-stop shop": the word reads better than "1".
      return v === null || v < 2 ? w : String(v);
    });
}

/** A price or discount in (English-normalised) text: "under $30", "$19.99", "20% off", "free shipping". */
const OFFER = /\b(?:(?:under|from|only|just|save|for|at)\s+)?(?:[$€£]\s?\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s?[$€£])(?:\s+off)?|\b(?:(?:save|up to)\s+)?\d+%\s+off\b|\bfree\s+(?:shipping|delivery|trial)\b/iu;

/** Words a headline may drop from its start, and anywhere (English). */
const LEADING = /^(?:a|an|the|and|but|so|plus|also|now)\s+/iu;
const FILLER = /\b(?:full|really|very|truly|simply|just|whole|entire|complete|fully|totally)\s+/giu;
/** Words a phrase starts with: a headline may end right before one, never with one. */
const BOUNDARY = new Set(["for", "with", "to", "that", "which", "who", "so", "because", "when", "while", "and", "or", "but", "in", "on", "at", "from", "by", "of", "ready", "without", "into", "than", "as", "your", "you", "our", "we", "it", "is", "are"]);
const FUNCTION_END = new Set([
  ...["a", "an", "the", "and", "or", "but", "for", "with", "to", "of", "in", "on", "at", "by", "from", "your", "our", "my", "its", "their", "that", "which", "is", "are", "be", "so", "as", "than", "into", "no", "ready"],
  // Articles, prepositions and conjunctions of the languages the template writes (es, pt, fr, de, it).
  ...["de", "del", "la", "el", "los", "las", "un", "una", "en", "y", "con", "para", "por", "sin", "que", "al", "da", "do", "em", "e", "com", "sem", "um", "uma", "o", "os", "as", "le", "les", "une", "des", "du", "au", "et", "avec", "pour", "sans", "sur", "dans", "par", "der", "die", "das", "und", "mit", "für", "ohne", "im", "ein", "eine", "zu", "von", "di", "il", "lo", "per", "senza", "che"],
]);

interface Token {
  text: string;
  /** Counts as a word (has a letter or digit). */
  word: boolean;
}

function segmenterFor(language: string): Intl.Segmenter {
  try {
    return new Intl.Segmenter(language, { granularity: "word" });
  } catch {
    return new Intl.Segmenter("en", { granularity: "word" });
  }
}

/**
 * Units of a headline: whitespace-separated tokens in spaced scripts ("Cortex-M4" is one word), the
 * segmenter's words in scripts written without spaces.
 */
function tokens(text: string, language: string): Token[] {
  const spaced = /\s/.test(text.trim()) || !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u.test(text);
  if (spaced) {
    return text
      .split(/(\s+)/)
      .filter((t) => t.length > 0)
      .map((t) => ({ text: t, word: /[\p{L}\p{N}]/u.test(t) && !/^\s+$/.test(t) }));
  }
  return [...segmenterFor(language).segment(text)].map((s) => ({ text: s.segment, word: Boolean(s.isWordLike) }));
}

/** Words in `text` as a headline counts them. */
export function headlineWords(text: string, language = "en"): number {
  return tokens(text, language).filter((t) => t.word).length;
}

const stripEnd = (s: string) => s.trim().replace(/[\s.,;:…。、，．!?！？-]+$/u, "").trim();
const bare = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

function capitalise(s: string, language: string): string {
  const first = [...s][0];
  if (!first || first.toLocaleLowerCase(language) === first.toLocaleUpperCase(language)) return s;
  // Keep brand spellings ("iPhone", "eBay"): only a word that is all lower case is capitalised.
  const firstWord = s.split(/\s/)[0]!;
  if (firstWord !== firstWord.toLocaleLowerCase(language)) return s;
  return first.toLocaleUpperCase(language) + s.slice(first.length);
}

/** The first `max` words of `toks`, cut only where `ok(index of the next word token)` allows. */
function prefixWords(toks: Token[], max: number, ok: (nextWord: string) => boolean): string | null {
  let best: string | null = null;
  let count = 0;
  let out = "";
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.word) {
      if (count > 0 && count <= max && ok(t.text)) {
        const cand = stripEnd(out);
        const last = bare(cand.split(/\s+/).at(-1) ?? "");
        if (!FUNCTION_END.has(last) && headlineWords(cand) >= Math.min(2, max)) best = cand;
      }
      count++;
      if (count > max) break;
    }
    out += t.text;
  }
  if (count <= max) return stripEnd(out);
  return best;
}

/** The first `max` words of `toks`, whatever they end on. */
function firstWords(toks: Token[], max: number): string {
  let count = 0;
  let out = "";
  for (const t of toks) {
    if (t.word && ++count > max) break;
    out += t.text;
  }
  return out;
}

/**
 * A headline of at most `maxWords` words for `text` (see the module comment). Returns "" for text
 * with no words. `offer: false` skips step 2 (a call to action keeps its verb). Throws nothing.
 */
export function headlineOf(text: string, opts: { language?: string; maxWords?: number; offer?: boolean } = {}): string {
  const language = opts.language ?? "en";
  const max = Math.max(1, opts.maxWords ?? MAX_HEADLINE_WORDS);
  const english = language.toLowerCase().split("-")[0] === "en";
  let t = stripEnd(text.replace(/\s+/g, " "));
  if (!t) return "";
  if (english) t = englishFigures(t);
  const fits = (s: string) => headlineWords(s, language) <= max;
  if (english) {
    const offer = OFFER.exec(t)?.[0];
    // A sentence that carries a price or discount is shown as its offer ("Order yours today for under $30" -> "Under $30").
    if (opts.offer !== false && offer && fits(offer) && headlineWords(t) > 4) return capitalise(offer.replace(/^(?:for|at)\s+/i, "only ").trim(), language);
    if (fits(t)) return capitalise(t, language);
    t = t.replace(LEADING, "").replace(FILLER, "");
  }
  if (fits(t)) return capitalise(stripEnd(t), language);

  // Whole clauses from the start while they fit.
  const clauses = t.split(/\s*[,;:—–.!?]\s+|\s+-\s+|[、，；：。！？]/u).map(stripEnd).filter(Boolean);
  let joined = "";
  for (const c of clauses) {
    const next = joined ? `${joined}, ${c}` : c;
    if (!fits(next)) break;
    joined = next;
  }
  if (joined && headlineWords(joined, language) >= Math.min(2, max)) return capitalise(joined, language);

  // The first clause, cut before a phrase word; else at any word boundary.
  const first = clauses[0] ?? t;
  const toks = tokens(first, language);
  const atPhrase = english ? prefixWords(toks, max, (w) => BOUNDARY.has(bare(w))) : null;
  const cut = atPhrase ?? prefixWords(toks, max, () => true) ?? firstWords(toks, max);
  return capitalise(stripEnd(cut), language);
}

/** Verbs a call to action starts with, in the languages the template writes ("Order yours today", "Bestellen Sie..."). */
const CTA_START = new RegExp(
  "^(?:" +
    [
      // en
      "order", "pre-?order", "buy", "get", "shop", "try", "book", "grab", "claim", "start", "join", "sign up", "subscribe", "download",
      "visit", "call", "discover", "learn", "save", "reserve", "register", "apply", "explore", "upgrade", "switch", "see", "find out", "request",
      // es, pt, fr, de, it
      "compra", "pide", "consigue", "prueba", "descubre", "reserva", "compre", "peça", "experimente", "descubra", "commandez", "achetez",
      "découvrez", "essayez", "réservez", "bestellen sie", "bestelle", "kaufen sie", "kaufe", "hol dir", "holen sie sich", "entdecke", "entdecken sie",
      "jetzt", "ordina", "acquista", "scopri", "prova", "prenota",
    ].join("|") +
    ")\\b",
  "iu",
);

/** Whether `sentence` reads as a call to action: it starts with an imperative such as "Order", "Shop", "Bestellen Sie". */
export function isCallToAction(sentence: string): boolean {
  return CTA_START.test(sentence.trim().replace(/^[¡¿"“'‘]+/u, ""));
}

/**
 * The on-screen text of the call-to-action scene, made from the CTA itself (never a fixed phrase): the whole CTA
 * when it fits (`MAX_HEADLINE_WORDS` words, one fewer with a URL), English figures applied ("Order yours today for
 * under $30"); else its action from the start, cut at a phrase boundary, followed by the offer it names when both
 * fit ("Order yours today · Under $30"); then the URL or handle (" · st.com/nucleo"). At most 120 characters.
 * Throws nothing.
 */
export function ctaHeadline(cta: string, opts: { language?: string; url?: string } = {}): string {
  const language = opts.language ?? "en";
  const english = language.toLowerCase().split("-")[0] === "en";
  const url = opts.url?.trim();
  const max = MAX_HEADLINE_WORDS - (url ? 1 : 0);
  const t = stripEnd((english ? englishFigures(cta) : cta).replace(/\s+/g, " "));
  let head: string;
  if (headlineWords(t, language) <= max) head = capitalise(t, language);
  else {
    const offer = english ? OFFER.exec(t)?.[0]?.replace(/^(?:for|at)\s+/i, "only ").trim() : undefined;
    const offerWords = offer ? headlineWords(offer) : 0;
    const action = offer && offerWords < max - 1 ? headlineOf(t.slice(0, t.indexOf(OFFER.exec(t)![0])) || t, { language, maxWords: max - offerWords, offer: false }) : "";
    head = action && offer ? `${action} · ${capitalise(offer, language)}` : headlineOf(t, { language, maxWords: max, offer: false });
  }
  return (url ? `${head} · ${url}` : head).slice(0, 120);
}

/**
 * The call to action as the end card shows it: the CTA as written, with English figures ("for under thirty dollars"
 * -> "for under $30") and without a closing full stop. At most 120 characters. Throws nothing.
 */
export function endCardCta(cta: string, language = "en"): string {
  const english = language.toLowerCase().split("-")[0] === "en";
  return (english ? englishFigures(cta) : cta).trim().replace(/(?<!\.)\.$/u, "").trim().slice(0, 120);
}

/**
 * `script` with every scene's onScreenText made a headline: kept when it has 1..`MAX_HEADLINE_WORDS`
 * words and is not cut short ("…"), else `headlineOf` it (an empty one, or the narration cut short,
 * is made from the whole narration). `changed` lists what was
 * rewritten (scene index, before, after).
 */
export function withHeadlines<S extends { scenes: { narration: string; onScreenText: string }[] }>(
  script: S,
  language = "en",
): { script: S; changed: { scene: number; from: string; to: string }[] } {
  const changed: { scene: number; from: string; to: string }[] = [];
  const scenes = script.scenes.map((sc, i) => {
    const text = sc.onScreenText.trim();
    const words = headlineWords(text, language);
    const cut = text.endsWith("…") || text.endsWith("...");
    if (words >= 1 && words <= MAX_HEADLINE_WORDS && !cut) return sc;
    // The narration cut short (or nothing): the headline is made from the whole narration.
    const stem = text.replace(/(?:…|\.\.\.)$/u, "").trim();
    const fromNarration = words === 0 || (cut && sc.narration.trim().startsWith(stem));
    const to = headlineOf(fromNarration ? sc.narration : stem, { language }).slice(0, 120);
    changed.push({ scene: i, from: sc.onScreenText, to });
    return { ...sc, onScreenText: to };
  });
  return { script: { ...script, scenes }, changed };
}
