"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { sceneSec, scriptSec } from "~/plugins/shared/coverage";
import { MAX_SCENES, MIN_SCENES, type Scene, type Script, ScriptSchema } from "~/plugins/spec/schemas";
import { scriptTiming } from "~/shared/brief-fit";
import { useTRPC } from "~/trpc/react";
import { formatUsd } from "./format";
import { ErrorBox } from "./ui";

/**
 * The script renders use. "Preview script" writes it with the render's own script chain (Gemini
 * when configured: its cost is shown) and saves it, so the previewed script is the rendered one;
 * scenes can be edited, added, removed and reordered, and saving checks the must-say lines, the
 * CTA and the length. "Use generated script" goes back to writing one per render.
 */
export function ScriptEditor({ campaignId, saved, voice, targetSeconds }: { campaignId: string; saved: Script | null; voice: string; targetSeconds: number }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Script | null>(saved);
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [written, setWritten] = useState<{ provider: string; costUsd: number; fallbackReason: string | null } | null>(null);
  const refresh = () => qc.invalidateQueries(trpc.campaign.get.queryFilter({ id: campaignId }));
  const generate = useMutation(
    trpc.script.generate.mutationOptions({
      onSuccess: async (r) => {
        setDraft(r.script);
        setDirty(false);
        setError(null);
        setWritten({ provider: r.provider, costUsd: r.costUsd, fallbackReason: r.fallbackReason });
        await refresh();
      },
      onError: (e) => setError(e.message),
    }),
  );
  const save = useMutation(
    trpc.script.save.mutationOptions({
      onSuccess: async (s) => {
        setDraft(s);
        setDirty(false);
        setError(null);
        await refresh();
      },
      onError: (e) => setError(e.message),
    }),
  );

  const timing = scriptTiming(targetSeconds, voice);
  const edit = (patch: (s: Script) => Script) => {
    if (!draft) return;
    setDraft(patch(draft));
    setDirty(true);
  };
  const setScene = (i: number, field: "narration" | "onScreenText" | "visualPrompt", value: string) =>
    edit((s) => ({ ...s, scenes: s.scenes.map((sc, j) => (j === i ? { ...sc, [field]: value } : sc)) }));
  const addAfter = (i: number) =>
    edit((s) => {
      const blank: Scene = { narration: "", onScreenText: "", visualPrompt: s.scenes[i]?.visualPrompt ?? "Product close-up", durationSec: 2 };
      return { ...s, scenes: [...s.scenes.slice(0, i + 1), blank, ...s.scenes.slice(i + 1)] };
    });
  const remove = (i: number) => edit((s) => ({ ...s, scenes: s.scenes.filter((_, j) => j !== i) }));
  const move = (i: number, by: -1 | 1) =>
    edit((s) => {
      const scenes = [...s.scenes];
      const [x] = scenes.splice(i, 1);
      scenes.splice(i + by, 0, x!);
      return { ...s, scenes };
    });

  function submit() {
    if (!draft) return;
    // Scene lengths follow the words (the render fits the timeline to the target anyway).
    const sized = { ...draft, scenes: draft.scenes.map((sc) => ({ ...sc, durationSec: Math.min(20, Math.max(1, Math.round(sceneSec(sc.narration, timing) * 10) / 10)) })) };
    const parsed = ScriptSchema.safeParse(sized);
    if (!parsed.success) return setError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
    save.mutate({ campaignId, script: parsed.data });
  }

  const total = draft ? scriptSec(draft, timing) : 0;
  return (
    <section className="panel" aria-labelledby="script-h">
      <div className="panel-head">
        <h2 id="script-h">Script</h2>
        <div className="actions">
          <button className="small secondary" onClick={() => generate.mutate({ campaignId })} disabled={generate.isPending}>
            {generate.isPending ? "Writing…" : draft ? "Regenerate script" : "Preview script"}
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
        {saved ? "Renders use this script." : "Renders write a script from the brief. Preview it here (it is then the one renders use), edit, add, remove or reorder scenes."}
        {dirty ? " Unsaved changes." : ""}
      </p>
      {written ? (
        <p className="muted" data-testid="script-provider">
          Written by {written.provider} · {formatUsd(written.costUsd)}
          {written.fallbackReason ? ` (fell back: ${written.fallbackReason})` : ""}
        </p>
      ) : null}
      <ErrorBox error={error} />
      {draft ? (
        <div>
          <p className={total > timing.budgetSec ? "field-error" : "muted"} data-testid="script-length">
            Narration about {total.toFixed(1)} s of the {timing.budgetSec.toFixed(1)} s the scenes have in a {targetSeconds} s ad (the end card takes the rest).
          </p>
          {draft.notes?.length ? (
            <ul className="muted" data-testid="script-notes">
              {draft.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
          <label htmlFor="script-hook">Hook</label>
          <input id="script-hook" value={draft.hook} onChange={(e) => edit((s) => ({ ...s, hook: e.target.value }))} />
          {draft.scenes.map((sc, i) => (
            <div className="scene" key={i} data-testid="scene">
              <h3>
                Scene {i + 1} <span className="muted">~{sceneSec(sc.narration, timing).toFixed(1)} s</span>
              </h3>
              <div className="actions">
                <button type="button" className="small secondary" aria-label={`Move scene ${i + 1} up`} onClick={() => move(i, -1)} disabled={i === 0}>
                  ↑
                </button>
                <button type="button" className="small secondary" aria-label={`Move scene ${i + 1} down`} onClick={() => move(i, 1)} disabled={i === draft.scenes.length - 1}>
                  ↓
                </button>
                <button type="button" className="small secondary" onClick={() => addAfter(i)} disabled={draft.scenes.length >= MAX_SCENES}>
                  Add scene after {i + 1}
                </button>
                <button type="button" className="small danger" onClick={() => remove(i)} disabled={draft.scenes.length <= MIN_SCENES}>
                  Remove scene {i + 1}
                </button>
              </div>
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
