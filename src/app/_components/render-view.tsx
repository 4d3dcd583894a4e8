"use client";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { AssetTable } from "./asset-table";
import { QaPanel } from "./qa-panel";
import { SegmentTable } from "./segment-table";
import { formatBytes, formatDateTime, formatMs, formatUsd, lengthVsTarget } from "./format";
import { TimingBar } from "./timing-bar";
import { ErrorBox, Loading, StatusBadge } from "./ui";

const STAGES = ["queued", "script", "assets", "assemble", "done"] as const;

/** A render, live: polled every second while it is queued or running, then left alone. */
export function RenderView({ id }: { id: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const render = useQuery({
    ...trpc.render.get.queryOptions({ id }),
    refetchInterval: (q) => (q.state.data && (q.state.data.status === "queued" || q.state.data.status === "running") ? 1000 : false),
  });
  const refresh = () => qc.invalidateQueries(trpc.render.get.queryFilter({ id }));
  const cancel = useMutation(trpc.render.cancel.mutationOptions({ onSuccess: refresh }));
  const retry = useMutation(trpc.render.retry.mutationOptions({ onSuccess: refresh }));

  if (render.isLoading) return <Loading label="Loading render" lines={6} />;
  if (render.error || !render.data) return <ErrorBox error={render.error ?? { message: "Render not found" }} retry={() => void render.refetch()} />;
  const r = render.data;
  const live = r.status === "queued" || r.status === "running";
  const stageIndex = STAGES.indexOf(r.stage as (typeof STAGES)[number]);
  const wall = r.startedAt ? (r.finishedAt ?? new Date()).getTime() - r.startedAt.getTime() : null;

  return (
    <div data-testid="render-view" data-status={r.status} data-outcome={r.outcome}>
      <div className="crumbs">
        <Link href={`/campaigns/${r.campaign.id}`}>{r.campaign.name}</Link> / Render
      </div>
      <div className="page-head">
        <div>
          <h1>
            {r.preset === "preview" ? "Preview" : "Final"} render <StatusBadge status={r.outcome} />
          </h1>
          <p className="muted">
            Queued {formatDateTime(r.createdAt)}
            {r.queuedBy ? ` by ${r.queuedBy.name}` : ""} · attempt {r.attempt}
            {r.variant.voice ? ` · voice ${r.variant.voice}` : ""}
            {r.variant.hook ? ` · hook “${r.variant.hook}”` : ""}
          </p>
        </div>
        <div className="actions">
          {live ? (
            <button className="danger" onClick={() => cancel.mutate({ id })} disabled={cancel.isPending}>
              Cancel render
            </button>
          ) : null}
          {r.status === "failed" || r.status === "cancelled" ? (
            <button onClick={() => retry.mutate({ id })} disabled={retry.isPending}>
              Retry (keeps finished assets)
            </button>
          ) : null}
          {r.hasOutput ? (
            <a className="button secondary" href={`/api/renders/${r.id}/video?download=1`} download>
              Download MP4
            </a>
          ) : null}
        </div>
      </div>
      <ErrorBox error={cancel.error ?? retry.error} />
      <div className="grid" style={{ gridTemplateColumns: r.hasOutput ? "320px minmax(0, 1fr)" : "1fr" }}>
        {r.hasOutput ? (
          <section className="panel" aria-label="Video">
            <video className="player" src={`/api/renders/${r.id}/video`} controls preload="metadata" playsInline aria-label={`Video of ${r.campaign.name}`} />
            <p className="muted">
              <span data-testid="length-vs-target">{lengthVsTarget(r.durationSec, r.targetSec)}</span> · {r.outputBytes ? formatBytes(r.outputBytes) : ""} · {r.preset === "preview" ? "540x960 preview" : "1080x1920"}
            </p>
          </section>
        ) : null}
        <div className="stack">
          <section className="panel" aria-labelledby="progress-h">
            <div className="panel-head">
              <h2 id="progress-h">Progress</h2>
              <span className="muted" aria-live="polite" data-testid="render-stage">
                {r.stage} · {r.progress}%
              </span>
            </div>
            <div className="progress" role="progressbar" aria-valuenow={r.progress} aria-valuemin={0} aria-valuemax={100} aria-label="Render progress">
              <div style={{ width: `${r.progress}%`, background: r.status === "failed" ? "var(--bad)" : undefined }} />
            </div>
            <ol className="legend" style={{ listStyle: "none", padding: 0, marginTop: 10 }} aria-label="Stages">
              {STAGES.map((s, i) => (
                <li key={s} style={{ fontWeight: i === stageIndex ? 700 : 400, color: i <= stageIndex || r.status === "succeeded" ? "var(--ink)" : undefined }}>
                  {i < stageIndex || r.status === "succeeded" ? "✓ " : i === stageIndex && live ? "● " : ""}
                  {s}
                </li>
              ))}
            </ol>
            {r.error ? <div className="error-box">{r.error}</div> : null}
            <div className="stats" style={{ marginTop: 16, marginBottom: 0 }}>
              <div className="stat">
                <div className="label">Wall time</div>
                <div className="value">{formatMs(wall)}</div>
              </div>
              <div className="stat">
                <div className="label">Encoder</div>
                <div className="value" style={{ fontSize: 16 }}>
                  {r.encoder ?? "—"}
                </div>
              </div>
              <div className="stat">
                <div className="label">Cache hits</div>
                <div className="value">
                  {r.cacheHits}
                  <span className="muted"> / {r.cacheHits + r.cacheMisses}</span>
                </div>
              </div>
              <div className="stat">
                <div className="label">Estimated cost</div>
                <div className="value">{formatUsd(r.costUsd)}</div>
              </div>
              {r.reusedAssets > 0 ? (
                <div className="stat" data-testid="reuse-saving">
                  <div className="label">Saved by reuse</div>
                  <div className="value">
                    {formatUsd(r.savedUsd)}
                    <span className="muted" style={{ fontSize: 13 }}>
                      {" "}
                      · {r.reusedAssets} asset{r.reusedAssets === 1 ? "" : "s"} reused
                    </span>
                  </div>
                </div>
              ) : null}
            </div>
            <h3 style={{ marginTop: 16 }}>Time per stage</h3>
            <TimingBar timings={r.stageTimings} showLegend />
          </section>
          {r.status === "failed" || r.status === "cancelled" ? null : <QaPanel qa={r.qa} live={live} />}
        </div>
      </div>
      {r.segments && r.fps ? (
        <section style={{ marginTop: 20 }} className="panel" aria-labelledby="segments-h">
          <h2 id="segments-h">Segments</h2>
          <p className="muted">The video is these runs, each encoded on its own (or reused from the cache) and joined without re-encoding.</p>
          <SegmentTable segments={r.segments} fps={r.fps} />
        </section>
      ) : null}
      <section style={{ marginTop: 20 }} className="panel" aria-labelledby="assets-h">
        <h2 id="assets-h">Assets</h2>
        {r.assets.length === 0 ? <p className="muted">Assets appear once the script is written.</p> : <AssetTable assets={r.assets} renderStartedAt={r.startedAt} />}
      </section>
    </div>
  );
}
