"use client";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { campaignFieldsSchema } from "~/shared/campaign";
import { ScriptSchema } from "~/plugins/spec/schemas";
import { useTRPC } from "~/trpc/react";
import { drawnTexts } from "~/shared/drawn-text";
import { CampaignForm, serverFieldErrors } from "./campaign-form";
import { GlyphWarning } from "./glyph-warning";
import { CampaignBrand } from "./campaign-brand";
import { ImageUploader } from "./image-uploader";
import { QueuePanel } from "./queue-panel";
import { RenderList } from "./render-list";
import { ScriptEditor } from "./script-editor";
import { ErrorBox, Loading } from "./ui";

export function CampaignDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const campaign = useQuery(trpc.campaign.get.queryOptions({ id }));
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.campaign.update.mutationOptions({
      onSuccess: async () => {
        setServerErrors({});
        setSaved(true);
        await qc.invalidateQueries(trpc.campaign.get.queryFilter({ id }));
      },
      onError: (e) => setServerErrors(serverFieldErrors(e)),
    }),
  );
  const duplicate = useMutation(trpc.campaign.duplicate.mutationOptions({ onSuccess: (c) => router.push(`/campaigns/${c.id}`) }));
  const archive = useMutation(trpc.campaign.archive.mutationOptions({ onSuccess: () => qc.invalidateQueries(trpc.campaign.get.queryFilter({ id })) }));

  if (campaign.isLoading) return <Loading label="Loading campaign" lines={6} />;
  if (campaign.error || !campaign.data) return <ErrorBox error={campaign.error ?? { message: "Campaign not found" }} retry={() => void campaign.refetch()} />;
  const c = campaign.data;
  const brief = campaignFieldsSchema.safeParse({ ...c, captionStyle: c.captionStyle ?? undefined, cta: c.cta ?? undefined });
  const script = ScriptSchema.safeParse(c.scriptOverride);

  return (
    <>
      <div className="crumbs">
        <Link href="/campaigns">Campaigns</Link> / {c.name}
      </div>
      <div className="page-head">
        <div>
          <h1>{c.name}</h1>
          <p className="muted">
            {c.product} · {c.targetSeconds} s · {c.team?.name ?? "no team"}
            {c.createdBy ? ` · by ${c.createdBy.name}` : ""}
            {c.archivedAt ? " · archived" : ""}
          </p>
        </div>
        <div className="actions">
          <button className="secondary" onClick={() => duplicate.mutate({ id })} disabled={duplicate.isPending}>
            Duplicate
          </button>
          <button className="secondary" onClick={() => archive.mutate({ id, archived: !c.archivedAt })} disabled={archive.isPending}>
            {c.archivedAt ? "Restore" : "Archive"}
          </button>
        </div>
      </div>
      <div className="grid">
        <div className="stack">
          <GlyphWarning texts={drawnTexts(c)} />
          <QueuePanel campaignId={id} campaignName={c.name} defaultVoice={c.voice} />
          <ImageUploader campaignId={id} sceneCount={script.success ? script.data.scenes.length : 6} />
          <CampaignBrand campaignId={id} teamId={c.teamId} />
          <section className="panel" aria-labelledby="brief-h">
            <h2 id="brief-h">Brief</h2>
            {saved && !update.isPending ? (
              <div className="notice" role="status">
                Saved. New renders use the updated brief.
              </div>
            ) : null}
            <CampaignForm key={c.updatedAt.toISOString()} initial={brief.success ? brief.data : undefined} submitLabel="Save brief" pending={update.isPending} serverErrors={serverErrors} onSubmit={(data) => update.mutate({ id, data })} />
          </section>
        </div>
        <div className="stack">
          <RenderList campaignId={id} />
          <ScriptEditor key={c.updatedAt.toISOString()} campaignId={id} saved={script.success ? script.data : null} voice={c.voice} targetSeconds={c.targetSeconds} />
        </div>
      </div>
    </>
  );
}
