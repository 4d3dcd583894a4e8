"use client";
import { useState, type FormEvent } from "react";
import { CAPTION_PRESETS, campaignInputSchema, type CampaignInput, fieldErrors, FONTS, MAX_MUST_SAY, MUSIC_MOODS, TONES, voicesFor } from "~/shared/campaign";
import { briefFit } from "~/shared/brief-fit";
import { canonicalLanguageTag, languageLabel, offlineVoiceGap, SUGGESTED_LANGUAGES } from "~/shared/languages";
import { drawnTexts } from "~/shared/drawn-text";
import { GlyphWarning } from "./glyph-warning";

const DEFAULTS = campaignInputSchema.parse({ name: "-", product: "-", audience: "-", message: "-" });

/**
 * The brief form, for a new campaign and for editing one. Validated in the browser and again
 * on the server with the same schema; server-side field errors are shown next to their fields.
 */
export function CampaignForm({
  initial,
  submitLabel,
  pending,
  serverErrors,
  onSubmit,
}: {
  initial?: Partial<CampaignInput>;
  submitLabel: string;
  pending: boolean;
  serverErrors?: Record<string, string>;
  onSubmit: (data: CampaignInput) => void;
}) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const v = { ...DEFAULTS, name: "", product: "", audience: "", message: "", ...initial, captionStyle: { ...DEFAULTS.captionStyle, ...initial?.captionStyle } };
  const all = { ...errors, ...serverErrors };
  // Only voices that speak the chosen language are offered; a typed tag that is not BCP-47 offers none.
  const [language, setLanguage] = useState<string>(v.language);
  const canonical = canonicalLanguageTag(language);
  const voices = canonical ? voicesFor(canonical) : [];
  const [chosenVoice, setVoice] = useState<string>(v.voice);
  const voice = voices.some((x) => x.id === chosenVoice) ? chosenVoice : (voices[0]?.id ?? "");

  const [fit, setFit] = useState(() => briefFit({ ...v, cta: v.cta, mustSay: v.mustSay }).summary);
  // Characters no installed font can draw are named as the brief is typed, before anything is queued.
  const [texts, setTexts] = useState(() => drawnTexts(v));

  /** The brief as the form holds it (unvalidated). */
  function read(form: HTMLFormElement) {
    const f = new FormData(form);
    const ctaText = String(f.get("ctaText") ?? "").trim();
    const ctaUrl = String(f.get("ctaUrl") ?? "").trim();
    return {
      name: f.get("name"),
      product: f.get("product"),
      audience: f.get("audience"),
      message: f.get("message"),
      tone: f.get("tone"),
      targetSeconds: Number(f.get("targetSeconds")),
      fps: Number(f.get("fps")),
      voice: f.get("voice") || undefined,
      language: f.get("language"),
      musicMood: f.get("musicMood"),
      brandColor: f.get("brandColor"),
      ...(ctaText || ctaUrl ? { cta: { text: ctaText, ...(ctaUrl ? { url: ctaUrl } : {}) } } : {}),
      mustSay: String(f.get("mustSay") ?? "")
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean),
      captionStyle: {
        preset: f.get("captionPreset"),
        font: f.get("captionFont"),
        sizePx: Number(f.get("captionSize")),
        position: f.get("captionPosition"),
        primaryColor: f.get("captionColor"),
        highlightColor: f.get("captionHighlight"),
        uppercase: f.get("captionUppercase") === "on",
      },
    };
  }

  /** What fits the chosen length, updated as the brief changes. */
  function onChange(ev: FormEvent<HTMLFormElement>) {
    const r = read(ev.currentTarget);
    const target = Number.isFinite(r.targetSeconds) ? Math.min(90, Math.max(6, r.targetSeconds)) : 20;
    setFit(briefFit({ product: String(r.product ?? ""), message: String(r.message ?? ""), targetSeconds: target, voice: String(r.voice), cta: r.cta, mustSay: r.mustSay }).summary);
    setTexts(drawnTexts(r));
  }

  function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const raw = read(ev.currentTarget);
    const parsed = campaignInputSchema.safeParse(raw);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    onSubmit(parsed.data);
  }

  const err = (k: string) =>
    all[k] ? (
      <div className="field-error" role="alert" id={`${k}-error`}>
        {all[k]}
      </div>
    ) : null;
  const described = (k: string) => (all[k] ? { "aria-invalid": true, "aria-describedby": `${k}-error` } : {});
  return (
    <form onSubmit={submit} onChange={onChange} noValidate aria-label={submitLabel}>
      <label htmlFor="name">Campaign name</label>
      <input id="name" name="name" placeholder="Spring launch" defaultValue={v.name} {...described("name")} />
      {err("name")}
      <label htmlFor="product">Product</label>
      <input id="product" name="product" placeholder="What are you selling?" defaultValue={v.product} {...described("product")} />
      {err("product")}
      <label htmlFor="audience">Audience</label>
      <input id="audience" name="audience" placeholder="Who is it for?" defaultValue={v.audience} {...described("audience")} />
      {err("audience")}
      <label htmlFor="message">Message</label>
      <textarea id="message" name="message" placeholder="Key benefits, one per sentence" defaultValue={v.message} {...described("message")} />
      {err("message")}
      <div className="row">
        <div>
          <label htmlFor="ctaText">Call to action</label>
          <input id="ctaText" name="ctaText" placeholder="Order yours today" defaultValue={v.cta?.text ?? ""} {...described("cta.text")} />
          {err("cta.text")}
        </div>
        <div>
          <label htmlFor="ctaUrl">Link or handle (shown, not spoken)</label>
          <input id="ctaUrl" name="ctaUrl" placeholder="shop.example.com or @brand" defaultValue={v.cta?.url ?? ""} {...described("cta.url")} />
          {err("cta.url")}
        </div>
      </div>
      <label htmlFor="mustSay">Must say (one line each: claims, offer, legal line; said word for word)</label>
      <textarea id="mustSay" name="mustSay" rows={3} placeholder={"Under thirty dollars.\nTerms apply."} defaultValue={v.mustSay.join("\n")} {...described("mustSay")} />
      {err("mustSay")}
      {Array.from({ length: MAX_MUST_SAY }, (_, i) =>
        all[`mustSay.${i}`] ? (
          <div className="field-error" role="alert" key={i} id={`mustSay.${i}-error`}>
            Line {i + 1}: {all[`mustSay.${i}`]}
          </div>
        ) : null,
      )}
      <div className="row">
        <div>
          <label htmlFor="tone">Tone</label>
          <select id="tone" name="tone" defaultValue={v.tone}>
            {TONES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="targetSeconds">Length (s)</label>
          <input id="targetSeconds" name="targetSeconds" type="number" min={6} max={90} defaultValue={v.targetSeconds} {...described("targetSeconds")} />
          {err("targetSeconds")}
        </div>
      </div>
      <p className="hint" role="status" aria-live="polite" data-testid="brief-fit">
        {fit}
      </p>
      <GlyphWarning texts={texts} />
      <div className="row-3">
        <div>
          <label htmlFor="language">Language</label>
          <input
            id="language"
            name="language"
            list="language-suggestions"
            autoComplete="off"
            placeholder="en, es, pt-BR, ar…"
            value={language}
            onChange={(e) => setLanguage(e.target.value)}
            {...described("language")}
          />
          <datalist id="language-suggestions">
            {SUGGESTED_LANGUAGES.map((l) => (
              <option key={l.tag} value={l.tag}>
                {l.name}
              </option>
            ))}
          </datalist>
          {canonical ? <div className="hint">{languageLabel(canonical)}</div> : null}
          {err("language")}
        </div>
        <div>
          <label htmlFor="voice">Voice</label>
          <select id="voice" name="voice" value={voice} onChange={(e) => setVoice(e.target.value)} {...described("voice")}>
            {voices.map((x) => (
              <option key={x.id} value={x.id}>
                {x.label}
              </option>
            ))}
          </select>
          {!voices.length && canonical ? <div className="field-error">No voice speaks {languageLabel(canonical)}.</div> : null}
          {voices.length > 0 && canonical && offlineVoiceGap(canonical) ? (
            <div className="hint" data-testid="offline-voice-gap">
              Google voices only: no offline voice speaks {languageLabel(canonical)} ({offlineVoiceGap(canonical)}), so rendering needs Google text-to-speech, which an admin sets up.
            </div>
          ) : null}
          {err("voice")}
        </div>
        <div>
          <label htmlFor="musicMood">Music</label>
          <select id="musicMood" name="musicMood" defaultValue={v.musicMood}>
            {MUSIC_MOODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </div>
      </div>
      <div className="row">
        <div>
          <label htmlFor="fps">Frame rate</label>
          <select id="fps" name="fps" defaultValue={String(v.fps)}>
            <option value="24">24 fps</option>
            <option value="30">30 fps</option>
          </select>
        </div>
        <div>
          <label htmlFor="brandColor">Brand colour</label>
          <input id="brandColor" name="brandColor" type="color" defaultValue={v.brandColor} />
        </div>
      </div>
      <fieldset>
        <legend>Captions</legend>
        <div className="row">
          <div>
            <label htmlFor="captionPreset">Style</label>
            <select id="captionPreset" name="captionPreset" defaultValue={v.captionStyle.preset}>
              {CAPTION_PRESETS.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="captionPosition">Position</label>
            <select id="captionPosition" name="captionPosition" defaultValue={v.captionStyle.position}>
              {["bottom", "center", "top"].map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </div>
        </div>
        <div className="row">
          <div>
            <label htmlFor="captionFont">Font</label>
            <select id="captionFont" name="captionFont" defaultValue={v.captionStyle.font}>
              {FONTS.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="captionSize">Size (px)</label>
            <input id="captionSize" name="captionSize" type="number" min={32} max={160} defaultValue={v.captionStyle.sizePx} />
            {err("captionStyle.sizePx")}
          </div>
        </div>
        <div className="row">
          <div>
            <label htmlFor="captionColor">Text colour</label>
            <input id="captionColor" name="captionColor" type="color" defaultValue={v.captionStyle.primaryColor} />
          </div>
          <div>
            <label htmlFor="captionHighlight">Highlight colour</label>
            <input id="captionHighlight" name="captionHighlight" type="color" defaultValue={v.captionStyle.highlightColor} />
          </div>
        </div>
        <div className="checks">
          <label>
            <input type="checkbox" name="captionUppercase" defaultChecked={v.captionStyle.uppercase} /> Uppercase captions
          </label>
        </div>
      </fieldset>
      {err("_")}
      <div style={{ marginTop: 16 }}>
        <button type="submit" disabled={pending}>
          {pending ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}

/** tRPC's flattened zod errors as field messages. */
export function serverFieldErrors(e: { message: string; data?: { zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null } | null }): Record<string, string> {
  const z = e.data?.zodError?.fieldErrors;
  if (!z || Object.keys(z).length === 0) return { _: e.message };
  return Object.fromEntries(Object.entries(z).map(([k, v]) => [k.replace(/^data\./, ""), v?.[0] ?? "invalid"]));
}
