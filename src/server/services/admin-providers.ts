/**
 * Admin → Providers: each provider/model with its breaker (state, why it opened, when it resets)
 * and its daily counters over the last 14 days (calls, quota errors, fallbacks, cost).
 */
import { PROVIDER_KINDS } from "~/plugins/spec";
import { type Db } from "~/server/db";
import * as breaker from "./breaker";
import { providerChain, providerRegistry } from "./providers";

/** Days shown in the chart. Default 14. */
export const STAT_DAYS = 14;

const dayKey = (d: Date) => d.toISOString().slice(0, 10);

export function lastDays(n: number, now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: n }, (_, i) => dayKey(new Date(today - (n - 1 - i) * 86_400_000)));
}

export async function providersOverview(db: Db, now = new Date()) {
  const days = lastDays(STAT_DAYS, now);
  const [breakers, stats] = await Promise.all([
    db.providerBreaker.findMany(),
    db.providerDailyStat.findMany({ where: { day: { gte: new Date(`${days[0]}T00:00:00Z`) } }, orderBy: { day: "asc" } }),
  ]);
  const inChain = new Set(PROVIDER_KINDS.flatMap((k) => providerChain(k).map((p) => p.id)));
  const key = (providerId: string, model: string) => `${providerId}\u0000${model}`;
  const rows = new Map<string, { providerId: string; model: string; kind: string | null; displayName: string; local: boolean; configured: boolean }>();
  for (const p of providerRegistry().all()) {
    rows.set(key(p.id, p.model), { providerId: p.id, model: p.model, kind: p.kind, displayName: p.displayName, local: p.local, configured: inChain.has(p.id) });
  }
  // Breakers and stats may name models a provider was configured with at the time.
  for (const r of [...breakers, ...stats]) {
    if (!rows.has(key(r.providerId, r.model))) {
      const p = providerRegistry().find(r.providerId);
      rows.set(key(r.providerId, r.model), { providerId: r.providerId, model: r.model, kind: p?.kind ?? null, displayName: p?.displayName ?? r.providerId, local: p?.local ?? false, configured: inChain.has(r.providerId) });
    }
  }
  return [...rows.values()]
    .map((p) => {
      const b = breakers.find((x) => x.providerId === p.providerId && x.model === p.model);
      const mine = stats.filter((s) => s.providerId === p.providerId && s.model === p.model);
      const daily = days.map((day) => {
        const s = mine.find((x) => dayKey(x.day) === day);
        return { day, calls: s?.calls ?? 0, successes: s?.successes ?? 0, quotaErrors: s?.quotaErrors ?? 0, errors: s?.errors ?? 0, fallbacks: s?.fallbacks ?? 0, costUsd: s?.costUsd ?? 0 };
      });
      const totals = daily.reduce((a, d) => ({ calls: a.calls + d.calls, quotaErrors: a.quotaErrors + d.quotaErrors, fallbacks: a.fallbacks + d.fallbacks, costUsd: a.costUsd + d.costUsd }), { calls: 0, quotaErrors: 0, fallbacks: 0, costUsd: 0 });
      return {
        ...p,
        breaker: b ? { state: b.state, reason: b.reason, openedAt: b.openedAt, resetAt: b.resetAt, failures: b.failures, updatedAt: b.updatedAt } : { state: "closed" as const, reason: null, openedAt: null, resetAt: null, failures: 0, updatedAt: null },
        daily,
        totals,
      };
    })
    .sort((a, b) => Number(a.breaker.state === "closed") - Number(b.breaker.state === "closed") || Number(a.local) - Number(b.local) || a.providerId.localeCompare(b.providerId));
}

/** Closes a breaker by hand (the admin confirmed it). */
export async function resetProviderBreaker(db: Db, providerId: string, model: string) {
  await breaker.reset(db, providerId, model);
}
