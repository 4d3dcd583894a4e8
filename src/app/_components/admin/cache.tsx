"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "~/trpc/react";
import { assetLabel, formatBytes, formatMs, formatUsd, timeAgo } from "../format";
import { ConfirmButton, Empty, ErrorBox, Loading } from "../ui";

/** Admin → Cache: encoded segments (fill against the cap, hit rate per day, time saved, biggest savers, purge) and reused assets. */
export function CacheAdmin() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const cache = useQuery(trpc.admin.cache.queryOptions());
  const purge = useMutation(trpc.admin.purgeCache.mutationOptions({ onSuccess: () => qc.invalidateQueries(trpc.admin.cache.queryFilter()) }));
  if (cache.isLoading) return <Loading label="Loading cache" lines={6} />;
  if (cache.error || !cache.data) return <ErrorBox error={cache.error ?? { message: "No data" }} retry={() => void cache.refetch()} />;
  const c = cache.data;
  const fill = c.capBytes > 0 ? Math.min(100, (100 * c.bytes) / c.capBytes) : 0;
  return (
    <>
      <div className="stats">
        <div className="stat" data-testid="cache-entries">
          <div className="label">Segments</div>
          <div className="value">{c.entries}</div>
        </div>
        <div className="stat">
          <div className="label">Size</div>
          <div className="value">{formatBytes(c.bytes)}</div>
          <div className="sub">of {formatBytes(c.capBytes)} cap</div>
          <div className="progress" role="progressbar" aria-label="Cache fill" aria-valuenow={Math.round(fill)} aria-valuemin={0} aria-valuemax={100}>
            <div style={{ width: `${fill}%` }} />
          </div>
        </div>
        <div className="stat" data-testid="cache-hit-rate">
          <div className="label">Segment hit rate (all renders)</div>
          <div className="value">{c.hitRate === null ? "—" : `${Math.round(c.hitRate * 100)}%`}</div>
          <div className="sub">
            {c.hits} hits, {c.misses} misses
          </div>
        </div>
        <div className="stat">
          <div className="label">Time saved</div>
          <div className="value">{formatMs(c.timeSavedMs)}</div>
          <div className="sub">hits x encode time</div>
        </div>
      </div>
      <div className="grid-2">
        <section className="panel" aria-labelledby="hit-h">
          <h2 id="hit-h">Hit rate per day</h2>
          <div className="chart" role="img" aria-label="Cache hit rate per day, last 14 days">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={c.daily.map((d) => ({ ...d, day: d.day.slice(5) }))} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e2e5ef" />
                <XAxis dataKey="day" tick={{ fontSize: 11 }} interval={1} />
                <YAxis domain={[0, 100]} tick={{ fontSize: 11 }} tickFormatter={(v: number) => `${v}%`} />
                <Tooltip formatter={(v) => (v === null ? "no renders" : `${String(v)}%`)} />
                <Line dataKey="hitRatePct" name="hit rate" stroke="#4f46e5" connectNulls isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </section>
        <section className="panel" aria-labelledby="reused-h">
          <div className="panel-head">
            <h2 id="reused-h">Biggest savers</h2>
            <ConfirmButton
              title="Purge the cache"
              body="Delete every cached segment not used in the last 5 minutes (rows and files)? Renders encode segments again as needed."
              confirmLabel="Purge cache"
              disabled={purge.isPending || c.entries === 0}
              onConfirm={() => purge.mutate()}
            >
              Purge cache
            </ConfirmButton>
          </div>
          {purge.data ? (
            <div className="notice" role="status">
              Purged {purge.data.entries} segments ({formatBytes(purge.data.bytes)}).
            </div>
          ) : null}
          <ErrorBox error={purge.error} />
          {c.biggestSavers.length === 0 ? (
            <Empty title="The cache is empty">Encoded segments (scene bodies, transitions, the end card) are cached as renders make them.</Empty>
          ) : (
            <table className="table" aria-label="Biggest savers">
              <thead>
                <tr>
                  <th scope="col">Segment</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Hits</th>
                  <th scope="col">Saved</th>
                  <th scope="col">Size</th>
                  <th scope="col">Last used</th>
                </tr>
              </thead>
              <tbody>
                {c.biggestSavers.map((e) => (
                  <tr key={e.key}>
                    <td className="mono">{e.key}…</td>
                    <td>
                      {e.kind}
                      {e.frames === null ? "" : `, ${e.frames} frames`}
                    </td>
                    <td>{e.hits}</td>
                    <td>{formatMs(e.savedMs)}</td>
                    <td>{formatBytes(e.bytes)}</td>
                    <td>{timeAgo(e.lastUsedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <ReusedAssets r={c.reusedAssets} />
    </>
  );
}

type Reused = { entries: number; hits: number; savedUsd: number; perKind: { kind: string; hits: number; savedUsd: number }[]; biggestSavers: { id: string; kind: string; sceneIndex: number; providerId: string | null; renderId: string; campaign: string; team: string | null; hits: number; saved: number; lastUsedAt: Date | null }[] };

/** Provider outputs (clips, stills, voice lines, music, scripts) reused within a team instead of paid for again. */
function ReusedAssets({ r }: { r: Reused }) {
  return (
    <section className="panel" aria-labelledby="assets-reused-h" style={{ marginTop: 20 }}>
      <h2 id="assets-reused-h">Reused assets</h2>
      <div className="stats">
        <div className="stat" data-testid="reuse-entries">
          <div className="label">Entries</div>
          <div className="value">{r.entries}</div>
          <div className="sub">provider requests paid for once</div>
        </div>
        <div className="stat" data-testid="reuse-hits">
          <div className="label">Hits</div>
          <div className="value">{r.hits}</div>
          <div className="sub">{r.perKind.map((k) => `${k.hits} ${k.kind}`).join(", ") || "none yet"}</div>
        </div>
        <div className="stat" data-testid="reuse-saved">
          <div className="label">Money saved</div>
          <div className="value">{formatUsd(r.savedUsd)}</div>
          <div className="sub">providers' cost estimates</div>
        </div>
      </div>
      {r.biggestSavers.length === 0 ? (
        <Empty title="Nothing reused yet">A render whose clip, still, voice line or music matches one its team already generated reuses that file.</Empty>
      ) : (
        <table className="table" aria-label="Biggest savers among reused assets">
          <thead>
            <tr>
              <th scope="col">Asset</th>
              <th scope="col">Provider</th>
              <th scope="col">Paid by</th>
              <th scope="col">Team</th>
              <th scope="col">Reuses</th>
              <th scope="col">Saved</th>
              <th scope="col">Last reused</th>
            </tr>
          </thead>
          <tbody>
            {r.biggestSavers.map((e) => (
              <tr key={e.id}>
                <td>{assetLabel(e)}</td>
                <td className="mono">{e.providerId ?? "—"}</td>
                <td>
                  <a href={`/renders/${e.renderId}`}>{e.campaign}</a>
                </td>
                <td>{e.team ?? "—"}</td>
                <td>{e.hits}</td>
                <td>{formatUsd(e.saved)}</td>
                <td>{e.lastUsedAt ? timeAgo(e.lastUsedAt) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
