/**
 * A render's segments as stored on it (`Render.segments`) and shown on its page: the video's independently encoded
 * H.264 runs (src/render/segments.ts) in output order, joined by stream copy. Each join (a segment's `startFrame`,
 * after the first) is where a player's seek or playback crosses from one encode to the next, so the browser test
 * (e2e/segment-joins.spec.ts) seeks onto every one.
 *
 * Invariant: the list tiles the video, in order, without gaps or overlaps (segment k starts where k-1 ended, the
 * first at frame 0); a stored value that breaks it, or any other malformed value, reads as null (not recorded).
 */
import { z } from "zod";
import { type SegmentReport } from "~/render";

/** One segment: frames at the render's fps (the campaign's, `settings.campaign.fps`). */
export const renderSegmentSchema = z.object({
  /** `body`: a scene's frames outside any transition; `transition`: the overlapping frames into the next scene. */
  kind: z.enum(["body", "transition"]),
  /** The plan's scene index (for a transition, the outgoing scene). */
  scene: z.number().int().min(0),
  /** Its first frame on the output timeline (0-based). */
  startFrame: z.number().int().min(0),
  frames: z.number().int().min(1),
  /** Reused from the segment cache (true) or encoded by this render. */
  hit: z.boolean(),
  /** Size of its H.264 stream in bytes. */
  bytes: z.number().int().min(0),
  /** Time to draw and encode it in ms (0 for a hit). */
  buildMs: z.number().min(0),
});
export type RenderSegment = z.infer<typeof renderSegmentSchema>;

export const renderSegmentsSchema = z
  .array(renderSegmentSchema)
  .min(1)
  .refine((list) => list.every((s, i) => s.startFrame === (i === 0 ? 0 : list[i - 1]!.startFrame + list[i - 1]!.frames)), {
    message: "segments must tile the video in order: each starts where the previous one ended, the first at frame 0",
  });

/** The record to store from the engine's report (its cache keys left out: they name cache files, not the video). */
export function segmentsRecord(reports: SegmentReport[]): RenderSegment[] {
  return renderSegmentsSchema.parse(reports.map(({ kind, scene, startFrame, frames, hit, bytes, buildMs }) => ({ kind, scene, startFrame, frames, hit, bytes, buildMs })));
}

/** A stored `Render.segments` value, or null when it is absent (renders assembled before it was recorded) or malformed. */
export function parseRenderSegments(value: unknown): RenderSegment[] | null {
  const r = renderSegmentsSchema.safeParse(value);
  return r.success ? r.data : null;
}
