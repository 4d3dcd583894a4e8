"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { formatDateTime, timeAgo } from "../format";
import { Empty, ErrorBox, Loading, StatusBadge } from "../ui";

/** Admin → Worker hosts, refreshed every 5 s (the heartbeat period). */
export function WorkersAdmin() {
  const trpc = useTRPC();
  const hosts = useQuery({ ...trpc.admin.workers.queryOptions(), refetchInterval: 5000 });
  const online = hosts.data?.filter((h) => h.online).length ?? 0;
  return (
    <>
      <div className="stats">
        <div className="stat">
          <div className="label">Online</div>
          <div className="value">{online}</div>
        </div>
        <div className="stat">
          <div className="label">Known hosts (7 days)</div>
          <div className="value">{hosts.data?.length ?? "—"}</div>
        </div>
        <div className="stat">
          <div className="label">Renders done (listed hosts)</div>
          <div className="value">{hosts.data?.reduce((a, h) => a + h.rendersDone, 0) ?? "—"}</div>
        </div>
      </div>
      <section className="panel" aria-labelledby="hosts-h">
        <h2 id="hosts-h">Worker hosts</h2>
        {hosts.isLoading ? <Loading label="Loading worker hosts" /> : null}
        <ErrorBox error={hosts.error} retry={() => void hosts.refetch()} />
        {hosts.data?.length === 0 ? <Empty title="No worker hosts">Start one with `npm run worker` (npm start runs one too).</Empty> : null}
        {hosts.data && hosts.data.length > 0 ? (
          <div className="table-wrap">
            <table className="table" aria-label="Worker hosts">
              <thead>
                <tr>
                  <th scope="col">Host</th>
                  <th scope="col">State</th>
                  <th scope="col">Last heartbeat</th>
                  <th scope="col">Current job</th>
                  <th scope="col">Encoders</th>
                  <th scope="col">ffmpeg</th>
                  <th scope="col">Renders done</th>
                </tr>
              </thead>
              <tbody>
                {hosts.data.map((h) => (
                  <tr key={h.id} data-testid="worker-host" data-state={h.state}>
                    <td>
                      <strong>{h.hostname}</strong>
                      <div className="muted mono">
                        {h.id} · pid {h.pid}
                      </div>
                      <div className="muted">since {formatDateTime(h.startedAt)}</div>
                    </td>
                    <td>
                      <StatusBadge status={h.state} />
                    </td>
                    <td>{timeAgo(h.lastHeartbeatAt)}</td>
                    <td className="mono">{h.currentJob ?? <span className="muted">idle</span>}</td>
                    <td>
                      {h.encoders.length ? h.encoders.join(", ") : <span className="muted">none</span>}
                      {h.encoderInUse ? <div className="muted">uses {h.encoderInUse}</div> : null}
                    </td>
                    <td className="mono">{h.ffmpegVersion ?? "missing"}</td>
                    <td>{h.rendersDone}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}
