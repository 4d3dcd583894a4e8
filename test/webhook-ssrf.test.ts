/**
 * SSRF: hostile webhook URLs against a receiver listening on 127.0.0.1, with
 * WEBHOOK_ALLOW_PRIVATE off. Each URL is stored on the token directly (as if saved before a DNS
 * change, or by a bug in the save-time check), so the delivery's own check is what is tested:
 * none of them may reach the receiver.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverWebhook } from "~/server/services/webhooks";
import { type Resolve, WebhookTargetError } from "~/server/services/webhook-target";
import { makeWorld, type World } from "./auth/fixtures";
import { testDb } from "./helpers/db";

let w: World;
let server: Server;
let port = 0;
const hits: string[] = [];

beforeAll(async () => {
  w = await makeWorld();
  server = createServer((req, res) => {
    hits.push(`${req.headers.host} ${req.url}`);
    res.writeHead(204).end();
  });
  // Every local address of this host, IPv4 and IPv6, so a mapped or compatible form would land.
  await new Promise<void>((r) => server.listen(0, "::", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

/** A resolver with a fixed answer per name; counts its calls. */
function resolverOf(answers: Record<string, string[] | string[][]>) {
  const calls: string[] = [];
  const resolve: Resolve = async (name) => {
    calls.push(name);
    const a = answers[name];
    if (!a) return [];
    // string[][]: one answer per lookup, in order (a DNS-rebinding name).
    const answer = (Array.isArray(a[0]) ? (a as string[][])[Math.min(calls.filter((c) => c === name).length - 1, a.length - 1)] : a) as string[];
    return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { resolve, calls };
}

async function renderWithWebhook(url: string) {
  const db = testDb();
  // Straight to the row (not createApiToken's save-time check): the delivery must refuse it on its own.
  const t = await db.apiToken.create({ data: { userId: w.marketerA.id, name: "ssrf", tokenHash: randomUUID(), webhookUrl: url, webhookSecret: "whsec_test" } });
  const r = await db.render.create({
    data: { campaignId: w.campaignA.id, queuedById: w.marketerA.id, apiTokenId: t.id, status: "succeeded", stage: "done", progress: 100, settings: {}, finishedAt: new Date() },
  });
  return { renderId: r.id, tokenId: t.id };
}

const hostileLiterals = (p: number) => [
  `http://127.0.0.1:${p}/hook`,
  `http://[::ffff:127.0.0.1]:${p}/hook`, // IPv4-mapped IPv6
  `http://[::ffff:7f00:1]:${p}/hook`,
  `http://[::127.0.0.1]:${p}/hook`, // IPv4-compatible IPv6
  `http://[64:ff9b::127.0.0.1]:${p}/hook`, // NAT64
  `http://[2002:7f00:1::1]:${p}/hook`, // 6to4 of 127.0.0.1
  `http://[::1]:${p}/hook`,
  `http://[::]:${p}/hook`,
  `http://2130706433:${p}/hook`, // decimal
  `http://0x7f000001:${p}/hook`, // hex
  `http://0x7f.0.0.1:${p}/hook`,
  `http://0177.0.0.1:${p}/hook`, // octal
  `http://127.1:${p}/hook`,
  `http://0.0.0.0:${p}/hook`, // reaches this host on Linux
  `http://0:${p}/hook`,
  `http://169.254.169.254:${p}/latest/meta-data/`, // cloud metadata
  `http://[::ffff:169.254.169.254]:${p}/latest/meta-data/`,
  `http://[fe80::1]:${p}/hook`, // link-local
  `http://192.0.0.1:${p}/hook`,
  `http://198.18.0.1:${p}/hook`,
  `http://localhost:${p}/hook`, // a name resolving to loopback (system resolver)
];

describe("webhook delivery refuses non-public targets (WEBHOOK_ALLOW_PRIVATE off)", () => {
  it("the receiver is reachable when private targets are allowed (the control)", async () => {
    const { renderId, tokenId } = await renderWithWebhook(`http://127.0.0.1:${port}/control`);
    await expect(deliverWebhook(testDb(), { renderId, tokenId, event: "render.succeeded" }, { allowPrivate: true })).resolves.toMatch(/delivered/);
    expect(hits.some((h) => h.endsWith("/control"))).toBe(true);
  });

  it.each(hostileLiterals(0).map((u, i) => [u, i]))("%s is not delivered", async (_shown, i) => {
    const url = hostileLiterals(port)[i as number]!;
    const before = hits.length;
    const { renderId, tokenId } = await renderWithWebhook(url);
    await expect(deliverWebhook(testDb(), { renderId, tokenId, event: "render.succeeded" }, { allowPrivate: false, timeoutMs: 2000 })).rejects.toBeInstanceOf(WebhookTargetError);
    expect(hits.length).toBe(before);
  });

  it("names resolving to loopback, metadata or a mapped address are not delivered", async () => {
    const { resolve } = resolverOf({
      "loop.test": ["127.0.0.1"],
      "meta.test": ["169.254.169.254"],
      "mapped.test": ["::ffff:127.0.0.1"],
      "mixed.test": ["93.184.216.34", "127.0.0.1"],
    });
    const before = hits.length;
    for (const name of ["loop.test", "meta.test", "mapped.test", "mixed.test"]) {
      const { renderId, tokenId } = await renderWithWebhook(`http://${name}:${port}/hook`);
      await expect(deliverWebhook(testDb(), { renderId, tokenId, event: "render.succeeded" }, { allowPrivate: false, resolve })).rejects.toBeInstanceOf(WebhookTargetError);
    }
    expect(hits.length).toBe(before);
  });

  it("a name whose answer changes between lookups (public, then loopback) is resolved once and never reaches loopback", async () => {
    // 192.0.2.x would be refused; use a public address that this sandbox cannot reach, so the
    // pinned connection fails instead of trying a second lookup.
    const { resolve, calls } = resolverOf({ "rebind.test": [["93.184.216.34"], ["127.0.0.1"], ["127.0.0.1"]] });
    const before = hits.length;
    const { renderId, tokenId } = await renderWithWebhook(`http://rebind.test:${port}/hook`);
    await expect(deliverWebhook(testDb(), { renderId, tokenId, event: "render.succeeded" }, { allowPrivate: false, resolve, timeoutMs: 1500 })).rejects.toThrow();
    expect(calls).toEqual(["rebind.test"]);
    expect(hits.length).toBe(before);
  });
});
