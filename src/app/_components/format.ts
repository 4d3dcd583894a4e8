/** Display formatting shared by the dashboard's pages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatUsd(v: number): string {
  return v === 0 ? "$0" : v < 0.01 ? `<$0.01` : `$${v.toFixed(2)}`;
}

export function formatDateTime(d: Date | null | undefined): string {
  if (!d) return "—";
  return d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function timeAgo(d: Date | null | undefined, now = Date.now()): string {
  if (!d) return "never";
  const s = Math.round((now - d.getTime()) / 1000);
  if (s < 0) return `in ${formatMs(-s * 1000)}`;
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export function assetLabel(a: { kind: string; sceneIndex: number }): string {
  return a.sceneIndex >= 0 ? `${a.kind} · scene ${a.sceneIndex + 1}` : a.kind;
}

/** "19.8 s (target 20 s)": a render's length against its campaign's target. */
export function lengthVsTarget(durationSec: number | null | undefined, targetSec: number | null | undefined): string {
  if (!durationSec) return "";
  return targetSec ? `${durationSec.toFixed(1)} s (target ${targetSec} s)` : `${durationSec.toFixed(1)} s`;
}
