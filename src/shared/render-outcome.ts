/**
 * What a render came to, as the history, the render page, the API and webhooks show it: its lifecycle `status`
 * (queued, running, succeeded, failed, cancelled), except that a succeeded render whose automatic checks found
 * something (`qaWarnings` > 0, see src/render/qa) is "succeeded with warnings". The video is delivered either way.
 *
 * Why not a sixth status: `status` drives the queue, the fan-in, video serving and every "is it done" query; whether
 * the finished video passed its checks is a separate fact about it, stored beside it (`Render.qa`, `qaWarnings`).
 */
export const RENDER_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type RenderStatusName = (typeof RENDER_STATUSES)[number];

export const RENDER_OUTCOMES = ["queued", "running", "succeeded", "succeeded_with_warnings", "failed", "cancelled"] as const;
export type RenderOutcome = (typeof RENDER_OUTCOMES)[number];

export function renderOutcome(r: { status: RenderStatusName; qaWarnings: number | null }): RenderOutcome {
  switch (r.status) {
    case "succeeded":
      return r.qaWarnings ? "succeeded_with_warnings" : "succeeded";
    case "queued":
    case "running":
    case "failed":
    case "cancelled":
      return r.status;
  }
}

export const RENDER_OUTCOME_LABELS: { [o in RenderOutcome]: string } = {
  queued: "queued",
  running: "running",
  succeeded: "succeeded",
  succeeded_with_warnings: "succeeded with warnings",
  failed: "failed",
  cancelled: "cancelled",
};
