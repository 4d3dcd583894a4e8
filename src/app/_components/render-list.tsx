"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { lengthVsTarget, timeAgo } from "./format";
import { Empty, ErrorBox, Loading, StatusBadge } from "./ui";
import { RENDER_OUTCOME_LABELS } from "~/shared/render-outcome";

const inFlight = (s: string) => s === "queued" || s === "running";

/** A campaign's latest renders, updating every second while any is queued or running. */
export function RenderList({ campaignId, limit = 30, title = "Renders" }: { campaignId?: string; limit?: number; title?: string }) {
  const trpc = useTRPC();
  const renders = useQuery({
    ...trpc.render.list.queryOptions({ campaignId, limit }),
    refetchInterval: (q) => (q.state.data?.some((r) => inFlight(r.status)) ? 1000 : 10_000),
  });
  return (
    <section className="panel" aria-labelledby="renders-h">
      <div className="panel-head">
        <h2 id="renders-h">{title}</h2>
        <Link href={campaignId ? `/history?campaignId=${campaignId}` : "/history"} className="muted">
          Full history →
        </Link>
      </div>
      {renders.isLoading ? <Loading label="Loading renders" /> : null}
      <ErrorBox error={renders.error} retry={() => void renders.refetch()} />
      {renders.data?.length === 0 ? <Empty title="No renders yet">Queue a preview to see it here, with live progress.</Empty> : null}
      <ul className="list">
        {renders.data?.map((r) => (
          <li key={r.id} className="card" data-testid="render" data-status={r.status}>
            <div className="card-head">
              <div style={{ minWidth: 0 }}>
                <Link className="title" href={`/renders/${r.id}`} aria-label={`Render ${r.preset} of ${r.campaign.name}, ${RENDER_OUTCOME_LABELS[r.outcome]}`}>
                  {campaignId ? "" : `${r.campaign.name} · `}
                  {r.preset === "preview" ? "Preview" : "Final"} · {timeAgo(r.createdAt)}
                </Link>
                <div className="muted">
                  {r.stage} · {r.progress}%{r.durationSec ? ` · ${lengthVsTarget(r.durationSec, r.targetSec)} video` : ""}
                  {r.encoder ? ` · ${r.encoder}` : ""}
                  {r.variant.voice ? ` · voice ${r.variant.voice}` : ""}
                  {r.batchId ? " · batch" : ""}
                </div>
                {r.variant.hook ? <div className="muted">“{r.variant.hook}”</div> : null}
              </div>
              <StatusBadge status={r.outcome} />
            </div>
            {inFlight(r.status) ? (
              <div className="progress" role="progressbar" aria-valuenow={r.progress} aria-valuemin={0} aria-valuemax={100} aria-label="Render progress">
                <div style={{ width: `${r.progress}%` }} />
              </div>
            ) : null}
            {r.status === "failed" && r.error ? <div className="error-box">{r.error}</div> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
