/**
 * Builds a plausible value for a Gemini responseSchema (OpenAPI-style
 * {type:'OBJECT'}) or a JSON Schema ({type:'object'}), so the fake answers
 * JSON requests with data that fits whatever schema the caller sent.
 */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  minItems?: number | string;
  maxItems?: number | string;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
};

export interface FillOptions {
  /** Topic words used in strings (e.g. from the prompt). */
  topic: string;
  /** Force the length of arrays under these property names (e.g. { scenes: 0 }). */
  arrayLengths?: Record<string, number>;
}

function typeOf(schema: Schema): string {
  const t = Array.isArray(schema.type) ? schema.type.find((x) => x.toLowerCase() !== "null") : schema.type;
  return (t ?? (schema.properties ? "object" : "string")).toLowerCase();
}

export function fillSchema(schema: Schema, options: FillOptions, name = "value", index = 0): unknown {
  if (schema.enum?.length) return schema.enum[index % schema.enum.length];
  switch (typeOf(schema)) {
    case "object":
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, fillSchema(s, options, k, index)]));
    case "array": {
      const min = Number(schema.minItems ?? 1);
      const max = Number(schema.maxItems ?? 5);
      const length = options.arrayLengths?.[name] ?? Math.max(min, Math.min(max, 5));
      return Array.from({ length }, (_, i) => fillSchema(schema.items ?? {}, options, name, i));
    }
    case "integer":
    case "number": {
      const lo = schema.minimum ?? 1;
      const hi = schema.maximum ?? Math.max(lo, 10);
      const v = /duration/i.test(name) ? 5 : lo + (index % Math.max(1, hi - lo + 1));
      return Math.min(hi, Math.max(lo, v));
    }
    case "boolean":
      return index % 2 === 0;
    default:
      return stringFor(name, options.topic, index);
  }
}

function stringFor(name: string, topic: string, index: number): string {
  const n = index + 1;
  if (/narration/i.test(name)) return `Scene ${n}: here is why ${topic} makes your day better, in a few clear words.`;
  if (/onScreen|caption/i.test(name)) return `${topic} #${n}`;
  if (/visual|prompt/i.test(name)) return `Vertical shot ${n} of ${topic}, bright natural light, close-up`;
  if (/hook/i.test(name)) return `Stop scrolling: ${topic} is here.`;
  if (/call.?to.?action|cta/i.test(name)) return `Try ${topic} today.`;
  if (/title/i.test(name)) return `${topic}: the ad`;
  return `${name} ${n} about ${topic}`;
}
