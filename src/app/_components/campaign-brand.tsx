"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { type BrandKitInput, brandKitInputSchema } from "~/shared/brand";
import { fieldErrors } from "~/shared/campaign";
import { useTRPC } from "~/trpc/react";
import { BrandFields } from "./brand-fields";
import { brandFieldErrors } from "./brand-upload";
import { ErrorBox, Loading } from "./ui";

/**
 * The brand this campaign renders with: the team's kit as is, or this campaign's own version
 * of it (every field, saved as the campaign's override). Missing glyphs are shown as a warning.
 */
export function CampaignBrand({ campaignId, teamId }: { campaignId: string; teamId: string | null }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const brand = useQuery(trpc.brand.campaign.queryOptions({ campaignId }));
  const assets = useQuery({ ...trpc.brand.get.queryOptions({ teamId: teamId ?? undefined }), enabled: Boolean(teamId) });
  const [draft, setDraft] = useState<BrandKitInput | null>(null);
  const [custom, setCustom] = useState<boolean | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const refresh = () => Promise.all([qc.invalidateQueries(trpc.brand.campaign.queryFilter({ campaignId })), qc.invalidateQueries(trpc.brand.get.queryFilter())]);
  const save = useMutation(
    trpc.brand.saveCampaign.mutationOptions({
      onSuccess: async () => (setErrors({}), setSaved(true), setDraft(null), setCustom(null), await refresh()),
      onError: (e) => (setSaved(false), setErrors(brandFieldErrors(e))),
    }),
  );
  if (brand.isLoading) return <Loading label="Loading brand" lines={3} />;
  if (brand.error || !brand.data) return <ErrorBox error={brand.error ?? "Brand not found"} retry={() => void brand.refetch()} />;
  const b = brand.data;
  const overridden = custom ?? Object.keys(b.override).length > 0;
  const r = b.resolved;
  const value: BrandKitInput = draft ?? { brandName: r.brandName, primaryColor: r.primaryColor, secondaryColor: r.secondaryColor, textColor: r.textColor, fontFamily: r.fontFamily as BrandKitInput["fontFamily"], logoAssetId: r.logoAssetId, fontAssetId: r.fontAssetId };

  function submit() {
    if (!overridden) return save.mutate({ campaignId, override: {} });
    const parsed = brandKitInputSchema.safeParse({ ...value, fontFamily: brandKitInputSchema.shape.fontFamily.safeParse(value.fontFamily).success ? value.fontFamily : undefined });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    save.mutate({ campaignId, override: parsed.data });
  }

  return (
    <section className="panel" aria-labelledby="brand-h">
      <div className="panel-head">
        <h2 id="brand-h">Brand</h2>
        <Link href="/brand" className="muted">
          Team brand kit
        </Link>
      </div>
      {saved && draft === null ? (
        <div className="notice" role="status">
          Saved. New renders use this brand.
        </div>
      ) : null}
      {b.missingGlyphs.length ? (
        <div className="notice warn" role="alert" data-testid="missing-glyphs">
          The font has no glyph for: {b.missingGlyphs.slice(0, 20).join(" ")}. Pick or upload a font that has them.
        </div>
      ) : null}
      <div className="checks">
        <label>
          <input type="radio" name="brandMode" checked={!overridden} onChange={() => (setSaved(false), setCustom(false))} /> Team brand kit
        </label>
        <label>
          <input type="radio" name="brandMode" checked={overridden} onChange={() => (setSaved(false), setCustom(true))} /> Custom for this campaign
        </label>
      </div>
      {overridden && teamId ? (
        <BrandFields
          teamId={teamId}
          value={value}
          onChange={(v) => (setSaved(false), setDraft(v))}
          logos={assets.data?.logos ?? []}
          fonts={assets.data?.fonts ?? []}
          errors={errors}
          onUploaded={refresh}
          namePlaceholder={r.brandName}
        />
      ) : (
        <p className="muted" data-testid="brand-summary" style={{ marginBottom: 0 }}>
          <span className="swatch" style={{ background: r.primaryColor }} />
          <span className="swatch" style={{ background: r.secondaryColor }} />
          <span className="swatch" style={{ background: r.textColor }} />
          {r.brandName} · {r.fontFamily} · {r.logoAssetId ? "logo" : "no logo"}
        </p>
      )}
      {overridden && !teamId ? <ErrorBox error="A campaign without a team has no brand assets." /> : null}
      <ErrorBox error={errors._} />
      <div style={{ marginTop: 14 }}>
        <button type="button" className="secondary" onClick={submit} disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save brand"}
        </button>
      </div>
    </section>
  );
}
