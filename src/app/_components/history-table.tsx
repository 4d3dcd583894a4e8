"use client";
import Link from "next/link";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { RENDER_OUTCOME_LABELS, RENDER_OUTCOMES } from "~/shared/render-outcome";
import { formatDateTime, formatMs, formatUsd, lengthVsTarget } from "./format";
import { TimingBar } from "./timing-bar";
import { Empty, ErrorBox, Loading, StatusBadge } from "./ui";

const STATUSES = RENDER_OUTCOMES;
type Status = (typeof STATUSES)[number];

const day = (s: string) => (s ? new Date(`${s}T00:00:00`) : null);

/** Every render the user may see; filters and keyset pages ("Older" / "Newer"). */
export function HistoryTable({ initialCampaignId, initialStatus }: { initialCampaignId?: string; initialStatus?: string }) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<Status | "">(STATUSES.find((s) => s === initialStatus) ?? "");
  const [campaignId, setCampaignId] = useState(initialCampaignId ?? "");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  // Cursors of the pages before this one: "Newer" pops, "Older" pushes.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const campaigns = useQuery(trpc.campaign.list.queryOptions({ archived: false }));
  const page = useQuery({
    ...trpc.history.list.queryOptions({ cursor, limit: 25, status: status || null, campaignId: campaignId || null, from: day(from), to: day(to) }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.status === "queued" || r.status === "running") ? 2000 : false),
  });
  const resetPages = () => setCursors([null]);

  return (
    <section className="panel" aria-label="Render history">
      <div className="filters" role="search" aria-label="Filter renders">
        <div>
          <label htmlFor="f-status">Status</label>
          <select id="f-status" value={status} onChange={(e) => (setStatus(e.target.value as Status | ""), resetPages())}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {RENDER_OUTCOME_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-campaign">Campaign</label>
          <select id="f-campaign" value={campaignId} onChange={(e) => (setCampaignId(e.target.value), resetPages())}>
            <option value="">All campaigns</option>
            {campaigns.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-from">From</label>
          <input id="f-from" type="date" value={from} onChange={(e) => (setFrom(e.target.value), resetPages())} />
        </div>
        <div>
          <label htmlFor="f-to">To</label>
          <input id="f-to" type="date" value={to} onChange={(e) => (setTo(e.target.value), resetPages())} />
        </div>
      </div>
      {page.isLoading ? <Loading label="Loading history" lines={5} /> : null}
      <ErrorBox error={page.error} retry={() => void page.refetch()} />
      {page.data?.items.length === 0 ? <Empty title="No renders match">Change the filters, or queue a render from a campaign.</Empty> : null}
      {page.data && page.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table" aria-label="Renders">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Campaign</th>
                <th scope="col">Queued by</th>
                <th scope="col">Queued</th>
                <th scope="col">Took</th>
                <th scope="col" style={{ minWidth: 160 }}>
                  Stages
                </th>
                <th scope="col">Encoder</th>
                <th scope="col">Cache hits</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((r) => (
                <tr key={r.id} data-testid="history-row" data-status={r.status} data-outcome={r.outcome}>
                  <td>
                    <StatusBadge status={r.outcome} />
                    {r.qaWarnings ? <div className="muted">{r.qaWarnings} check{r.qaWarnings > 1 ? "s" : ""} failed</div> : null}
                  </td>
                  <td>
                    <Link href={`/renders/${r.id}`}>{r.campaign.name}</Link>
                    <div className="muted">
                      {r.preset}
                      {r.variant.voice ? ` · ${r.variant.voice}` : ""}
                      {r.variant.hook ? ` · “${r.variant.hook.slice(0, 30)}”` : ""}
                      {r.durationSec ? ` · ${lengthVsTarget(r.durationSec, r.targetSec)} video` : ""}
                    </div>
                  </td>
                  <td>{r.queuedBy?.name ?? <span className="muted">API / removed</span>}</td>
                  <td>{formatDateTime(r.createdAt)}</td>
                  <td>{r.wallSec !== null ? formatMs(r.wallSec * 1000) : r.status === "running" ? `${r.progress}%` : "—"}</td>
                  <td>
                    <TimingBar timings={r.stageTimings} />
                  </td>
                  <td className="mono">{r.encoder ?? "—"}</td>
                  <td>{r.cacheHits + r.cacheMisses > 0 ? `${r.cacheHits}/${r.cacheHits + r.cacheMisses}` : "—"}</td>
                  <td>{formatUsd(r.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="pager">
        <button className="secondary small" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
          ← Newer
        </button>
        <span className="muted">Page {cursors.length}</span>
        <button className="secondary small" disabled={!page.data?.nextCursor} onClick={() => page.data?.nextCursor && setCursors((c) => [...c, page.data.nextCursor])}>
          Older →
        </button>
      </div>
    </section>
  );
}
