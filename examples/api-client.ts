/**
 * A typed REST API v1 client (openapi-fetch over the types generated from /api/v1/openapi.json)
 * that goes from a brief to a video with nothing but an API token:
 *   create the campaign -> upload its images -> queue a render -> follow it -> download the MP4
 *   (-> read its QA report when one was recorded).
 *
 *   REELFARM_URL=http://localhost:3000 REELFARM_TOKEN=rf_... npm run example:api -- examples/campaign.json out.mp4
 *
 * Every POST carries an Idempotency-Key, so a request retried after a network error never makes
 * a second campaign or a second render.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import createClient from "openapi-fetch";
import { type components, type paths } from "./reelfarm-api";

type Brief = components["schemas"]["CampaignCreate"];
type Render = components["schemas"]["Render"];
type Problem = components["schemas"]["Problem"];

export interface BriefToVideoOptions {
  /** The app's URL, e.g. http://localhost:3000. */
  baseUrl: string;
  /** An API token (rf_...). */
  token: string;
  /** A campaign.json: the brief plus `images`, paths relative to the file. */
  campaignFile: string;
  /** Where to write the MP4. */
  out: string;
  preset?: "preview" | "final";
  /** Give up after this long. Default 10 minutes. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** Throws with the problem's detail and the fields at fault. */
function fail(what: string, p: Problem | undefined, status: number): never {
  const fields = p?.errors?.map((e) => `${e.field}: ${e.message}`).join("; ");
  throw new Error(`${what} failed (${status}): ${p?.detail ?? p?.title ?? "no detail"}${fields ? ` [${fields}]` : ""}`);
}

const MIME: Record<string, string> = { ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif" };

export async function briefToVideo(o: BriefToVideoOptions): Promise<{ campaignId: string; render: Render; bytes: number; qa: unknown }> {
  const log = o.log ?? console.log;
  const api = createClient<paths>({ baseUrl: `${o.baseUrl.replace(/\/$/, "")}/api/v1`, headers: { authorization: `Bearer ${o.token}` } });
  const idempotent = { "Idempotency-Key": randomUUID() };
  const next = () => ({ "Idempotency-Key": randomUUID() });

  const file = JSON.parse(await fs.readFile(o.campaignFile, "utf8")) as Brief & { images?: string[] };
  const { images = [], ...brief } = file;

  const created = await api.POST("/campaigns", { params: { header: idempotent }, body: brief });
  if (!created.data) fail("create campaign", created.error, created.response.status);
  const campaignId = created.data.id;
  log(`campaign ${campaignId} created`);

  if (images.length) {
    const form = new FormData();
    for (const rel of images) {
      const p = path.resolve(path.dirname(o.campaignFile), rel);
      form.append("images", new Blob([new Uint8Array(await fs.readFile(p))], { type: MIME[path.extname(p).toLowerCase()] ?? "application/octet-stream" }), path.basename(p));
    }
    const up = await api.POST("/campaigns/{id}/images", {
      params: { path: { id: campaignId }, header: next() },
      body: { images: [] },
      bodySerializer: () => form,
    });
    if (!up.data) fail("upload images", up.error, up.response.status);
    log(`${up.data.images.length} image(s) uploaded`);
  }

  const queued = await api.POST("/renders", { params: { header: next() }, body: { campaignId, preset: o.preset ?? "preview", regenerate: false } });
  if (!queued.data) fail("queue render", queued.error, queued.response.status);
  let render = queued.data;
  log(`render ${render.id} queued`);

  const deadline = Date.now() + (o.timeoutMs ?? 600_000);
  let last = "";
  while (render.status === "queued" || render.status === "running") {
    if (Date.now() > deadline) throw new Error(`render ${render.id} did not finish in time (last: ${render.stage} ${render.progress}%)`);
    await new Promise((r) => setTimeout(r, 1000));
    const got = await api.GET("/renders/{id}", { params: { path: { id: render.id } } });
    if (!got.data) fail("read render", got.error, got.response.status);
    render = got.data;
    const now = `${render.status} ${render.stage} ${render.progress}%`;
    if (now !== last) log(`  ${now}`);
    last = now;
  }
  if (render.status !== "succeeded") throw new Error(`render ${render.id} ${render.status}: ${render.error ?? "no error recorded"}`);

  const video = await api.GET("/renders/{id}/output", { params: { path: { id: render.id } }, parseAs: "arrayBuffer" });
  if (!video.data) fail("download video", video.error as Problem | undefined, video.response.status);
  const bytes = new Uint8Array(video.data as ArrayBuffer);
  await fs.writeFile(o.out, bytes);
  log(`video written to ${o.out} (${bytes.byteLength} bytes)`);

  const qa = await api.GET("/renders/{id}/qa", { params: { path: { id: render.id } } });
  if (qa.data) log(`QA report recorded for ${qa.data.renderId}`);
  return { campaignId, render, bytes: bytes.byteLength, qa: qa.data?.report ?? null };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [campaignFile = "examples/campaign.json", out = "reelfarm-api-example.mp4"] = process.argv.slice(2);
  const token = process.env.REELFARM_TOKEN;
  if (!token) {
    console.error("Set REELFARM_TOKEN to an API token (Settings -> API tokens) and REELFARM_URL to the app (default http://localhost:3000).");
    process.exit(2);
  }
  briefToVideo({ baseUrl: process.env.REELFARM_URL ?? "http://localhost:3000", token, campaignFile, out }).catch((e: unknown) => {
    console.error((e as Error).message);
    process.exit(1);
  });
}
