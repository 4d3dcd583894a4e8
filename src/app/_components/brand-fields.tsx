"use client";
import { useState } from "react";
import { type BrandKitInput, INSTALLED_FONTS, MAX_FONT_BYTES, MAX_LOGO_BYTES } from "~/shared/brand";
import { formatBytes } from "./format";
import { uploadBrandAsset } from "./brand-upload";

export interface BrandAssetRow {
  id: string;
  name: string;
  width: number | null;
  height: number | null;
  family: string | null;
}

/**
 * The brand kit's fields (name, colours, font, logo) with uploads of a logo or font, each
 * refusal shown under its field, and a preview of the end card in those colours. Controlled:
 * the parent keeps the values and saves them.
 */
export function BrandFields({
  teamId,
  value,
  onChange,
  logos,
  fonts,
  errors,
  onUploaded,
  namePlaceholder,
}: {
  teamId: string;
  value: BrandKitInput;
  onChange: (v: BrandKitInput) => void;
  logos: BrandAssetRow[];
  fonts: BrandAssetRow[];
  errors: Record<string, string>;
  onUploaded: () => Promise<unknown>;
  namePlaceholder?: string;
}) {
  const [uploadErrors, setUploadErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const all = { ...errors, ...uploadErrors };
  const set = (patch: Partial<BrandKitInput>) => onChange({ ...value, ...patch });
  const err = (k: string) =>
    all[k] ? (
      <div className="field-error" role="alert" id={`brand-${k}-error`}>
        {all[k]}
      </div>
    ) : null;
  const described = (k: string) => (all[k] ? { "aria-invalid": true, "aria-describedby": `brand-${k}-error` } : {});

  async function upload(kind: "logo" | "font", input: HTMLInputElement) {
    const file = input.files?.[0];
    if (!file) return;
    const field = kind === "logo" ? "logoUpload" : "fontUpload";
    setUploadErrors({});
    const limit = kind === "logo" ? MAX_LOGO_BYTES : MAX_FONT_BYTES;
    if (file.size > limit) {
      input.value = "";
      return setUploadErrors({ [field]: `${file.name}: over the ${formatBytes(limit)} limit` });
    }
    setBusy(kind);
    const r = await uploadBrandAsset(teamId, kind, file);
    setBusy(null);
    input.value = "";
    if ("error" in r) return setUploadErrors({ [field]: r.error });
    await onUploaded();
    set(kind === "logo" ? { logoAssetId: r.asset.id } : { fontAssetId: r.asset.id });
  }

  const logo = logos.find((l) => l.id === value.logoAssetId);
  const font = fonts.find((f) => f.id === value.fontAssetId);
  const previewFamily = font ? `brand-font-${font.id}` : value.fontFamily;
  return (
    <div className="brand-fields">
      {font ? <style>{`@font-face { font-family: "brand-font-${font.id}"; src: url("/api/brand-assets/${font.id}"); }`}</style> : null}
      <label htmlFor="brandName">Brand name</label>
      <input id="brandName" value={value.brandName} maxLength={60} placeholder={namePlaceholder ?? "Shown on the end card"} onChange={(e) => set({ brandName: e.target.value })} {...described("brandName")} />
      {err("brandName")}
      <div className="row-3">
        {(
          [
            ["primaryColor", "Primary"],
            ["secondaryColor", "Secondary"],
            ["textColor", "Text"],
          ] as const
        ).map(([k, label]) => (
          <div key={k}>
            <label htmlFor={k}>{label} colour</label>
            <input id={k} type="color" value={value[k]} onChange={(e) => set({ [k]: e.target.value })} {...described(k)} />
            {err(k)}
          </div>
        ))}
      </div>
      <div>
        <div>
          <label htmlFor="fontFamily">Font</label>
          <select
            id="fontFamily"
            value={value.fontAssetId ? `asset:${value.fontAssetId}` : value.fontFamily}
            onChange={(e) => (e.target.value.startsWith("asset:") ? set({ fontAssetId: e.target.value.slice(6) }) : set({ fontAssetId: null, fontFamily: e.target.value as BrandKitInput["fontFamily"] }))}
            {...described(value.fontAssetId ? "fontAssetId" : "fontFamily")}
          >
            <optgroup label="Installed">
              {INSTALLED_FONTS.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </optgroup>
            {fonts.length ? (
              <optgroup label="Uploaded">
                {fonts.map((f) => (
                  <option key={f.id} value={`asset:${f.id}`}>
                    {f.family} ({f.name})
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
          {err("fontFamily")}
          {err("fontAssetId")}
        </div>
        <div>
          <label htmlFor="fontUpload">Upload a font</label>
          <input id="fontUpload" type="file" accept=".ttf,.otf,font/ttf,font/otf" disabled={busy !== null} onChange={(e) => void upload("font", e.currentTarget)} {...described("fontUpload")} />
          <div className="hint">TTF or OTF, up to {formatBytes(MAX_FONT_BYTES)}; it must have every character your campaigns show.</div>
          {err("fontUpload")}
        </div>
      </div>
      <div>
        <div>
          <label htmlFor="logoAssetId">Logo</label>
          <select id="logoAssetId" value={value.logoAssetId ?? ""} onChange={(e) => set({ logoAssetId: e.target.value || null })} {...described("logoAssetId")}>
            <option value="">No logo</option>
            {logos.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name} ({l.width}x{l.height})
              </option>
            ))}
          </select>
          {err("logoAssetId")}
        </div>
        <div>
          <label htmlFor="logoUpload">Upload a logo</label>
          <input id="logoUpload" type="file" accept="image/png,image/webp" disabled={busy !== null} onChange={(e) => void upload("logo", e.currentTarget)} {...described("logoUpload")} />
          <div className="hint">PNG or WebP with a transparent background, up to {formatBytes(MAX_LOGO_BYTES)}.</div>
          {err("logoUpload")}
        </div>
      </div>
      {busy ? (
        <p className="muted" role="status">
          Uploading and checking the {busy}…
        </p>
      ) : null}
      <div className="brand-preview" data-testid="brand-preview" style={{ background: `linear-gradient(160deg, ${value.primaryColor}, ${value.secondaryColor})`, color: value.textColor, fontFamily: `"${previewFamily}", sans-serif` }}>
        {logo ? <img src={`/api/brand-assets/${logo.id}`} alt="Logo preview" /> : null}
        <strong>{value.brandName || namePlaceholder || "Brand name"}</strong>
        <span className="brand-preview-cta" style={{ background: value.textColor, color: value.primaryColor }}>
          Order yours today
        </span>
      </div>
    </div>
  );
}
