"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "~/trpc/react";
import { formatDateTime, formatUsd, timeAgo } from "../format";
import { ConfirmButton, ErrorBox, Loading, StatusBadge } from "../ui";

interface Day {
  day: string;
  calls: number;
  quotaErrors: number;
  fallbacks: number;
  costUsd: number;
}

function DailyChart({ daily, label }: { daily: Day[]; label: string }) {
  const data = daily.map((d) => ({ ...d, day: d.day.slice(5) }));
  return (
    <div className="chart" style={{ height: 190 }} role="img" aria-label={`${label}: calls, quota errors, fallbacks and cost per day, last 14 days`}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e5ef" />
          <XAxis dataKey="day" tick={{ fontSize: 11 }} interval={1} />
          <YAxis yAxisId="n" allowDecimals={false} tick={{ fontSize: 11 }} />
          <YAxis yAxisId="usd" orientation="right" tick={{ fontSize: 11 }} tickFormatter={(v: number) => `$${v}`} />
          <Tooltip formatter={(v, name) => (name === "cost" ? formatUsd(Number(v)) : v)} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar yAxisId="n" dataKey="calls" name="calls" fill="#818cf8" isAnimationActive={false} />
          <Bar yAxisId="n" dataKey="quotaErrors" name="quota errors" fill="#f87171" isAnimationActive={false} />
          <Bar yAxisId="n" dataKey="fallbacks" name="fallbacks" fill="#fbbf24" isAnimationActive={false} />
          <Line yAxisId="usd" dataKey="costUsd" name="cost" stroke="#15803d" dot={false} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Admin → Providers: breaker per provider/model, 14 days of counters, manual reset. */
export function ProvidersAdmin() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const providers = useQuery({ ...trpc.admin.providers.queryOptions(), refetchInterval: 10_000 });
  const reset = useMutation(trpc.admin.resetBreaker.mutationOptions({ onSuccess: () => qc.invalidateQueries(trpc.admin.providers.queryFilter()) }));
  if (providers.isLoading) return <Loading label="Loading providers" lines={6} />;
  if (providers.error) return <ErrorBox error={providers.error} retry={() => void providers.refetch()} />;
  const open = providers.data?.filter((p) => p.breaker.state !== "closed") ?? [];
  return (
    <>
      {open.length > 0 ? (
        <div className="notice warn" role="status">
          {open.length} breaker{open.length > 1 ? "s are" : " is"} open: those providers are skipped and their assets fall back.
        </div>
      ) : null}
      <ErrorBox error={reset.error} />
      <ul className="list provider-grid">
        {providers.data?.map((p) => {
          const label = `${p.providerId} / ${p.model}`;
          return (
            <li key={label} className="panel" data-testid="provider" data-breaker={p.breaker.state} aria-label={label}>
              <div className="panel-head">
                <div>
                  <h2>
                    {p.displayName} <span className="muted mono">{p.model}</span>
                  </h2>
                  <div className="muted">
                    {p.kind ?? "?"} · {p.local ? "local" : "Google"} · {p.configured ? "configured" : "not configured"} · 14 days: {p.totals.calls} calls, {p.totals.quotaErrors} quota errors, {p.totals.fallbacks} fallbacks, {formatUsd(p.totals.costUsd)}
                  </div>
                </div>
                <div className="actions">
                  <StatusBadge status={p.breaker.state} />
                  {p.breaker.state !== "closed" ? (
                    <ConfirmButton
                      title={`Reset ${label}`}
                      body={`Close the breaker of ${label} now? Calls go to it again at once; if its quota is still exhausted it opens again.`}
                      confirmLabel="Reset breaker"
                      disabled={reset.isPending}
                      onConfirm={() => reset.mutate({ providerId: p.providerId, model: p.model })}
                    >
                      Reset breaker
                    </ConfirmButton>
                  ) : null}
                </div>
              </div>
              {p.breaker.state !== "closed" ? (
                <div className="error-box" style={{ marginBottom: 10 }}>
                  Opened {formatDateTime(p.breaker.openedAt)} ({timeAgo(p.breaker.openedAt)}) · resets {formatDateTime(p.breaker.resetAt)} ({timeAgo(p.breaker.resetAt)})
                  {p.breaker.reason ? `\nWhy: ${p.breaker.reason}` : ""}
                </div>
              ) : null}
              {p.totals.calls + p.totals.fallbacks > 0 ? <DailyChart daily={p.daily} label={label} /> : <p className="muted">No calls in the last 14 days.</p>}
            </li>
          );
        })}
      </ul>
    </>
  );
}
