/**
 * The texts of a campaign that end up drawn on the video (captions speak the script; headlines, the call to action
 * and must-say lines are shown), for the glyph check. Shared by the browser (the form warns as you type) and the
 * server. Order: brief fields, then every string of an edited script.
 */
export interface DrawnTextSource {
  product?: unknown;
  audience?: unknown;
  message?: unknown;
  /** `{ text }` of the call to action (anything else is ignored). */
  cta?: unknown;
  mustSay?: unknown;
  scriptOverride?: unknown;
}

/** Every non-empty string inside `value` (objects and arrays walked), at most `limit` of them. */
function strings(value: unknown, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (typeof value === "string") {
    if (value.trim() !== "") out.push(value);
  } else if (Array.isArray(value)) for (const v of value) strings(v, out, limit);
  else if (value && typeof value === "object") for (const v of Object.values(value)) strings(v, out, limit);
}

/** At most 200 texts: the brief's drawn fields and an edited script's strings (its visual prompts included). */
export function drawnTexts(c: DrawnTextSource): string[] {
  const out: string[] = [];
  const cta = c.cta && typeof c.cta === "object" && "text" in c.cta ? c.cta.text : undefined;
  strings([c.product, c.audience, c.message, cta, c.mustSay], out, 200);
  strings(c.scriptOverride, out, 200);
  return out;
}
