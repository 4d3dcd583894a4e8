/**
 * Webhooks: when a render queued through the API finishes, its token's webhook URL is POSTed a
 * JSON body signed with HMAC-SHA256 (`X-Reelfarm-Signature: sha256=<hex>` over
 * `<timestamp>.<body>`, timestamp in `X-Reelfarm-Timestamp`). Runs as its own job: a slow or
 * failing receiver never blocks a worker's render; graphile-worker retries with backoff
 * (maxAttempts 5).
 */
import { createHmac } from "node:crypto";
import { env } from "~/env";
import { type Db } from "~/server/db";
import { assertWebhookTarget } from "./webhook-target";

export function signWebhook(secret: string, timestamp: string, body: string) {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export async function deliverWebhook(db: Db, p: { renderId: string; url: string; event: string }) {
  const r = await db.render.findUnique({
    where: { id: p.renderId },
    select: { id: true, status: true, error: true, durationSec: true, finishedAt: true, campaignId: true, queuedBy: { select: { apiTokens: { where: { webhookUrl: p.url } } } } },
  });
  if (!r) return "render gone";
  const token = r.queuedBy?.apiTokens[0];
  if (!token?.webhookSecret) return "webhook no longer configured";
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
    },
  });
  await assertWebhookTarget(p.url, env().WEBHOOK_ALLOW_PRIVATE);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await fetch(p.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-reelfarm-event": p.event, "x-reelfarm-timestamp": timestamp, "x-reelfarm-signature": signWebhook(token.webhookSecret, timestamp, body) },
    body,
    signal: AbortSignal.timeout(10_000),
    redirect: "error",
  });
  if (!res.ok) throw new Error(`webhook ${p.url} answered ${res.status}`);
  return `delivered ${p.event} (${res.status})`;
}
