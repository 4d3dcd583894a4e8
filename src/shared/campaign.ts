/**
 * The campaign brief as users write it: one zod schema for the dashboard form, tRPC input,
 * the CLI's campaign.json and the job payloads. Text fields accept any Unicode (emoji,
 * right-to-left scripts, braces, backslashes, quotes): they are rendered literally and never
 * reach a shell or a filter string.
 */
import "./zod-setup";
import { z } from "zod";
import { MOODS, TONES } from "~/plugins/spec/schemas";
import { briefFit } from "./brief-fit";
import { espeakVoiceFor, fliteSpeaks, googleTtsSpeaks, languageLabel, languageTagSchema } from "./languages";

export { MOODS as MUSIC_MOODS, TONES };

/**
 * The campaign's voice. `engine` says who speaks it: flite (inside ffmpeg, English only),
 * espeak-ng (offline, most languages) or Google's Gemini TTS (its 24 languages). Each Google
 * voice names its offline stand-ins (`fallback` for English, `fallbackOther` otherwise).
 */
export const VOICES = [
  { id: "slt", label: "Sarah (offline, English)", provider: "local", engine: "flite", fallback: "slt", fallbackOther: "espeak-f" },
  { id: "kal", label: "Kal (offline, English)", provider: "local", engine: "flite", fallback: "kal", fallbackOther: "espeak-m" },
  { id: "awb", label: "Alan (offline, English)", provider: "local", engine: "flite", fallback: "awb", fallbackOther: "espeak-m" },
  { id: "rms", label: "Rick (offline, English)", provider: "local", engine: "flite", fallback: "rms", fallbackOther: "espeak-m" },
  { id: "espeak-f", label: "Eva (offline, many languages)", provider: "local", engine: "espeak-ng", fallback: "espeak-f", fallbackOther: "espeak-f" },
  { id: "espeak-m", label: "Max (offline, many languages)", provider: "local", engine: "espeak-ng", fallback: "espeak-m", fallbackOther: "espeak-m" },
  { id: "Kore", label: "Kore (Google, firm)", provider: "google", engine: "gemini-tts", fallback: "slt", fallbackOther: "espeak-f" },
  { id: "Puck", label: "Puck (Google, upbeat)", provider: "google", engine: "gemini-tts", fallback: "kal", fallbackOther: "espeak-m" },
  { id: "Charon", label: "Charon (Google, informative)", provider: "google", engine: "gemini-tts", fallback: "rms", fallbackOther: "espeak-m" },
  { id: "Aoede", label: "Aoede (Google, breezy)", provider: "google", engine: "gemini-tts", fallback: "slt", fallbackOther: "espeak-f" },
] as const;
export type VoiceId = (typeof VOICES)[number]["id"];
export type Voice = (typeof VOICES)[number];
export const voiceIds = VOICES.map((v) => v.id) as [VoiceId, ...VoiceId[]];

/** Whether a voice can speak a (canonical) language tag. */
export function voiceSpeaks(voice: VoiceId, language: string): boolean {
  const v = VOICES.find((x) => x.id === voice);
  if (!v) return false;
  switch (v.engine) {
    case "flite":
      return fliteSpeaks(language);
    case "espeak-ng":
      return espeakVoiceFor(language) !== null;
    case "gemini-tts":
      return googleTtsSpeaks(language);
  }
}

/** The voices that speak `language`, in catalogue order. */
export function voicesFor(language: string): Voice[] {
  return VOICES.filter((v) => voiceSpeaks(v.id, language));
}

/** The offline voice standing in for `voice` in `language` (flite for English, else espeak-ng). */
export function offlineVoiceFor(voice: VoiceId, language: string): VoiceId {
  const v = VOICES.find((x) => x.id === voice) ?? VOICES[0];
  return fliteSpeaks(language) ? v.fallback : v.fallbackOther;
}

export const CAPTION_PRESETS = ["bold", "clean", "karaoke"] as const;
export const FONTS = ["DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono"] as const;

