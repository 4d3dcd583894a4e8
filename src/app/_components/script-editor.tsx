"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type Script, ScriptSchema } from "~/plugins/spec/schemas";
import { useTRPC } from "~/trpc/react";
import { ErrorBox } from "./ui";

/**
 * Script preview: generate the script a render would use, edit any scene, save it (renders
 * queued afterwards use it), or go back to generating one per render.
 */
export function ScriptEditor({ campaignId, saved }: { campaignId: string; saved: Script | null }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Script | null>(saved);
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const generate = useMutation(trpc.script.generate.mutationOptions({ onSuccess: (s) => (setDraft(s), setDirty(true), setError(null)), onError: (e) => setError(e.message) }));
  const save = useMutation(
    trpc.script.save.mutationOptions({
      onSuccess: async (s) => {
        setDraft(s);
        setDirty(false);
        await qc.invalidateQueries(trpc.campaign.get.queryFilter({ id: campaignId }));
      },
      onError: (e) => setError(e.message),
    }),
  );

  const edit = (patch: (s: Script) => Script) => {
    if (!draft) return;
    setDraft(patch(draft));
    setDirty(true);
  };
  const setScene = (i: number, field: "narration" | "onScreenText" | "visualPrompt", value: string) =>
    edit((s) => ({ ...s, scenes: s.scenes.map((sc, j) => (j === i ? { ...sc, [field]: value } : sc)) }));

  function submit() {
    const parsed = ScriptSchema.safeParse(draft);
    if (!parsed.success) return setError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
    save.mutate({ campaignId, script: parsed.data });
  }

  return (
    <section className="panel" aria-labelledby="script-h">
      <div className="panel-head">
        <h2 id="script-h">Script</h2>
        <div className="actions">
          <button className="small secondary" onClick={() => generate.mutate({ campaignId })} disabled={generate.isPending}>
            {generate.isPending ? "Generating…" : draft ? "Regenerate preview" : "Preview script"}
          </button>
          {draft ? (
            <button className="small" onClick={submit} disabled={!dirty || save.isPending}>
              {save.isPending ? "Saving…" : "Save script"}
            </button>
          ) : null}
          {saved ? (
            <button className="small danger" onClick={() => save.mutate({ campaignId, script: null })} disabled={save.isPending}>
              Use generated script
            </button>
          ) : null}
        </div>
      </div>
      <p className="muted" style={{ marginTop: 0 }}>
        {saved ? "Renders use this saved script." : "Renders generate a script from the brief. Preview it here, edit scenes, and save to use your version."}
        {dirty ? " Unsaved changes." : ""}
      </p>
      <ErrorBox error={error} />
      {draft ? (
        <div>
          <label htmlFor="script-hook">Hook</label>
          <input id="script-hook" value={draft.hook} onChange={(e) => edit((s) => ({ ...s, hook: e.target.value }))} />
          {draft.scenes.map((sc, i) => (
            <div className="scene" key={i} data-testid="scene">
              <h3>
                Scene {i + 1} <span className="muted">{sc.durationSec.toFixed(1)} s</span>
              </h3>
              <label htmlFor={`narration-${i}`}>Narration (scene {i + 1})</label>
              <textarea id={`narration-${i}`} value={sc.narration} onChange={(e) => setScene(i, "narration", e.target.value)} />
              <div className="row">
                <div>
                  <label htmlFor={`onscreen-${i}`}>On-screen text</label>
                  <input id={`onscreen-${i}`} value={sc.onScreenText} onChange={(e) => setScene(i, "onScreenText", e.target.value)} />
                </div>
                <div>
                  <label htmlFor={`visual-${i}`}>Visual</label>
                  <input id={`visual-${i}`} value={sc.visualPrompt} onChange={(e) => setScene(i, "visualPrompt", e.target.value)} />
                </div>
              </div>
            </div>
          ))}
          <label htmlFor="script-cta">Call to action</label>
          <input id="script-cta" value={draft.callToAction} onChange={(e) => edit((s) => ({ ...s, callToAction: e.target.value }))} />
        </div>
      ) : null}
    </section>
  );
}
