/**
 * The render plan: a plain, JSON-serialisable description of one video.
 *
 * Glossary
 * - plan: everything needed to render one video; built by the render service from a campaign and its assets.
 * - scene: one slot of the timeline with one visual (still, video clip or colour card).
 * - transition: how a scene hands over to the NEXT one (the last scene's transition is ignored).
 * - cue: one caption line on screen from `start` to `end` (seconds on the output timeline).
 * - Ken Burns: the slow zoom/pan applied to a still.
 *
 * Timeline rules (must stay true, the audio and captions rely on them):
 * - Scene i occupies [sum(durations before i), + durationSec) and the video lasts sum(durationSec).
 * - A flash, crossfade or slide of d seconds is centred on the boundary: each side is extended by d/2, so the
 *   total length and every absolute time (captions, narration) are unchanged. A flash goes through white.
 */
import { z } from "zod";

export const encoderIds = ["h264_nvenc", "h264_qsv", "h264_vaapi", "h264_videotoolbox", "libx264"] as const;
export const EncoderIdSchema = z.enum(encoderIds);
export type EncoderId = z.infer<typeof EncoderIdSchema>;

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "expected a colour like #ff8800");
const unit = z.number().min(0).max(1);
const nonNegSeconds = z.number().finite().min(0);

export const OutputSchema = z.object({
  /** Output width in pixels. Default 1080. Must be even (yuv420p). */
  width: z.number().int().min(16).max(4096).multipleOf(2).default(1080),
  /** Output height in pixels. Default 1920. Must be even (yuv420p). */
  height: z.number().int().min(16).max(4096).multipleOf(2).default(1920),
  /** Frames per second. Default 24 (the usual advice for ads). */
  fps: z.union([z.literal(24), z.literal(30)]).default(24),
  /**
   * `final`: full size, x264 veryfast CRF 21, AAC 160k, +faststart.
   * `preview`: half size (e.g. 540x960), x264 superfast CRF 26, AAC 96k: at most 0.35x the final's assembly time
   * and half its bytes (`npm run bench:render` measures both). Default `final`.
   */
  preset: z.enum(["preview", "final"]).default("final"),
  /** Force an encoder; default: the best one `detectEncoders` found working (else libx264). */
  encoder: EncoderIdSchema.optional(),
});
export type RenderOutput = z.infer<typeof OutputSchema>;

export const kenBurnsTypes = ["zoom-in", "zoom-out", "pan-left", "pan-right", "pan-up", "pan-down", "none"] as const;
export const KenBurnsSchema = z.object({
  type: z.enum(kenBurnsTypes).default("zoom-in"),
  /** Default `ease-in-out`. */
  easing: z.enum(["linear", "ease-in-out"]).default("ease-in-out"),
  /** Focal point, 0..1 of the covered frame (zoom centre; ignored by pans on their moving axis). Default 0.5. */
  focusX: unit.default(0.5),
  focusY: unit.default(0.5),
  /** How far the move goes: zoom factor 1 -> 1+amount, or a pan across `amount` of the frame. Default 0.12. */
  amount: z.number().min(0.01).max(0.5).default(0.12),
});
export type KenBurns = z.infer<typeof KenBurnsSchema>;

/**
 * How a photo fills the vertical frame (see framing.ts).
 * - `cover`: scaled to fill the frame and cropped; the crop keeps the focal point in view.
 * - `contain`: shown whole (never upscaled beyond 1.5x) over a `backdrop`; Ken Burns moves only the sharp photo.
 * - `auto` (default): `contain` when the photo's aspect is far from the frame's (more than 1.4x wider or taller
 *   in ratio) or when a cover crop would upscale it more than 1.5x at the move's largest zoom; else `cover`.
 */