const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #1a2b3c");
/** Trims, and refuses text that is empty after trimming or holds control characters. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "is required")
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), "must not contain control characters");

export const captionStyleSchema = z.object({
  preset: z.enum(CAPTION_PRESETS).default("karaoke"),
  font: z.enum(FONTS).default("DejaVu Sans"),
  sizePx: z.number().int().min(32).max(160).default(78),
  primaryColor: hex.default("#ffffff"),
  highlightColor: hex.default("#ffd400"),
  outlineColor: hex.default("#000000"),
  outlinePx: z.number().int().min(0).max(12).default(5),
  position: z.enum(["bottom", "center", "top"]).default("bottom"),
  uppercase: z.boolean().default(false),
});
export type CaptionStyle = z.infer<typeof captionStyleSchema>;

export const MAX_IMAGES = 20;
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/** The call to action: what the viewer should do, spoken and shown; `url` is a web address or a handle (@name), shown only. */
export const ctaSchema = z.object({
  text: text(100),
  url: z
    .string()
    .trim()
    .max(200, "must be at most 200 characters")
    .regex(/^(?:@[\p{L}\p{N}_.-]{1,60}|(?:https?:\/\/)?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+(?:[/?#][^\s]*)?)$/u, "must be a web address (shop.example.com/x) or a handle (@name)")
    .optional(),
});
export type Cta = z.infer<typeof ctaSchema>;

export const MAX_MUST_SAY = 6;

/** The brief's fields, without the rule that what is required fits the length (campaignInputSchema). */
export const campaignFieldsSchema = z.object({
  name: text(120),
  product: text(200),
  audience: text(300),
  message: text(600),
  tone: z.enum(TONES).default("friendly"),
  targetSeconds: z.number().int("must be a whole number of seconds").min(6, "must be at least 6 s").max(90, "must be at most 90 s").default(20),
  aspect: z.literal("9:16").default("9:16"),
  fps: z.union([z.literal(24), z.literal(30)]).default(24),
  voice: z.enum(voiceIds, { error: `must be one of ${voiceIds.join(", ")}` }).default("slt"),
  musicMood: z.enum(MOODS).default("upbeat"),
  captionStyle: captionStyleSchema.default(captionStyleSchema.parse({})),
  brandColor: hex.default("#4f46e5"),
  /** Call to action; without one the script writes its own ("Try X today."). */
  cta: ctaSchema.optional(),
  /** Lines the ad must say word for word (claims, offer, legal line), in order of importance. */
  mustSay: z.array(text(200)).max(MAX_MUST_SAY, `at most ${MAX_MUST_SAY} lines`).default([]),
  /** BCP-47 tag of the script, voice and captions. Default "en". */
  language: languageTagSchema.default("en"),
});

/**
 * A CTA or must-say line that cannot be spoken within the chosen length is a field error
 * ("cta.text", "mustSay.2"), never a silent cut. The estimate is ./brief-fit.
 */
function refineFit(c: z.infer<typeof campaignFieldsSchema>, ctx: z.RefinementCtx) {
  const fit = briefFit(c);
  for (const [field, message] of Object.entries(fit.errors)) ctx.addIssue({ code: "custom", path: field.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k)), message });
  refineVoice(c, ctx);
}

/** The voice must speak the campaign's language: a field-level error on "voice" naming voices that can. */
function refineVoice(c: { voice: VoiceId; language: string }, ctx: z.RefinementCtx) {
  if (voiceSpeaks(c.voice, c.language)) return;
  const some = voicesFor(c.language).map((v) => v.label);
  ctx.addIssue({
    code: "custom",
    path: ["voice"],
    message: some.length
      ? `${VOICES.find((v) => v.id === c.voice)?.label ?? c.voice} cannot speak ${languageLabel(c.language)}; choose ${some.slice(0, 3).join(", ")}${some.length > 3 ? "…" : ""}`
      : `no voice can speak ${languageLabel(c.language)}`,
  });
}

export const campaignInputSchema = campaignFieldsSchema.superRefine(refineFit);
export type CampaignInput = z.infer<typeof campaignInputSchema>;

/** A campaign.json for the CLI: the brief plus image file paths (relative to the JSON file). */
export const campaignFileSchema = campaignFieldsSchema
  .extend({
    images: z.array(z.string().min(1)).max(MAX_IMAGES, `at most ${MAX_IMAGES} images`).default([]),
  })
  .superRefine(refineFit);
export type CampaignFile = z.infer<typeof campaignFileSchema>;

/** Field-level messages ("targetSeconds: must be at most 90 s") from a zod error. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of error.issues) out[i.path.join(".") || "_"] ??= i.message;
  return out;
}
