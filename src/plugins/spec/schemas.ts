/**
 * Zod schemas for the data that crosses the provider boundary: what the app
 * asks for (inputs), what a provider hands back (script, word timings,
 * warnings) and the video operation handle stored in a job payload. The
 * same schemas validate at every boundary (job payload, provider answer).
 */
import { z } from "zod";

/** Speaking pace used to size scripts and estimate timings (words per second). */
export const WORDS_PER_SECOND = 2.6;
/** Two scenes (hook, call to action) is what a 6 s bumper holds. */
export const MIN_SCENES = 2;
export const MAX_SCENES = 12;

export const SceneSchema = z.object({
  /** What the voiceover says during the scene. */
  narration: z.string().trim().min(1),
  /** Short caption burned onto the scene (a few words). */
  onScreenText: z.string().trim().max(120),
  /** Prompt for the scene's image or video provider. */
  visualPrompt: z.string().trim().min(1),
  durationSec: z.number().min(1).max(20),
});
export type Scene = z.infer<typeof SceneSchema>;

/** A script: 2..12 scenes. A provider answering 0 or 200 scenes fails this, as malformed_response. */
export const ScriptSchema = z.object({
  title: z.string().trim().min(1),
  hook: z.string().trim().min(1),
  callToAction: z.string().trim().min(1),
  scenes: z.array(SceneSchema).min(MIN_SCENES).max(MAX_SCENES),
  /** What was left out, added or changed to fit the brief and the length (shown with the script; never silent). */
  notes: z.array(z.string()).max(40).optional(),
});
export type Script = z.infer<typeof ScriptSchema>;

export const TONES = ["friendly", "bold", "professional", "playful", "calm", "urgent"] as const;

/** The slice of a campaign a script provider needs. */
export const CampaignBriefSchema = z.object({
  product: z.string().trim().min(1),
  audience: z.string().trim().min(1),
  message: z.string().trim().min(1),
  /** Free text ("friendly", "bold but warm"); templates recognise TONES. Default "friendly". */
  tone: z.string().trim().min(1).default("friendly"),
  brandName: z.string().trim().optional(),
  /** Said word for word in the last scene. */
  callToAction: z.string().trim().optional(),
  /** Web address or handle of the call to action: shown on screen, not spoken. */
  callToActionUrl: z.string().trim().optional(),
  /** Lines the script must say word for word (claims, offer, legal line). */
  mustSay: z.array(z.string().trim().min(1)).max(12).optional(),
  /** Selling points; when absent the template derives them from `message`. */
  benefits: z.array(z.string().trim().min(1)).max(8).optional(),
});
export type CampaignBrief = z.infer<typeof CampaignBriefSchema>;

export const ScriptInputSchema = z.object({
  campaign: CampaignBriefSchema,
  /** Target length of the ad in seconds. Default 30. */
  targetDurationSec: z.number().min(6).max(180).default(30),
  /** BCP-47 language of the script. Default "en". */
  language: z.string().default("en"),
  /**
   * How long lines take to say with the campaign's voice and how much time the scenes have:
   * a line lasts `clipSec + secPerChar * characters`, each scene adds `gapSec`, and all scenes
   * together must stay within `budgetSec` (the target minus the end card and a margin).
   * Default: WORDS_PER_SECOND and the whole target.
   */
  timing: z
    .object({ secPerChar: z.number().positive().max(1), clipSec: z.number().min(0).max(5), gapSec: z.number().min(0).max(5), budgetSec: z.number().positive().max(180) })
    .optional(),
});
export type ScriptInput = z.input<typeof ScriptInputSchema>;

export const AspectRatioSchema = z.enum(["9:16", "16:9", "1:1"]);
export type AspectRatio = z.infer<typeof AspectRatioSchema>;

/** A file already on disk (an uploaded image, a scene's still). */
export const MediaFileSchema = z.object({
  file: z.string().min(1),
  mimeType: z.string().min(1),
});
export type MediaFile = z.infer<typeof MediaFileSchema>;

export const HexColorSchema = z.string().regex(/^#?[0-9a-fA-F]{6}$/, "expected a colour like #1a2b3c");

export const ImageInputSchema = z.object({
  prompt: z.string().min(1),
  /** Default "9:16". */
  aspectRatio: AspectRatioSchema.default("9:16"),
  /** The user's uploaded image: used as is (local-card) or as a reference (Gemini). */
  referenceImage: MediaFileSchema.optional(),
  brandColor: HexColorSchema.optional(),
  /** Secondary colour for gradients. */
  accentColor: HexColorSchema.optional(),
});
export type ImageInput = z.input<typeof ImageInputSchema>;

export const VideoInputSchema = z.object({
  prompt: z.string().min(1),
  /** Wanted clip length; providers snap to what they support and warn. */
  durationSec: z.number().min(1).max(20),
  aspectRatio: AspectRatioSchema.default("9:16"),
  /** The scene's still: image-to-video when present. */
  image: MediaFileSchema.optional(),
  negativePrompt: z.string().optional(),
});
export type VideoInput = z.input<typeof VideoInputSchema>;

export const VoiceoverInputSchema = z.object({
  text: z.string().trim().min(1).max(5000),
  /** Campaign voice name; a provider that does not know it warns and uses its default. */
  voice: z.string().optional(),
  language: z.string().default("en"),
  /** Free-text delivery hint ("warm, upbeat"), for providers that take one. */
  style: z.string().optional(),
});
export type VoiceoverInput = z.input<typeof VoiceoverInputSchema>;

export const MOODS = ["upbeat", "calm", "dramatic", "corporate", "none"] as const;
export const MoodSchema = z.enum(MOODS);
export type Mood = z.infer<typeof MoodSchema>;

export const MusicInputSchema = z.object({
  /** "none" yields a silent track of the given duration. */
  mood: MoodSchema,
  durationSec: z.number().min(1).max(300),
  /** Extra description for generative providers. */
  prompt: z.string().optional(),
});
export type MusicInput = z.input<typeof MusicInputSchema>;

export const WordTimingSchema = z.object({
  text: z.string(),
  /** Seconds from the start of the audio file. */
  start: z.number().min(0),
  end: z.number().min(0),
});
export type WordTiming = z.infer<typeof WordTimingSchema>;

/** A setting the provider could not honour. It is reported, never thrown. */
export const ProviderWarningSchema = z.object({
  type: z.enum(["unsupported-setting", "other"]),
  /** The setting concerned, e.g. "durationSec" or "voice". */
  setting: z.string().optional(),
  message: z.string(),
});
export type ProviderWarning = z.infer<typeof ProviderWarningSchema>;

/**
 * An in-flight long operation (Veo). Opaque to the caller, stored verbatim
 * in a job payload: it MUST stay JSON-serialisable (no Dates, no class
 * instances). `data` belongs to the provider.
 */
export const VideoOperationHandleSchema = z.object({
  providerId: z.string(),
  /** The provider's operation id (e.g. "models/veo…/operations/abc"). */
  id: z.string(),
  /** ISO time the operation was started. */
  startedAt: z.string(),
  /** ISO time after which the check gives up with a `timeout` error. */
  deadlineAt: z.string(),
  pollCount: z.number().int().min(0),
  data: z.record(z.string(), z.json()),
});
export type VideoOperationHandle = z.infer<typeof VideoOperationHandleSchema>;