export const FramingSchema = z.object({
  mode: z.enum(["auto", "cover", "contain"]).default("auto"),
  /**
   * Focal point in 0..1 of the SOURCE photo (0,0 = top-left). Cover crops are placed to keep it as central as the
   * photo allows, and it is the Ken Burns zoom centre. Unset: the motion's own `focusX`/`focusY` (of the covered
   * frame) are used, as before framing existed.
   */
  focusX: unit.optional(),
  focusY: unit.optional(),
  /** Behind a `contain` photo: `blur` (a blurred, darkened copy of the photo, default) or `color` (brand primary). */
  backdrop: z.enum(["blur", "color"]).default("blur"),
});
export type Framing = z.infer<typeof FramingSchema>;

export const VisualSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("image"),
    /** Absolute path of a still (JPEG, PNG, WebP, GIF: first frame). */
    path: z.string().min(1),
    motion: KenBurnsSchema.default({ type: "zoom-in", easing: "ease-in-out", focusX: 0.5, focusY: 0.5, amount: 0.12 }),
    framing: FramingSchema.default({ mode: "auto", backdrop: "blur" }),
  }),
  z.object({
    kind: z.literal("video"),
    /** Absolute path of a clip; trimmed to the scene, or looped when shorter. */
    path: z.string().min(1),
  }),
  z.object({ kind: z.literal("color"), color: hexColor }),
  z.object({
    /**
     * A motion background in the brand colours (design.ts `motionDesignChain`): gradient drift, shapes moving,
     * subtle grain, drawn by the assembly itself. Its colours come from `brand` so the headline plates contrast
     * with it; `seed` picks the layout (the same seed, brand and length give the same frames).
     */
    kind: z.literal("design"),
    seed: z.number().int().min(0).max(0xffffffff),
  }),
]);
export type Visual = z.infer<typeof VisualSchema>;

export const transitionKinds = ["cut", "flash", "crossfade", "slide"] as const;
export const TransitionSchema = z.object({
  kind: z.enum(transitionKinds).default("cut"),
  /** Seconds; ignored for `cut`. Default 0.3. */
  durationSec: nonNegSeconds.max(2).default(0.3),
});
export type Transition = z.infer<typeof TransitionSchema>;

/** User text shown on screen (headline, CTA, brand name): any Unicode, escaped by the renderer, one line or a few. */
const screenText = (max: number) => z.string().trim().min(1).max(max);

export const SceneSchema = z.object({
  durationSec: z.number().finite().positive("a scene must last more than 0 s").max(600),
  visual: VisualSchema,
  /**
   * The scene's on-screen text (the script's `onScreenText`), drawn as a headline overlay in the brand's font and
   * colours inside `textBands(...).headline` (see overlays.ts): broken into lines and shrunk to fit the band,
   * animated in ~0.25 s after the scene starts, out with the scene. Unset or empty: no headline.
   */
  headline: screenText(160).optional(),
  /** Transition into the next scene. Default: cut. */
  transition: TransitionSchema.default({ kind: "cut", durationSec: 0 }),
});
export type Scene = z.infer<typeof SceneSchema>;

export const WordSchema = z.object({ text: z.string(), start: nonNegSeconds, end: nonNegSeconds });
export type Word = z.infer<typeof WordSchema>;

export const CueSchema = z
  .object({
    start: nonNegSeconds,
    end: nonNegSeconds,
    /** Shown literally: ASS override tags, braces and backslashes in it are escaped. */
    text: z.string(),
    /** Word timings for the karaoke highlight; without them words share the cue by character count. */
    words: z.array(WordSchema).optional(),
  })
  .refine((c) => c.end > c.start, { message: "cue end must be after its start" });
export type Cue = z.infer<typeof CueSchema>;

