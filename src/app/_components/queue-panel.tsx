"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { VOICES } from "~/shared/campaign";
import { useTRPC } from "~/trpc/react";
import { ErrorBox } from "./ui";

/** Queue one render (preview or final), or a batch of variants: hooks x voices. */
export function QueuePanel({ campaignId, campaignName, defaultVoice }: { campaignId: string; campaignName: string; defaultVoice: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries(trpc.render.list.queryFilter());
  const queue = useMutation(
    trpc.render.queue.mutationOptions({
      onSuccess: async (r) => {
        await refresh();
        router.push(`/renders/${r.id}`);
      },
      onError: (e) => setError(e.message),
    }),
  );
  const batch = useMutation(
    trpc.render.queueBatch.mutationOptions({
      onSuccess: async (b) => {
        setNotice(`Queued ${b.renderIds.length} variants.`);
        await refresh();
      },
      onError: (e) => setError(e.message),
    }),
  );
  const [hooks, setHooks] = useState("");
  const [voices, setVoices] = useState<string[]>([defaultVoice]);
  const hookList = hooks
    .split("\n")
    .map((h) => h.trim())
    .filter(Boolean);
  const variants = Math.max(1, hookList.length) * Math.max(1, voices.length);
  const [batchPreset, setBatchPreset] = useState<"preview" | "final">("preview");
  // Off: assets the team already paid for with the same request are reused (render page: "reused from").
  const [regenerate, setRegenerate] = useState(false);
  // What the batch would cost (the providers' cost models), before anything is queued.
  const estimate = useQuery(trpc.render.estimate.queryOptions({ campaignId, preset: batchPreset, count: Math.min(100, variants) }));
  const usd = (n: number) => `$${n.toFixed(2)}`;

  function submitBatch(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    setError(null);
    setNotice(null);
    batch.mutate({ campaignId, preset: batchPreset, hooks: hookList, voices: voices as never, regenerate });
  }

  return (
    <section className="panel" aria-labelledby="queue-h">
      <h2 id="queue-h">Render</h2>
      <p className="muted" style={{ marginTop: 0 }}>
        A preview is quick and small; a final is full quality.
      </p>
      <div className="actions">
        <button onClick={() => queue.mutate({ campaignId, preset: "preview", regenerate })} disabled={queue.isPending} aria-label={`Queue preview render of ${campaignName}`}>
          Queue preview
        </button>
        <button className="secondary" onClick={() => queue.mutate({ campaignId, preset: "final", regenerate })} disabled={queue.isPending} aria-label={`Queue final render of ${campaignName}`}>
          Queue final render
        </button>
      </div>
      <div className="checks">
        <label>
          <input type="checkbox" name="regenerate" checked={regenerate} onChange={(e) => setRegenerate(e.target.checked)} aria-describedby="regenerate-hint" />
          Regenerate every asset
        </label>
      </div>
      <div className="hint" id="regenerate-hint">
        Off: clips, stills, voice lines and music your team already generated from the same request are reused at no cost. On: every provider is called again (renders and batches queued here).
      </div>
      <form onSubmit={submitBatch} aria-label="Batch of variants" style={{ marginTop: 8 }}>
        <fieldset>
          <legend>Batch of variants</legend>
          <label htmlFor="batch-hooks">Hooks (one per line)</label>
          <textarea id="batch-hooks" value={hooks} onChange={(e) => setHooks(e.target.value)} placeholder={"Tired of soggy socks?\nYour feet deserve better.\nMeet the boot that never quits."} />
          <div className="hint">Each hook replaces the first line of the script.</div>
          <div className="checks" role="group" aria-label="Voices">
            {VOICES.map((v) => (
              <label key={v.id}>
                <input type="checkbox" checked={voices.includes(v.id)} onChange={(e) => setVoices((cur) => (e.target.checked ? [...cur, v.id] : cur.filter((x) => x !== v.id)))} />
                {v.label}
              </label>
            ))}
          </div>
          <div className="row" style={{ alignItems: "end" }}>
            <div>
              <label htmlFor="batchPreset">Quality</label>
              <select id="batchPreset" name="batchPreset" value={batchPreset} onChange={(e) => setBatchPreset(e.target.value === "final" ? "final" : "preview")}>
                <option value="preview">Preview</option>
                <option value="final">Final</option>
              </select>
            </div>
            <div>
              <button type="submit" disabled={batch.isPending || variants < 2 || variants > 24} style={{ width: "100%", justifyContent: "center" }}>
                {batch.isPending ? "Queueing…" : variants < 2 ? "Add hooks or voices" : `Queue ${variants} variants`}
              </button>
            </div>
          </div>
          <div className="hint" id="batch-estimate" aria-live="polite">
            {estimate.data
              ? `Estimated cost: ${usd(estimate.data.estimatedUsd)} for ${variants} render${variants === 1 ? "" : "s"}${estimate.data.budgetUsd != null ? ` (team today: ${usd(estimate.data.spentTodayUsd)} of ${usd(estimate.data.budgetUsd)})` : ""}.`
              : "Estimating cost…"}
          </div>
          {variants > 24 ? <div className="field-error">At most 24 variants at once (6 hooks x 4 voices).</div> : null}
        </fieldset>
      </form>
      {notice ? (
        <div className="notice" role="status">
          {notice}
        </div>
      ) : null}
      <ErrorBox error={error} />
    </section>
  );
}
