"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type BrandKitInput, brandKitInputSchema } from "~/shared/brand";
import { fieldErrors } from "~/shared/campaign";
import { useTRPC } from "~/trpc/react";
import { BrandFields } from "./brand-fields";
import { brandFieldErrors } from "./brand-upload";
import { formatDateTime } from "./format";
import { ErrorBox, Loading } from "./ui";

/** The team's brand kit: every campaign of the team uses it unless the campaign overrides a part. Admins pick the team. */
export function BrandKitPage({ isAdmin, ownTeamId }: { isAdmin: boolean; ownTeamId: string | null }) {
  const trpc = useTRPC();
  const teams = useQuery({ ...trpc.users.teams.queryOptions(), enabled: isAdmin });
  const [teamId, setTeamId] = useState<string | null>(ownTeamId);
  const team = teamId ?? teams.data?.[0]?.id ?? null;
  return (
    <>
      {isAdmin && teams.data?.length ? (
        <div className="filters">
          <div>
            <label htmlFor="team">Team</label>
            <select id="team" value={team ?? ""} onChange={(e) => setTeamId(e.target.value)}>
              {teams.data.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
        </div>
      ) : null}
      {team ? <TeamKit key={team} teamId={team} /> : <ErrorBox error="You are not in a team yet: ask an admin to add you to one." />}
    </>
  );
}

function TeamKit({ teamId }: { teamId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const kit = useQuery(trpc.brand.get.queryOptions({ teamId }));
  const [draft, setDraft] = useState<BrandKitInput | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const refresh = () => qc.invalidateQueries(trpc.brand.get.queryFilter({ teamId }));
  const save = useMutation(
    trpc.brand.save.mutationOptions({
      onSuccess: async () => (setErrors({}), setSaved(true), setDraft(null), await refresh()),
      onError: (e) => (setSaved(false), setErrors(brandFieldErrors(e))),
    }),
  );
  if (kit.isLoading) return <Loading label="Loading brand kit" lines={6} />;
  if (kit.error || !kit.data) return <ErrorBox error={kit.error ?? "Brand kit not found"} retry={() => void kit.refetch()} />;
  const value = draft ?? kit.data.kit;
  function submit() {
    const parsed = brandKitInputSchema.safeParse(value);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    save.mutate({ teamId, kit: parsed.data });
  }
  return (
    <section className="panel" aria-labelledby="kit-h" style={{ maxWidth: 760 }}>
      <div className="panel-head">
        <h2 id="kit-h">{kit.data.team.name}</h2>
        <span className="muted">{kit.data.updatedAt ? `Saved ${formatDateTime(kit.data.updatedAt)}` : "Not saved yet: defaults"}</span>
      </div>
      {saved && !draft ? (
        <div className="notice" role="status">
          Saved. New renders of the team&apos;s campaigns use this kit.
        </div>
      ) : null}
      <BrandFields teamId={teamId} value={value} onChange={(v) => (setSaved(false), setDraft(v))} logos={kit.data.logos} fonts={kit.data.fonts} errors={errors} onUploaded={refresh} />
      <ErrorBox error={errors._ ?? errors.kit} />
      <div style={{ marginTop: 16 }}>
        <button type="button" onClick={submit} disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save brand kit"}
        </button>
      </div>
    </section>
  );
}
