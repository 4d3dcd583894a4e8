/**
 * Webhooks: when a render queued by a token's user finishes, the pipeline's notify() queues a
 * webhook:deliver job; a worker POSTs the receiver a body signed with the token's secret
 * (checked here with an independent HMAC), and retries when the receiver fails.
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { run, type Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "~/server/services/api-tokens";
import { notify } from "~/server/services/pipeline/assemble";
import { taskList } from "../../worker/tasks";
import { testDb, waitFor } from "../helpers/db";
import { makeWorld, type World } from "../auth/fixtures";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

let w: World;
let server: Server;
let receiverUrl = "";
const received: Received[] = [];
/** Status codes to answer, in order; then 204. */
const answers: number[] = [];
let runner: Runner;

beforeAll(async () => {
  w = await makeWorld();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      res.writeHead(answers.shift() ?? 204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  // Only the webhook task: other test files' jobs stay untouched.
  runner = await run({ connectionString: process.env.TEST_DATABASE_URL!, concurrency: 1, taskList: { "webhook:deliver": taskList["webhook:deliver"]! }, noHandleSignals: true, pollInterval: 200, logger: undefined });
});

afterAll(async () => {
  await runner?.stop();
  await new Promise((r) => server.close(r));
});

async function finishedRender(status: "succeeded" | "failed", apiTokenId: string | null) {
  return testDb().render.create({
    data: { campaignId: w.campaignA.id, queuedById: w.marketerA.id, apiTokenId, status, stage: status === "succeeded" ? "done" : "failed", progress: 100, settings: {}, outputFile: status === "succeeded" ? "renders/x/output.mp4" : null, durationSec: 8.5, finishedAt: new Date() },
  });
}

function verify(r: Received, secret: string) {
  const ts = String(r.headers["x-reelfarm-timestamp"]);
  const expected = `sha256=${createHmac("sha256", secret).update(`${ts}.${r.body}`).digest("hex")}`;
  expect(r.headers["x-reelfarm-signature"]).toBe(expected);
  expect(Math.abs(Date.now() / 1000 - Number(ts))).toBeLessThan(60);
  expect(r.headers["content-type"]).toBe("application/json");
}

describe("webhooks", () => {
  it("a finished render is POSTed to the token's webhook, signed with its secret", async () => {
    const t = await createApiToken(testDb(), w.marketerA.id, { name: "hooked", webhookUrl: receiverUrl });
    expect(t.webhookSecret).toMatch(/^whsec_/);
    const r = await finishedRender("succeeded", t.id);
    await notify(testDb(), r.id, "render.succeeded");
    const got = await waitFor(async () => received.find((x) => x.body.includes(r.id)), 15_000, "the webhook call");
    verify(got, t.webhookSecret!);
    const body = JSON.parse(got.body) as { event: string; render: { id: string; status: string; videoUrl: string | null; durationSec: number } };
    expect(body).toMatchObject({ event: "render.succeeded", render: { id: r.id, status: "succeeded", durationSec: 8.5 } });
    expect(body.render.videoUrl).toMatch(new RegExp(`/api/renders/${r.id}/video$`));
    expect(got.headers["x-reelfarm-event"]).toBe("render.succeeded");
    // A body altered in transit no longer matches its signature.
    expect(() => verify({ ...got, body: got.body.replace("succeeded", "failed") }, t.webhookSecret!)).toThrow();
  });

  it("goes only to the token that queued the render: not the user's other tokens, not for dashboard renders", async () => {
    const queuing = await createApiToken(testDb(), w.marketerA.id, { name: "queuing", webhookUrl: `${receiverUrl}/queuing` });
    await createApiToken(testDb(), w.marketerA.id, { name: "other", webhookUrl: `${receiverUrl}/other` });
    const viaToken = await finishedRender("succeeded", queuing.id);
    const viaDashboard = await finishedRender("succeeded", null);
    await notify(testDb(), viaDashboard.id, "render.succeeded");
    await notify(testDb(), viaToken.id, "render.succeeded");
    await waitFor(async () => received.find((x) => x.body.includes(viaToken.id)), 15_000, "the queuing token's webhook");
    await new Promise((res) => setTimeout(res, 1000));
    const calls = received.filter((x) => x.body.includes(viaToken.id) || x.body.includes(viaDashboard.id));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.path).toBe("/hook/queuing");
    verify(calls[0]!, queuing.webhookSecret!);
  });

  it("is retried when the receiver fails, and then delivered", async () => {
    const t = await testDb().apiToken.findFirstOrThrow({ where: { userId: w.marketerA.id, name: "hooked" } });
    const r = await finishedRender("failed", t.id);
    answers.push(500);
    const before = received.length;
    await notify(testDb(), r.id, "render.failed");
    await waitFor(async () => received.filter((x) => x.body.includes(r.id)).length >= 2, 20_000, "a retried webhook call");
    const calls = received.slice(before).filter((x) => x.body.includes(r.id));
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThan(500); // backoff, not a hot loop
    expect(JSON.parse(calls[1]!.body)).toMatchObject({ event: "render.failed", render: { id: r.id, status: "failed", videoUrl: null } });
  });

  it("is not sent once the token's webhook is removed", async () => {
    const t = await testDb().apiToken.findFirstOrThrow({ where: { userId: w.marketerA.id, name: "hooked" } });
    const r = await finishedRender("succeeded", t.id);
    await testDb().apiToken.updateMany({ where: { userId: w.marketerA.id }, data: { webhookUrl: null, webhookSecret: null } });
    await notify(testDb(), r.id, "render.succeeded");
    await new Promise((res) => setTimeout(res, 1500));
    expect(received.some((x) => x.body.includes(r.id))).toBe(false);
  });
});
