"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { formatBytes, timeAgo } from "../format";
import { ErrorBox, Loading } from "../ui";

/** Admin → Overview: the farm at a glance, refreshed every 5 s. */
export function AdminOverview() {
  const trpc = useTRPC();
  const o = useQuery({ ...trpc.admin.overview.queryOptions(), refetchInterval: 5000 });
  if (o.isLoading) return <Loading label="Loading overview" lines={4} />;
  if (o.error || !o.data) return <ErrorBox error={o.error ?? { message: "No data" }} retry={() => void o.refetch()} />;
  const d = o.data;
  const stat = (label: string, value: string | number, sub: string, href?: string) => (
    <div className="stat">
      <div className="label">{href ? <Link href={href}>{label}</Link> : label}</div>
      <div className="value">{value}</div>
      <div className="sub">{sub}</div>
    </div>
  );
  return (
    <div className="stats">
      {stat("Queued", d.queued, d.oldestQueuedAt ? `oldest ${timeAgo(d.oldestQueuedAt)}` : "queue empty", "/history?status=queued")}
      {stat("Running", d.running, "renders in progress")}
      {stat("Last 24 h", d.last24h.total, `${d.last24h.succeeded} ok · ${d.last24h.failed} failed · ${d.last24h.cancelled} cancelled`, "/history")}
      {stat("Open breakers", d.openBreakers, d.openBreakers ? "assets are falling back" : "all providers available", "/admin/providers")}
      {stat("Cache", formatBytes(d.cache.bytes), `${d.cache.entries} clips · cap ${formatBytes(d.cache.capBytes)}`, "/admin/cache")}
      {stat("Worker hosts online", d.workersOnline, d.workersOnline ? "heartbeating" : "no worker: renders wait", "/admin/workers")}
      {stat("Users", d.users, "accounts", "/admin/users")}
    </div>
  );
}
