import Link from "next/link";
import type { AssetAttempt } from "~/server/services/dashboard";
import { assetLabel, formatMs, formatUsd } from "./format";
import { StatusBadge } from "./ui";

interface Asset {
  id: string;
  kind: string;
  sceneIndex: number;
  status: string;
  providerId: string | null;
  attempts: AssetAttempt[];
  fallbackReason: string | null;
  error: string | null;
  costUsd: number;
  /** The provider cost model's estimate of the call a reuse avoided (USD). */
  savedUsd: number;
  /** The render whose stored file this asset reused (same team), or null. */
  reusedFrom: { renderId: string; campaignName: string | null; createdAt: Date | null } | null;
  retries: number;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** Each asset of a render: state, the provider that made it, every provider tried and why it moved on. */
export function AssetTable({ assets, renderStartedAt }: { assets: Asset[]; renderStartedAt: Date | null }) {
  const t0 = renderStartedAt?.getTime() ?? Math.min(...assets.flatMap((a) => (a.startedAt ? [a.startedAt.getTime()] : [Date.now()])));
  const t1 = Math.max(t0 + 1, ...assets.flatMap((a) => (a.finishedAt ? [a.finishedAt.getTime()] : a.startedAt ? [Date.now()] : [])));
  return (
    <div className="table-wrap">
      <table className="table assets" aria-label="Assets">
        <thead>
          <tr>
            <th scope="col">Asset</th>
            <th scope="col">State</th>
            <th scope="col">Provider</th>
            <th scope="col">Attempts</th>
            <th scope="col">Fallback reason</th>
            <th scope="col" style={{ width: 120 }}>
              Timeline
            </th>
            <th scope="col">Cost</th>
          </tr>
        </thead>
        <tbody>
          {assets.map((a) => {
            const start = a.startedAt?.getTime();
            const end = a.finishedAt?.getTime() ?? (start ? Date.now() : undefined);
            return (
              <tr key={a.id} data-testid="asset" data-status={a.status}>
                <td>{assetLabel(a)}</td>
                <td>
                  <StatusBadge status={a.status} />
                  {a.retries ? <div className="muted">{a.retries} retries</div> : null}
                </td>
                <td>
                  <span className="mono">{a.providerId ?? "—"}</span>
                  {a.reusedFrom ? (
                    <div className="muted nowrap" data-testid="reused-from">
                      reused from{" "}
                      <Link href={`/renders/${a.reusedFrom.renderId}`} title={a.reusedFrom.createdAt ? `queued ${a.reusedFrom.createdAt.toISOString()}` : undefined}>
                        {a.reusedFrom.campaignName ? `${a.reusedFrom.campaignName} · ` : "render "}
                        {a.reusedFrom.renderId.slice(-6)}
                      </Link>
                    </div>
                  ) : null}
                </td>
                <td>
                  {a.attempts.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    a.attempts.map((t, i) => (
                      <div key={i} className="muted nowrap" title={t.message}>
                        {t.providerId}: {t.outcome}
                        {t.code ? ` (${t.code})` : ""}
                        {t.ms ? ` · ${formatMs(t.ms)}` : ""}
                      </div>
                    ))
                  )}
                </td>
                <td className="muted">
                  <div className="clamp" title={a.fallbackReason ?? a.error ?? undefined}>
                    {a.fallbackReason ?? (a.error ? <span style={{ color: "var(--bad)" }}>{a.error}</span> : "—")}
                  </div>
                </td>
                <td>
                  {start && end ? (
                    <div className="timing" title={`${formatMs(end - start)}`} aria-label={`${assetLabel(a)} took ${formatMs(end - start)}`}>
                      <span style={{ marginLeft: `${(100 * (start - t0)) / (t1 - t0)}%`, width: `${Math.max(1, (100 * (end - start)) / (t1 - t0))}%`, background: "#60a5fa" }} />
                    </div>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  {formatUsd(a.costUsd)}
                  {a.reusedFrom ? <div style={{ color: "var(--ok)" }}>saved {formatUsd(a.savedUsd)}</div> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
