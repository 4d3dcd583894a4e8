"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";

/** Campaigns with a "Queue render" button, and their renders updating live until done. */
export function CampaignsAndRenders() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const campaigns = useQuery(trpc.campaign.list.queryOptions());
  const renders = useQuery({
    ...trpc.render.list.queryOptions({}),
    // Poll while anything is in flight; stop when all are settled.
    refetchInterval: (q) => (q.state.data?.some((r) => r.status === "queued" || r.status === "running") ? 1000 : false),
  });
  const queue = useMutation(trpc.render.queue.mutationOptions({ onSuccess: () => qc.invalidateQueries(trpc.render.list.queryFilter()) }));

  return (
    <div style={{ display: "grid", gap: 24 }}>
      <section className="panel" aria-labelledby="campaigns-h">
        <h2 id="campaigns-h">Campaigns</h2>
        {campaigns.isLoading ? <p className="muted">Loading…</p> : null}
        {campaigns.data?.length === 0 ? <p className="empty">No campaigns yet. Write your first brief on the left.</p> : null}
        <ul className="list">
          {campaigns.data?.map((c) => (
            <li key={c.id} className="card" data-testid="campaign">
              <div className="card-head">
                <div>
                  <strong>{c.name}</strong>
                  <div className="muted">
                    {c.product} · {c.targetSeconds}s · {c.fps} fps · {c._count.renders} renders
                  </div>
                </div>
                <button onClick={() => queue.mutate({ campaignId: c.id, preset: "final" })} disabled={queue.isPending} aria-label={`Queue render of ${c.name}`}>
                  Queue render
                </button>
              </div>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="renders-h">
        <h2 id="renders-h">Renders</h2>
        {renders.data?.length === 0 ? <p className="empty">Queued renders show up here with live progress.</p> : null}
        <ul className="list">
          {renders.data?.map((r) => (
            <li key={r.id} className="card" data-testid="render" data-status={r.status}>
              <div className="card-head">
                <div>
                  <strong>{r.campaign.name}</strong>
                  <div className="muted">
                    {r.stage} · {r.progress}%{r.durationSec ? ` · ${r.durationSec.toFixed(1)} s video` : ""}
                    {r.encoder ? ` · ${r.encoder}` : ""}
                  </div>
                </div>
                <span className={`badge ${r.status}`}>{r.status}</span>
              </div>
              {r.status === "running" || r.status === "queued" ? (
                <div className="progress" role="progressbar" aria-valuenow={r.progress} aria-valuemin={0} aria-valuemax={100} aria-label="Render progress">
                  <div style={{ width: `${r.progress}%` }} />
                </div>
              ) : null}
              {r.status === "failed" && r.error ? <div className="error-box">{r.error}</div> : null}
              {r.status === "succeeded" ? (
                <>
                  <video className="player" src={`/api/renders/${r.id}/video`} controls preload="metadata" playsInline aria-label={`Video of ${r.campaign.name}`} />
                  <a className="button secondary" style={{ marginTop: 8 }} href={`/api/renders/${r.id}/video?download=1`}>
                    Download MP4
                  </a>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