export const CaptionStyleSchema = z.object({
  /** A family fontconfig knows (the machine's fonts or the repo's fontsDir). Default `DejaVu Sans`. */
  font: z
    .string()
    .regex(/^[\p{L}\p{N} ._-]{1,100}$/u, "a font family name (letters, digits, spaces, . _ -)")
    .default("DejaVu Sans"),
  /** Font size in output pixels at 1920 height (scaled for other sizes). Default 72. */
  sizePx: z.number().min(8).max(400).default(72),
  primaryColor: hexColor.default("#ffffff"),
  /** Colour of the word being spoken. */
  highlightColor: hexColor.default("#ffd21f"),
  outlineColor: hexColor.default("#000000"),
  outlinePx: z.number().min(0).max(40).default(5),
  position: z.enum(["bottom", "center", "top"]).default("bottom"),
  uppercase: z.boolean().default(false),
  bold: z.boolean().default(true),
});
export type CaptionStyle = z.infer<typeof CaptionStyleSchema>;

export const CaptionsSchema = z.object({
  style: CaptionStyleSchema.default(CaptionStyleSchema.parse({})),
  /** BCP-47 tag of the cues' text (line breaking, shaping, font choice). Default "en". */
  language: z.string().min(2).max(35).default("en"),
  /** Base direction of the cues' text: "rtl" for Arabic, Hebrew, Persian, Urdu... Default "ltr". */
  direction: z.enum(["ltr", "rtl"]).default("ltr"),
  cues: z.array(CueSchema).default([]),
});
export type Captions = z.infer<typeof CaptionsSchema>;

export const AudioSchema = z.object({
  /** Narration clips placed on the timeline at `startSec`. May be empty (music only, or silence). */
  voice: z.array(z.object({ path: z.string().min(1), startSec: nonNegSeconds })).default([]),
  /**
   * Background music, looped if shorter than the video: a bed that sits `level` below the voice between lines and
   * is ducked a further step while anyone speaks (figures and reasons in audio.ts, `MUSIC_LEVELS`), with fades.
   * `gainDb` applies only when there is no voice (nothing to level against).
   */
  music: z
    .object({
      path: z.string().min(1),
      gainDb: z.number().min(-60).max(12).default(-14),
      /** The bed's level against the voice: low, medium (default) or high. */
      level: z.enum(["low", "medium", "high"]).default("medium"),
    })
    .optional(),
  /** Integrated loudness target. Default -14 LUFS (social platforms). */
  targetLufs: z.number().min(-40).max(-5).default(-14),
  /** True-peak ceiling. Default -1 dBTP. */
  truePeakDb: z.number().min(-9).max(0).default(-1),
  /** Fade in/out at the ends of the mix. Default 0.4 s. */
  fadeSec: nonNegSeconds.max(5).default(0.4),
});
export type RenderAudio = z.infer<typeof AudioSchema>;

/** A font family name fontconfig can match (letters, digits, spaces, `.`, `_`, `-`). */
const fontFamily = z.string().regex(/^[\p{L}\p{N} ._-]{1,100}$/u, "a font family name (letters, digits, spaces, . _ -)");

/**
 * The brand on screen: headline plates, the end card and designed backgrounds use it. Every field has a default, so a
 * plan without a brand still renders (Reelfarm's indigo, white text, DejaVu Sans).
 */
export const BrandSchema = z.object({
  /** Brand or product name, shown on the end card under the logo. Unset: no name line. */
  name: screenText(80).optional(),
  /**
   * Absolute path of the logo (PNG or WebP; transparency is kept, composited over the card). Scaled to fit a box of
   * at most 40% of the frame width and 12% of its height on the end card. Unset: no logo.
   */
  logoPath: z.string().min(1).optional(),
  colors: z
    .object({
      /** Main brand colour: headline plates, end card background, colour backdrops. Default #4f46e5. */
      primary: hexColor.default("#4f46e5"),
      /** Second colour: gradients and accents (end card URL line, motion shapes). Default #111827. */
      secondary: hexColor.default("#111827"),
      /** Text on primary/secondary: headline and end card text. Default #ffffff. */
      text: hexColor.default("#ffffff"),
    })
    .default({ primary: "#4f46e5", secondary: "#111827", text: "#ffffff" }),
  /** Font family of headlines and the end card (installed, or the family inside `fontPath`). Default `DejaVu Sans`. */
  font: fontFamily.default("DejaVu Sans"),
  /**
   * Absolute path of a TTF/OTF file (already validated by the upload). Its directory is given to libass as
   * `fontsdir`, so `font` must be the family name inside that file. Unset: installed fonts only.
   */
  fontPath: z.string().min(1).optional(),
});
export type Brand = z.infer<typeof BrandSchema>;
export const DEFAULT_BRAND: Brand = BrandSchema.parse({});

