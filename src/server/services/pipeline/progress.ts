/**
 * Progress of a render, 0-100, from its stage: script 0-10, assets 10-50, assembly 50-100.
 * Writes are throttled by the callers (assets: once per finished asset; ffmpeg: every 2 s).
 */
import { type Db } from "~/server/db";

export const STAGE_RANGE = { script: [0, 10], assets: [10, 50], assemble: [50, 100] } as const;
export type Stage = keyof typeof STAGE_RANGE;

export function stageProgress(stage: Stage, fraction: number): number {
  const [a, b] = STAGE_RANGE[stage];
  return Math.round(a + (b - a) * Math.min(1, Math.max(0, fraction)));
}

/** Moves progress forward only, and only while the render is running. */
export async function setProgress(db: Db, renderId: string, stage: string, progress: number) {
  await db.render.updateMany({ where: { id: renderId, status: "running", progress: { lte: progress } }, data: { stage, progress } });
}

/** Adds `ms` to the render's stage timing `name` (merged into the JSON object). */
export async function addStageTiming(db: Db, renderId: string, name: string, ms: number) {
  await db.$executeRaw`
    update "Render" set "stageTimings" = "stageTimings" || jsonb_build_object(${name}::text, ${Math.round(ms)}::int)
    where id = ${renderId}`;
}
