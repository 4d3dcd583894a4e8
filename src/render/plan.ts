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
   * `preview`: half size (e.g. 540x960), x264 ultrafast. Default `final`.
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

export const VisualSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("image"),
    /** Absolute path of a still (JPEG, PNG, WebP, GIF: first frame). */
    path: z.string().min(1),
    motion: KenBurnsSchema.default({ type: "zoom-in", easing: "ease-in-out", focusX: 0.5, focusY: 0.5, amount: 0.12 }),
  }),
  z.object({
    kind: z.literal("video"),
    /** Absolute path of a clip; trimmed to the scene, or looped when shorter. */
    path: z.string().min(1),
  }),
  z.object({ kind: z.literal("color"), color: hexColor }),
]);
export type Visual = z.infer<typeof VisualSchema>;

export const transitionKinds = ["cut", "flash", "crossfade", "slide"] as const;
export const TransitionSchema = z.object({
  kind: z.enum(transitionKinds).default("cut"),
  /** Seconds; ignored for `cut`. Default 0.3. */
  durationSec: nonNegSeconds.max(2).default(0.3),
});
export type Transition = z.infer<typeof TransitionSchema>;

export const SceneSchema = z.object({
  durationSec: z.number().finite().positive("a scene must last more than 0 s").max(600),
  visual: VisualSchema,
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
  cues: z.array(CueSchema).default([]),
});
export type Captions = z.infer<typeof CaptionsSchema>;

export const AudioSchema = z.object({
  /** Narration clips placed on the timeline at `startSec`. May be empty (music only, or silence). */
  voice: z.array(z.object({ path: z.string().min(1), startSec: nonNegSeconds })).default([]),
  /** Background music, looped if shorter than the video, ducked under the voice. */
  music: z.object({ path: z.string().min(1), gainDb: z.number().min(-60).max(12).default(-14) }).optional(),
  /** Integrated loudness target. Default -14 LUFS (social platforms). */
  targetLufs: z.number().min(-40).max(-5).default(-14),
  /** True-peak ceiling. Default -1 dBTP. */
  truePeakDb: z.number().min(-9).max(0).default(-1),
  /** Fade in/out at the ends of the mix. Default 0.4 s. */
  fadeSec: nonNegSeconds.max(5).default(0.4),
});
export type RenderAudio = z.infer<typeof AudioSchema>;

export const RenderPlanSchema = z
  .object({
    output: OutputSchema.default(OutputSchema.parse({})),
    scenes: z.array(SceneSchema).min(1, "a plan needs at least one scene").max(100),
    captions: CaptionsSchema.default(CaptionsSchema.parse({})),
    audio: AudioSchema.default(AudioSchema.parse({})),
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

export function totalDurationSec(plan: Pick<RenderPlan, "scenes">): number {
  return plan.scenes.reduce((sum, s) => sum + s.durationSec, 0);
}

/** Output size after the preset: preview halves it (kept even). */
export function outputSize(output: RenderOutput): { width: number; height: number } {
  if (output.preset === "final") return { width: output.width, height: output.height };
  const even = (n: number) => Math.max(16, Math.round(n / 4) * 2);
  return { width: even(output.width), height: even(output.height) };
}
