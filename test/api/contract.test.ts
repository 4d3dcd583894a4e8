/**
 * Contract tests of REST API v1 against its own OpenAPI document: every answer below (success and
 * each error class) must be a status the document lists for that operation, with its media type,
 * and a body its JSON Schema accepts (Ajv, JSON Schema 2020-12). Real PostgreSQL, real storage.
 */
import fs from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import { handleV1 } from "~/server/api/rest/dispatch";
import { openApiDocument } from "~/server/api/rest/openapi";
import { operations } from "~/server/api/rest/v1";
import { createApiToken } from "~/server/services/api-tokens";
import { storage } from "~/server/storage";
import { testDb } from "../helpers/db";
import { brief, discardRenders, makeWorld, type World } from "../auth/fixtures";

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };
const doc = openApiDocument() as unknown as Doc;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(doc as object, "openapi");
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

const serum = fs.readFileSync(path.resolve(import.meta.dirname, "../../examples/serum.jpg"));
let w: World;
let token: string;
let other: string;
let n = 0;
/** (operationId, status) pairs seen and validated. */
const seen = new Set<string>();

/** Calls the API, then checks the answer against the document. */
async function api(method: string, p: string, init: { body?: unknown; raw?: BodyInit; type?: string; key?: string | null; auth?: string | null; headers?: Record<string, string> } = {}) {
  const headers = new Headers(init.headers);
  const auth = init.auth === undefined ? token : init.auth;
  if (auth) headers.set("authorization", `Bearer ${auth}`);
  let body: BodyInit | undefined = init.raw;
  if (init.body !== undefined) body = JSON.stringify(init.body);
  if (init.type ?? (init.body !== undefined ? "application/json" : undefined)) headers.set("content-type", init.type ?? "application/json");
  if (method === "POST" && init.key !== null) headers.set("idempotency-key", init.key ?? `contract-${Date.now()}-${n++}`);
  const res = await handleV1(new Request(`${env().PUBLIC_URL}/api/v1${p}`, { method, headers, ...(body !== undefined ? { body } : {}) }));
  const type = (res.headers.get("content-type") ?? "").split(";")[0]!;
  const bytes = Buffer.from(await res.arrayBuffer());
  const route = operations.find((o) => o.method === method && new RegExp(`^${o.path.replace(/\{\w+\}/g, "[^/]+")}$`).test(p.split("?")[0]!));
  expect(type, `${method} ${p} ${res.status}`).not.toMatch(/html/);
  if (route) {
    const responses = doc.paths[route.path]![method.toLowerCase()]!.responses;
    const documented = responses[String(res.status)];
    expect(documented, `${route.operationId} answered ${res.status}, which the document does not list: ${bytes.toString().slice(0, 300)}`).toBeDefined();
    if (res.status !== 204) {
      expect(Object.keys(documented!.content ?? {}), `${route.operationId} ${res.status} media type`).toContain(type);
      if (type.endsWith("json")) {
        const ref = `openapi#/${pointer("paths", route.path, method.toLowerCase(), "responses", String(res.status), "content", type, "schema")}`;
        const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
        const ok = validate(JSON.parse(bytes.toString("utf8")));
        expect(ok, `${route.operationId} ${res.status}: ${ajv.errorsText(validate.errors)} in ${bytes.toString().slice(0, 400)}`).toBe(true);
      }
    }
    seen.add(`${route.operationId} ${res.status}`);
  } else {
    expect(type).toBe("application/problem+json");
  }
  const json = type.endsWith("json") && bytes.length ? (JSON.parse(bytes.toString("utf8")) as Record<string, unknown>) : {};
  return { status: res.status, headers: res.headers, json: json as Body, bytes };
}
/** The fields the tests read from answers (the schema check above is what proves their shape). */
interface Body {
  id: string;
  items: { id: string }[];
  nextCursor: string | null;
  images: { id: string }[];
  renders: unknown[];
  batchId: string;
  status: string;
  attempt: number;
  outputUrl: string | null;
  type: string;
  errors?: { field: string }[];
  [k: string]: unknown;
}
const fields = (r: { json: { errors?: { field: string }[] } }) => (r.json.errors ?? []).map((e) => e.field);

beforeAll(async () => {
  w = await makeWorld();
  token = (await createApiToken(testDb(), w.marketerA.id, { name: "contract" })).token;
  other = (await createApiToken(testDb(), w.marketerB.id, { name: "contract-b" })).token;
});
afterAll(async () => {
  await discardRenders({ campaign: { teamId: w.teamA.id } });
});