/**
 * The card closing every ad: its own part of the timeline, AFTER the last scene (the video lasts the scenes plus
 * `durationSec`). A brand-colour background with the logo, the brand name, the CTA (large) and the URL or handle.
 * Narration and music placed past the last scene simply continue over it.
 */
export const EndCardSchema = z.object({
  /** Seconds. Default 2.5 (long enough to read a short CTA twice). */
  durationSec: z.number().finite().min(0.5).max(10).default(2.5),
  /** Call to action, e.g. "Order yours today". */
  cta: screenText(120),
  /** URL or handle shown under the CTA, e.g. "shop.example.com" or "@brand". */
  url: screenText(100).optional(),
  /** The crossfade from the last scene into the card, seconds (0 = cut). Default 0.4. */
  transitionSec: nonNegSeconds.max(1).default(0.4),
});
export type EndCard = z.infer<typeof EndCardSchema>;

export const RenderPlanSchema = z
  .object({
    output: OutputSchema.default(OutputSchema.parse({})),
    scenes: z.array(SceneSchema).min(1, "a plan needs at least one scene").max(100),
    captions: CaptionsSchema.default(CaptionsSchema.parse({})),
    audio: AudioSchema.default(AudioSchema.parse({})),
    brand: BrandSchema.default(DEFAULT_BRAND),
    /** Unset: no end card (the video ends with the last scene). */
    endCard: EndCardSchema.optional(),
  })
  .superRefine((plan, ctx) => {
    // Overlapping transitions eat into both neighbours: each half must fit inside its scene.
    plan.scenes.forEach((scene, i) => {
      const next = plan.scenes[i + 1];
      const t = scene.transition;
      if (!next || t.kind === "cut") return;
      const need = t.durationSec / 2;
      if (need > scene.durationSec / 2 || need > next.durationSec / 2) {
        ctx.addIssue({
          code: "custom",
          path: ["scenes", i, "transition", "durationSec"],
          message: `transition of ${t.durationSec}s is too long for scenes of ${scene.durationSec}s and ${next.durationSec}s`,
        });
      }
    });
  });
/** A validated plan with every default filled in. */
export type RenderPlan = z.infer<typeof RenderPlanSchema>;
/** What callers may pass (defaults optional). */
export type RenderPlanInput = z.input<typeof RenderPlanSchema>;

export function parseRenderPlan(input: unknown): RenderPlan {
  return RenderPlanSchema.parse(input);
}

/** Start time (s) of every scene on the output timeline, plus the total length as the last element. */
export function sceneStarts(plan: Pick<RenderPlan, "scenes">): number[] {
  const starts = [0];
  for (const s of plan.scenes) starts.push(starts[starts.length - 1]! + s.durationSec);
  return starts;
}

/** The video's length: every scene plus the end card, if any. */
export function totalDurationSec(plan: Pick<RenderPlan, "scenes"> & { endCard?: { durationSec: number } }): number {
  return plan.scenes.reduce((sum, s) => sum + s.durationSec, 0) + (plan.endCard?.durationSec ?? 0);
}

/** Output size after the preset: preview halves it (kept even). */
export function outputSize(output: RenderOutput): { width: number; height: number } {
  if (output.preset === "final") return { width: output.width, height: output.height };
  const even = (n: number) => Math.max(16, Math.round(n / 4) * 2);
  return { width: even(output.width), height: even(output.height) };
}
