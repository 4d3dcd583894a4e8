import { env } from "~/env";
import { type Render } from "~/server/generated/prisma/client";

/** The API's view of a render (stable field names: clients depend on them). */
export function renderStatusBody(r: Render) {
  const base = env().PUBLIC_URL;
  return {
    id: r.id,
    campaignId: r.campaignId,
    status: r.status,
    preset: r.preset,
    stage: r.stage,
    progress: r.progress,
    error: r.error,
    durationSec: r.durationSec,
    encoder: r.encoder,
    costUsd: r.costUsd,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    url: `${base}/api/v1/renders/${r.id}`,
    videoUrl: r.status === "succeeded" ? `${base}/api/renders/${r.id}/video` : null,
  };
}
