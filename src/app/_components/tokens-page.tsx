"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "~/trpc/react";
import { formatDateTime, timeAgo } from "./format";
import { ConfirmButton, Empty, ErrorBox, Loading, SecretValue } from "./ui";

/** The user's API tokens: create (shown once), webhook per token, revoke; and how to call the API. */
export function TokensPage({ origin }: { origin: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const [created, setCreated] = useState<{ token: string; webhookSecret: string | null } | null>(null);
  const refresh = () => qc.invalidateQueries(trpc.tokens.list.queryFilter());
  const create = useMutation(trpc.tokens.create.mutationOptions({ onSuccess: async (t) => (setCreated(t), await refresh()) }));
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: refresh }));

  function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const f = new FormData(form);
    const webhookUrl = String(f.get("webhookUrl") ?? "").trim();
    const scopes = (["read", "render", "admin"] as const).filter((x) => f.get(`scope-${x}`) === "on");
    const days = Number(f.get("expiresInDays") ?? 0);
    create.mutate({ name: String(f.get("tokenName") ?? ""), webhookUrl: webhookUrl || null, scopes, expiresInDays: days > 0 ? days : null }, { onSuccess: () => form.reset() });
  }

  return (
    <div className="grid">
      <div className="stack">
        <section className="panel" aria-labelledby="new-token-h">
          <h2 id="new-token-h">New API token</h2>
          <form onSubmit={submit} aria-label="New API token">
            <label htmlFor="tokenName">Name</label>
            <input id="tokenName" name="tokenName" required maxLength={80} placeholder="CI pipeline" />
            <label htmlFor="webhookUrl">Webhook URL (optional)</label>
            <input id="webhookUrl" name="webhookUrl" type="url" placeholder="https://example.com/reelfarm-hook" />
            <div className="checks" role="group" aria-label="Scopes">
              <label>
                <input type="checkbox" name="scope-read" defaultChecked /> read
              </label>
              <label>
                <input type="checkbox" name="scope-render" defaultChecked /> render (queue renders)
              </label>
              <label>
                <input type="checkbox" name="scope-admin" /> admin (admins only)
              </label>
            </div>
            <label htmlFor="expiresInDays">Expires</label>
            <select id="expiresInDays" name="expiresInDays" defaultValue="90">
              <option value="7">in 7 days</option>
              <option value="30">in 30 days</option>
              <option value="90">in 90 days</option>
              <option value="365">in a year</option>
              <option value="0">never</option>
            </select>
            <div className="hint">Called when a render you queued finishes; signed with the token&apos;s webhook secret.</div>
            <ErrorBox error={create.error} />
            <div style={{ marginTop: 14 }}>
              <button type="submit" disabled={create.isPending}>
                {create.isPending ? "Creating…" : "Create token"}
              </button>
            </div>
          </form>
          {created ? (
            <div className="notice" role="status">
              <strong>Copy these now: they are not shown again.</strong>
              <SecretValue label="API token" value={created.token} />
              {created.webhookSecret ? <SecretValue label="Webhook signing secret" value={created.webhookSecret} /> : null}
            </div>
          ) : null}
        </section>
        <section className="panel" aria-labelledby="api-h">
          <h2 id="api-h">Using the API</h2>
          <pre className="mono" style={{ whiteSpace: "pre-wrap", background: "#f5f6fa", padding: 12, borderRadius: 8 }}>
            {`curl -X POST ${origin}/api/v1/renders \\
  -H "Authorization: Bearer $REELFARM_TOKEN" \\
  -H "content-type: application/json" \\
  -d '{"campaignId":"<id>","preset":"final"}'

curl ${origin}/api/v1/renders/<renderId> \\
  -H "Authorization: Bearer $REELFARM_TOKEN"`}
          </pre>
          <p className="muted">
            Webhooks: POST with <code>X-Reelfarm-Signature: sha256=HMAC(secret, timestamp + &quot;.&quot; + body)</code> and <code>X-Reelfarm-Timestamp</code>; retried up to 5 times.
          </p>
        </section>
      </div>
      <section className="panel" aria-labelledby="tokens-h">
        <h2 id="tokens-h">Your tokens</h2>
        {tokens.isLoading ? <Loading label="Loading tokens" /> : null}
        <ErrorBox error={tokens.error} retry={() => void tokens.refetch()} />
        {tokens.data?.length === 0 ? <Empty title="No API tokens">Create one to queue renders from scripts or CI.</Empty> : null}
        <ul className="list">
          {tokens.data?.map((t) => (
            <li key={t.id} className="card" data-testid="api-token">
              <div className="card-head">
                <div>
                  <strong>{t.name}</strong> <span className="mono">{t.prefix}…</span>
                  <div className="muted">
                    Created {formatDateTime(t.createdAt)} · last used {timeAgo(t.lastUsedAt)} · scopes {t.scopes.join(", ")} · {t.expiresAt ? `expires ${formatDateTime(t.expiresAt)}` : "never expires"}
                  </div>
                  <TokenWebhook tokenId={t.id} name={t.name} url={t.webhookUrl} onSaved={() => void refresh()} />
                </div>
                <ConfirmButton title={`Revoke ${t.name}`} body="Anything using this token stops working at once." confirmLabel="Revoke token" onConfirm={() => revoke.mutate({ tokenId: t.id })}>
                  Revoke
                </ConfirmButton>
              </div>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

/** A token's webhook: shown, changed (a new signing secret, shown once) or removed. */
function TokenWebhook({ tokenId, name, url, onSaved }: { tokenId: string; name: string; url: string | null; onSaved: () => void }) {
  const trpc = useTRPC();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(url ?? "");
  const save = useMutation(trpc.tokens.setWebhook.mutationOptions({ onSuccess: () => (setEditing(false), onSaved()) }));
  if (!editing) {
    return (
      <div className="muted">
        {url ? `Webhook: ${url}` : "No webhook"}{" "}
        <button type="button" className="ghost small" onClick={() => setEditing(true)} aria-label={`Edit webhook of ${name}`}>
          {url ? "Change" : "Add webhook"}
        </button>
        {save.data?.webhookSecret ? <SecretValue label="New webhook signing secret (shown once)" value={save.data.webhookSecret} /> : null}
      </div>
    );
  }
  return (
    <form
      className="actions"
      style={{ marginTop: 6 }}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ tokenId, webhookUrl: value.trim() || null });
      }}
    >
      <label className="visually-hidden" htmlFor={`hook-${tokenId}`}>
        Webhook URL of {name}
      </label>
      <input id={`hook-${tokenId}`} type="url" value={value} onChange={(e) => setValue(e.target.value)} placeholder="https://… (empty removes it)" style={{ width: 280 }} />
      <button type="submit" className="small" disabled={save.isPending}>
        Save
      </button>
      <button type="button" className="small secondary" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <ErrorBox error={save.error} />
    </form>
  );
}
