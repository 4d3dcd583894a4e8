"use client";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { timeAgo } from "./format";
import { Empty, ErrorBox, Loading } from "./ui";

export function CampaignList() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [archived, setArchived] = useState(false);
  const [search, setSearch] = useState("");
  const list = useQuery(trpc.campaign.list.queryOptions({ archived, search: search.trim() || undefined }));
  const refresh = () => qc.invalidateQueries(trpc.campaign.list.queryFilter());
  const duplicate = useMutation(trpc.campaign.duplicate.mutationOptions({ onSuccess: refresh }));
  const archive = useMutation(trpc.campaign.archive.mutationOptions({ onSuccess: refresh }));

  return (
    <section className="panel" aria-label="Campaigns">
      <div className="filters">
        <div style={{ flex: 1 }}>
          <label htmlFor="campaign-search">Search</label>
          <input id="campaign-search" type="search" placeholder="Name or product" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div>
          <label htmlFor="campaign-show">Show</label>
          <select id="campaign-show" value={archived ? "archived" : "active"} onChange={(e) => setArchived(e.target.value === "archived")}>
            <option value="active">Active campaigns</option>
            <option value="archived">Archived campaigns</option>
          </select>
        </div>
      </div>
      {list.isLoading ? <Loading label="Loading campaigns" /> : null}
      <ErrorBox error={list.error} retry={() => void list.refetch()} />
      {list.data?.length === 0 ? (
        <Empty title={archived ? "No archived campaigns" : search ? "No campaign matches" : "No campaigns yet"}>
          {!archived && !search ? (
            <p>
              Write your first brief: <Link href="/campaigns/new">create a campaign</Link>.
            </p>
          ) : null}
        </Empty>
      ) : null}
      <ul className="list">
        {list.data?.map((c) => (
          <li key={c.id} className="card" data-testid="campaign">
            <div className="card-head">
              <div style={{ display: "flex", gap: 12, alignItems: "center", minWidth: 0 }}>
                <div className="thumb" style={{ width: 48, flex: "none" }}>
                  {c.images[0] ? <img src={`/api/images/${c.images[0].id}?size=thumb`} alt="" /> : null}
                </div>
                <div style={{ minWidth: 0 }}>
                  <Link className="title" href={`/campaigns/${c.id}`}>
                    {c.name}
                  </Link>
                  <div className="muted">
                    {c.product} · {c.targetSeconds} s · {c._count.images} images · {c._count.renders} renders · updated {timeAgo(c.updatedAt)}
                    {c.team ? ` · ${c.team.name}` : ""}
                  </div>
                </div>
              </div>
              <div className="actions">
                <Link className="button small secondary" href={`/campaigns/${c.id}`}>
                  Open
                </Link>
                <button className="small secondary" onClick={() => duplicate.mutate({ id: c.id })} disabled={duplicate.isPending} aria-label={`Duplicate ${c.name}`}>
                  Duplicate
                </button>
                <button className="small secondary" onClick={() => archive.mutate({ id: c.id, archived: !archived })} disabled={archive.isPending} aria-label={`${archived ? "Restore" : "Archive"} ${c.name}`}>
                  {archived ? "Restore" : "Archive"}
                </button>
              </div>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
