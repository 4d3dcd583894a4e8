/**
 * Webhooks: when a render queued through the API finishes, the webhook of the token that queued
 * it (recorded on the render as `apiTokenId`; no other token of the user) is POSTed a JSON body
 * signed with HMAC-SHA256 (`X-Reelfarm-Signature: sha256=<hex>` over `<timestamp>.<body>`,
 * timestamp in `X-Reelfarm-Timestamp`). Runs as its own job: a slow or failing receiver never
 * blocks a worker's render; graphile-worker retries with backoff (maxAttempts 5).
 *
 * The receiver's name is resolved once; the request connects to exactly the address that was
 * checked (see ./webhook-target), never follows a redirect and gives up after 10 s.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { env } from "~/env";
import { renderQaFields } from "./render-qa";
import { type Db } from "~/server/db";
import { type Resolve, resolveWebhookTarget, type WebhookTarget } from "./webhook-target";

export function signWebhook(secret: string, timestamp: string, body: string) {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface DeliverOptions {
  /** Default: WEBHOOK_ALLOW_PRIVATE. */
  allowPrivate?: boolean;
  /** Default: the system resolver (tests inject hostile answers). */
  resolve?: Resolve;
  /** Default 10 s. */
  timeoutMs?: number;
}

/** A webhook target for logs and errors: scheme, host and path, never the query (it may hold a secret). */
export const redactUrl = (u: URL) => `${u.protocol}//${u.host}${u.pathname}`;

/** POSTs `body` to the checked target, connecting to its pinned address. Resolves with the status. */
function post(target: WebhookTarget, headers: Record<string, string>, body: string, timeoutMs: number): Promise<number> {
  const u = target.url;
  const hostname = u.hostname.replace(/^\[|\]$/g, "");
  const mod = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      {
        method: "POST",
        // The checked address itself: no second resolution can change where this goes.
        host: target.address ?? hostname,
        family: target.family ?? undefined,
        port: u.port || (u.protocol === "https:" ? 443 : 80),
        path: `${u.pathname}${u.search}`,
        // TLS name checks and virtual hosting still use the URL's name.
        servername: target.address && !/^[\d.]+$|:/.test(hostname) ? hostname : undefined,
        headers: { ...headers, host: u.host, "content-length": String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

export async function deliverWebhook(db: Db, p: { renderId: string; tokenId: string; event: string }, opts: DeliverOptions = {}) {
  const r = await db.render.findUnique({
    where: { id: p.renderId },
    select: { id: true, status: true, qaWarnings: true, qa: true, error: true, durationSec: true, finishedAt: true, campaignId: true, apiTokenId: true, apiToken: { select: { webhookUrl: true, webhookSecret: true } } },
  });
  if (!r) return "render gone";
  // Only the token that queued the render, and only while it still has a webhook.
  const token = r.apiTokenId === p.tokenId ? r.apiToken : null;
  if (!token?.webhookUrl || !token.webhookSecret) return "webhook no longer configured";
  const body = JSON.stringify({
    event: p.event,
    render: {
      id: r.id,
      campaignId: r.campaignId,
      status: r.status,
      error: r.error,
      durationSec: r.durationSec,
      finishedAt: r.finishedAt,
      videoUrl: r.status === "succeeded" ? `${env().PUBLIC_URL}/api/renders/${r.id}/video` : null,
      ...renderQaFields(r),
    },
  });
  const target = await resolveWebhookTarget(token.webhookUrl, opts.allowPrivate ?? env().WEBHOOK_ALLOW_PRIVATE, opts.resolve);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const status = await post(
    target,
    { "content-type": "application/json", "x-reelfarm-event": p.event, "x-reelfarm-timestamp": timestamp, "x-reelfarm-signature": signWebhook(token.webhookSecret, timestamp, body) },
    body,
    opts.timeoutMs ?? 10_000,
  );
  if (status < 200 || status >= 300) throw new Error(`webhook ${redactUrl(target.url)} answered ${status}`);
  return `delivered ${p.event} (${status})`;
}