describe("REST API v1 against its OpenAPI document", () => {
  let campaignId = "";
  let renderId = "";

  it("campaigns: create (201 + Location), read, update, list with cursors, archive", async () => {
    const c = await api("POST", "/campaigns", { body: { ...brief, name: "Contract A", cta: { text: "Shop now", url: "shop.example.com" } } });
    expect(c.status).toBe(201);
    campaignId = c.json.id;
    expect(c.headers.get("location")).toBe(`${env().PUBLIC_URL}/api/v1/campaigns/${campaignId}`);
    expect((await api("GET", `/campaigns/${campaignId}`)).json).toMatchObject({ id: campaignId, name: "Contract A", archived: false });
    const u = await api("PATCH", `/campaigns/${campaignId}`, { body: { name: "Contract A2", cta: null } });
    expect(u.status).toBe(200);
    expect(u.json).toMatchObject({ name: "Contract A2", cta: null, product: brief.product });
    await api("POST", "/campaigns", { body: { ...brief, name: "Contract B" } });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api("GET", `/campaigns?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      ids.push(...page.json.items.map((i) => i.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(campaignId);
    const a = await api("POST", `/campaigns/${ids.find((i) => i !== campaignId)}/archive`);
    expect(a.json).toMatchObject({ archived: true });
    expect((await api("GET", "/campaigns?archived=true")).json.items.map((i) => i.id)).toContain(a.json.id);
  });

  it("bad input: malformed JSON, wrong content type, unknown field, oversized body, invalid field, bad query", async () => {
    const malformed = await api("POST", "/campaigns", { raw: "{ name: ", type: "application/json" });
    expect([malformed.status, malformed.json.type]).toEqual([400, "/api-reference#problem-malformed-json"]);
    const wrongType = await api("POST", "/campaigns", { raw: "name=x", type: "application/x-www-form-urlencoded" });
    expect(wrongType.status).toBe(415);
    expect(fields(wrongType)).toEqual(["Content-Type"]);
    const unknown = await api("POST", "/campaigns", { body: { ...brief, colour: "red" } });
    expect(unknown.status).toBe(422);
    expect(fields(unknown)).toEqual(["colour"]);
    const big = await api("POST", "/campaigns", { body: { ...brief, message: "x".repeat(70_000) } });
    expect(big.status).toBe(413);
    const invalid = await api("POST", "/campaigns", { body: { ...brief, targetSeconds: 500, cta: { text: "" } } });
    expect(invalid.status).toBe(422);
    expect(fields(invalid)).toEqual(expect.arrayContaining(["targetSeconds", "cta.text"]));
    const patch = await api("PATCH", `/campaigns/${campaignId}`, { body: { fps: 25 } });
    expect([patch.status, fields(patch)]).toEqual([422, ["fps"]]);
    const q = await api("GET", "/campaigns?limit=0");
    expect([q.status, fields(q)]).toEqual([400, ["limit"]]);
    expect((await api("GET", "/renders?cursor=garbage")).status).toBe(400);
    expect(fields(await api("GET", `/renders/${w.renderA.id}?foo=1`))).toEqual(["foo"]);
  });

  it("Idempotency-Key: required, replayed, refused for another body", async () => {
    const missing = await api("POST", "/campaigns", { body: brief, key: null });
    expect([missing.status, fields(missing)]).toEqual([400, ["Idempotency-Key"]]);
    const key = `contract-replay-${w.tag}`;
    const first = await api("POST", "/campaigns", { body: { ...brief, name: "Once" }, key });
    const again = await api("POST", "/campaigns", { body: { ...brief, name: "Once" }, key });
    expect(again.status).toBe(first.status);
    expect(again.json.id).toBe(first.json.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await testDb().campaign.count({ where: { name: "Once", teamId: w.teamA.id } })).toBe(1);
    const reused = await api("POST", "/campaigns", { body: { ...brief, name: "Twice" }, key });
    expect([reused.status, fields(reused)]).toEqual([422, ["Idempotency-Key"]]);
    // Keys belong to a token: another token may use the same key.
    expect((await api("POST", "/campaigns", { body: { ...brief, name: "Other team" }, key, auth: other })).status).toBe(201);
  });

  it("images: upload multipart (201), refuse a non-image and a missing field (422), remove (204, then 404)", async () => {
    const form = new FormData();
    form.append("images", new Blob([serum], { type: "image/jpeg" }), "serum.jpg");
    const probe = new Request("http://x/", { method: "POST", body: form });
    const up = await api("POST", `/campaigns/${campaignId}/images`, { raw: await probe.arrayBuffer(), type: probe.headers.get("content-type")! });
    expect(up.status).toBe(201);
    const imageId = up.json.images[0]!.id;
    const bad = new FormData();
    bad.append("images", new Blob(["not an image"], { type: "image/png" }), "x.png");
    const pb = new Request("http://x/", { method: "POST", body: bad });
    expect((await api("POST", `/campaigns/${campaignId}/images`, { raw: await pb.arrayBuffer(), type: pb.headers.get("content-type")! })).status).toBe(422);
    const none = new FormData();
    none.append("photo", new Blob([serum]), "serum.jpg");
    const pn = new Request("http://x/", { method: "POST", body: none });
    const noField = await api("POST", `/campaigns/${campaignId}/images`, { raw: await pn.arrayBuffer(), type: pn.headers.get("content-type")! });
    expect(fields(noField)).toEqual(["photo", "images"]);
    expect((await api("POST", `/campaigns/${campaignId}/images`, { body: {} })).status).toBe(415);
    expect((await api("DELETE", `/campaigns/${campaignId}/images/${imageId}`)).status).toBe(204);
    expect((await api("DELETE", `/campaigns/${campaignId}/images/${imageId}`)).status).toBe(404);
  });

  it("renders: queue, batch, list, read, cancel, retry; conflicts are 409", async () => {
    const q = await api("POST", "/renders", { body: { campaignId, preset: "preview" } });
    expect(q.status).toBe(201);
    renderId = q.json.id;
    expect(q.json).toMatchObject({ status: "queued", outputUrl: null });
    expect((await api("POST", "/renders", { body: { campaignId: "nope" } })).status).toBe(404);
    expect((await api("POST", "/renders", { body: { campaignId: w.campaignA.id }, auth: other })).status).toBe(403);
    const b = await api("POST", "/renders/batch", { body: { campaignId, hooks: ["Hook one", "Hook two"] } });
    expect(b.status).toBe(201);
    expect(b.json.renders).toHaveLength(2);
    expect((await api("POST", "/renders/batch", { body: { campaignId, hooks: ["Only one"] } })).status).toBe(422);
    const list = await api("GET", `/renders?batchId=${b.json.batchId}`);
    expect(list.json.items.length).toBe(2);
    expect((await api("GET", "/renders?status=exploded")).status).toBe(400);
    expect((await api("GET", `/renders/${renderId}`)).json.id).toBe(renderId);
    expect((await api("POST", `/renders/${renderId}/retry`)).status).toBe(409);
    expect((await api("POST", `/renders/${renderId}/cancel`)).json.status).toBe("cancelled");
    const retried = await api("POST", `/renders/${renderId}/retry`);
    expect([retried.status, retried.json.status, retried.json.attempt]).toEqual([202, "queued", 2]);
    expect((await api("POST", `/renders/${w.renderA.id}/cancel`)).status).toBe(409);
  });

  it("output: 409 until succeeded, then the MP4 with Range; QA report 404 when none was recorded", async () => {
    expect((await api("GET", `/renders/${renderId}/output`)).status).toBe(409);
    const done = await testDb().render.create({ data: { campaignId, status: "succeeded", stage: "done", settings: {}, outputFile: `renders/contract-${w.tag}/output.mp4`, finishedAt: new Date() } });
    await (await storage()).putBuffer(done.outputFile!, Buffer.from("0123456789"));
    const full = await api("GET", `/renders/${done.id}/output`);
    expect([full.status, full.bytes.toString()]).toEqual([200, "0123456789"]);
    const part = await api("GET", `/renders/${done.id}/output`, { headers: { range: "bytes=2-4" } });
    expect([part.status, part.bytes.toString()]).toEqual([206, "234"]);
    expect((await api("GET", `/renders/${done.id}`)).json.outputUrl).toBe(`${env().PUBLIC_URL}/api/v1/renders/${done.id}/output`);
    expect((await api("GET", `/renders/${done.id}/qa`)).status).toBe(404);
  });

  it("routing and credentials: 401, 403, 404 and 405 are problem+json too", async () => {
    const anon = await api("GET", "/renders", { auth: null });
    expect([anon.status, anon.headers.get("www-authenticate")]).toEqual([401, 'Bearer realm="reelfarm"']);
    expect((await api("GET", `/campaigns/${campaignId}`, { auth: other })).status).toBe(403);
    expect((await api("GET", "/campaigns/does-not-exist")).status).toBe(404);
    expect((await api("GET", "/no/such/thing")).status).toBe(404);
    const m = await api("DELETE", "/renders");
    expect([m.status, m.headers.get("allow")]).toEqual([405, "GET, POST"]);
    expect((await api("GET", "/openapi.json", { auth: null })).status).toBe(200);
  });

  it("every operation was seen answering success, and every status seen is documented", () => {
    // The QA report's 200 needs a render the QA stage recorded a report for: covered once it stores one.
    const noSuccessYet = new Set(["getRenderQa"]);
    for (const o of operations) {
      if (noSuccessYet.has(o.operationId)) continue;
      const ok = Object.keys(o.responses).some((s) => seen.has(`${o.operationId} ${s}`));
      expect(ok, `${o.operationId}: no success answer validated`).toBe(true);
    }
    const errorClasses = new Set([...seen].map((s) => s.split(" ")[1]).filter((s) => Number(s) >= 400));
    for (const s of ["400", "401", "403", "404", "409", "413", "415", "422"]) expect(errorClasses.has(s), `no ${s} validated`).toBe(true);
  });
});
