import { parseQaReport } from "~/render/qa/report";
import { type RenderStatus } from "~/server/generated/prisma/client";
import { renderOutcome } from "~/shared/render-outcome";

/**
 * The render's outcome and QA report as the API and webhooks send them (stable names):
 * `outcome`: the status, or `succeeded_with_warnings` when a check failed (see src/shared/render-outcome.ts);
 * `qa`: null until the video is checked, then `{ warnings, checks: [{ id, verdict, summary, details, measured }] }`
 * (src/render/qa/report.ts).
 */
export function renderQaFields(r: { status: RenderStatus; qaWarnings: number | null; qa: unknown }) {
  const qa = parseQaReport(r.qa);
  return {
    outcome: renderOutcome(r),
    qa: qa ? { warnings: qa.warnings, checks: qa.checks } : null,
  };
}
