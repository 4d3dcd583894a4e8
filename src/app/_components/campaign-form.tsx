"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { campaignInputSchema, fieldErrors, MUSIC_MOODS, TONES, VOICES } from "~/shared/campaign";
import { useTRPC } from "~/trpc/react";

/** The brief form. Validated in the browser and again on the server with the same schema. */
export function CampaignForm({ onCreated }: { onCreated?: (id: string) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useMutation(
    trpc.campaign.create.mutationOptions({
      onSuccess: async (c) => {
        await qc.invalidateQueries(trpc.campaign.list.queryFilter());
        onCreated?.(c.id);
      },
      onError: (e) => {
        const z = e.data?.zodError?.fieldErrors as Record<string, string[] | undefined> | undefined;
        setErrors(z ? Object.fromEntries(Object.entries(z).map(([k, v]) => [k, v?.[0] ?? "invalid"])) : { _: e.message });
      },
    }),
  );

  function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget);
    const raw = {
      name: f.get("name"),
      product: f.get("product"),
      audience: f.get("audience"),
      message: f.get("message"),
      tone: f.get("tone"),
      targetSeconds: Number(f.get("targetSeconds")),
      fps: Number(f.get("fps")),
      voice: f.get("voice"),
      musicMood: f.get("musicMood"),
      brandColor: f.get("brandColor"),
    };
    const parsed = campaignInputSchema.safeParse(raw);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    create.mutate(parsed.data);
  }

  const err = (k: string) => (errors[k] ? <div className="field-error" role="alert">{errors[k]}</div> : null);
  return (
    <form onSubmit={submit} noValidate aria-label="New campaign">
      <label htmlFor="name">Campaign name</label>
      <input id="name" name="name" placeholder="Spring launch" />
      {err("name")}
      <label htmlFor="product">Product</label>
      <input id="product" name="product" placeholder="What are you selling?" />
      {err("product")}
      <label htmlFor="audience">Audience</label>
      <input id="audience" name="audience" placeholder="Who is it for?" />
      {err("audience")}
      <label htmlFor="message">Message</label>
      <textarea id="message" name="message" placeholder="Key benefits, one per sentence" />
      {err("message")}
      <div className="row">
        <div>
          <label htmlFor="tone">Tone</label>
          <select id="tone" name="tone" defaultValue="friendly">
            {TONES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="targetSeconds">Length (s)</label>
          <input id="targetSeconds" name="targetSeconds" type="number" min={6} max={90} defaultValue={15} />
          {err("targetSeconds")}
        </div>
      </div>
      <div className="row">
        <div>
          <label htmlFor="voice">Voice</label>
          <select id="voice" name="voice" defaultValue="slt">
            {VOICES.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="musicMood">Music</label>
          <select id="musicMood" name="musicMood" defaultValue="upbeat">
            {MUSIC_MOODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </div>
      </div>
      <div className="row">
        <div>
          <label htmlFor="fps">Frame rate</label>
          <select id="fps" name="fps" defaultValue="24">
            <option value="24">24 fps</option>
            <option value="30">30 fps</option>
          </select>
        </div>
        <div>
          <label htmlFor="brandColor">Brand colour</label>
          <input id="brandColor" name="brandColor" type="color" defaultValue="#4f46e5" />
        </div>
      </div>
      {err("_")}
      <div style={{ marginTop: 16 }}>
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create campaign"}
        </button>
      </div>
    </form>
  );
}
