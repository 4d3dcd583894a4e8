/**
 * Every route handler under src/app/api (found on disk, so a new route without a row here fails):
 * 401 without credentials, 403 (or nothing of team A's) for another team's marketer, allowed for
 * the owning team. Media and upload routes use the session cookie; /api/v1 uses API tokens.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import { createApiToken } from "~/server/services/api-tokens";
import { addBrandAsset } from "~/server/services/brand-assets";
import { logoPng } from "../helpers/brand-media";
import { testDb } from "../helpers/db";
import { browserHeaders, makeWorld, type World } from "./fixtures";

const apiDir = path.resolve(import.meta.dirname, "../../src/app/api");
/**
 * Routes with their own authorisation rules, tested elsewhere. REST API v1 is one dispatcher
 * (v1/[...path]): its operations each have a row in ./api-v1-matrix.test.ts. `metrics` is for
 * admins only (no team's data): test/ops/metrics.test.ts checks 401/403 for everyone else.
 */
const EXEMPT = new Set(["auth/[...all]", "trpc/[trpc]", "health", "v1/[...path]", "metrics"]);
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

function findRoutes(dir: string, prefix = ""): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return findRoutes(path.join(dir, e.name), prefix ? `${prefix}/${e.name}` : e.name);
    return e.name === "route.ts" ? [prefix] : [];
  });
}

let w: World;
let bearer: { a: string; b: string };
let logoA: { id: string };
const serum = fs.readFileSync(path.resolve(import.meta.dirname, "../../examples/serum.jpg"));

/** How to call each route: its [id] param and its credentials ("session" or "bearer"). */
function rowFor(route: string): { id?: () => string; auth: "session" | "bearer"; body?: () => { body: BodyInit; headers?: Record<string, string> } } {
  const rows: Record<string, ReturnType<typeof rowFor>> = {
    "renders/[id]/video": { id: () => w.renderA.id, auth: "session" },
    "images/[id]": { id: () => w.imageA.id, auth: "session" },
    "campaigns/[id]/images": {
      id: () => w.campaignA.id,
      auth: "session",
      body: () => {
        const f = new FormData();
        f.append("images", new Blob([serum], { type: "image/jpeg" }), "serum.jpg");
        return { body: f };
      },
    },
    "teams/[id]/brand-assets": {
      id: () => w.teamA.id,
      auth: "session",
      body: () => {
        const f = new FormData();
        f.append("logo", new Blob([new Uint8Array(logoPng())], { type: "image/png" }), "logo.png");
        return { body: f };
      },
    },
    "brand-assets/[id]": { id: () => logoA.id, auth: "session" },
  };
  const row = rows[route];
  if (!row) throw new Error(`routes matrix: no row for src/app/api/${route}/route.ts — add one`);
  return row;
}

async function call(route: string, method: string, who: "anonymous" | "a" | "b") {
  const mod = (await import(/* @vite-ignore */ path.join(apiDir, route, "route.ts"))) as Record<string, (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>>;
  const row = rowFor(route);
  const id = row.id?.();
  const url = `${env().PUBLIC_URL}/api/${route.replace(/\[[^\]]+\]/, id ?? "")}`;
  const headers = row.auth === "session" ? browserHeaders(who === "anonymous" ? undefined : w.cookies[who]) : browserHeaders();
  if (row.auth === "bearer" && who !== "anonymous") headers.set("authorization", `Bearer ${bearer[who]}`);
  const b = method === "POST" ? row.body?.() : undefined;
  for (const [k, v] of Object.entries(b?.headers ?? {})) headers.set(k, v);
  let body: ArrayBuffer | undefined;
  if (b) {
    // Serialise once (multipart boundary included) so Content-Length is known, as from a browser.
    const probe = new Request(url, { method: "POST", body: b.body });
    if (!headers.has("content-type")) headers.set("content-type", probe.headers.get("content-type")!);
    body = await probe.arrayBuffer();
    headers.set("content-length", String(body.byteLength));
  }
  const req = new Request(url, { method, headers, ...(body ? { body } : {}) });
  const params: Record<string, string> = id ? { id } : {};
  const res = await mod[method]!(req, { params: Promise.resolve(params) });
  return { status: res.status, body: method === "HEAD" ? "" : await res.text() };
}

const routes = findRoutes(apiDir).filter((r) => !EXEMPT.has(r));
async function methodsOf(route: string) {
  const mod = (await import(/* @vite-ignore */ path.join(apiDir, route, "route.ts"))) as Record<string, unknown>;
  return METHODS.filter((m) => typeof mod[m] === "function");
}

beforeAll(async () => {
  w = await makeWorld();
  logoA = await addBrandAsset(testDb(), w.teamA.id, "logo", { name: "logo.png", bytes: logoPng() });
  bearer = { a: (await createApiToken(testDb(), w.marketerA.id, { name: "a" })).token, b: (await createApiToken(testDb(), w.marketerB.id, { name: "b" })).token };
});
afterAll(async () => {
  await testDb().render.updateMany({ where: { campaignId: w.campaignA.id, status: "queued" }, data: { status: "cancelled" } });
});

describe("every file and API route", () => {
  it("is in this matrix", () => {
    expect(routes.length).toBeGreaterThanOrEqual(5);
    for (const r of routes) expect(() => rowFor(r)).not.toThrow();
  });

  it("refuses requests without credentials (401)", async () => {
    for (const r of routes) for (const m of await methodsOf(r)) expect((await call(r, m, "anonymous")).status, `${m} /api/${r}`).toBe(401);
  });

  it("refuses another team's marketer (403) or shows nothing of team A", async () => {
    for (const r of routes) {
      for (const m of await methodsOf(r)) {
        const res = await call(r, m, "b");
        if (res.status === 403) continue;
        expect(res.status, `${m} /api/${r} as team B: ${res.body.slice(0, 200)}`).toBeLessThan(300);
        for (const s of [w.campaignA.id, w.renderA.id, w.imageA.id]) expect(res.body.includes(s), `${m} /api/${r} leaked ${s}`).toBe(false);
        expect(r.includes("[id]"), `${m} /api/${r}: a route about one of team A's things must answer 403`).toBe(false);
      }
    }
  });

  it("lets the owning team through", async () => {
    for (const r of routes) {
      for (const m of await methodsOf(r)) {
        const res = await call(r, m, "a");
        expect([401, 403], `${m} /api/${r} as team A: ${res.status} ${res.body.slice(0, 200)}`).not.toContain(res.status);
      }
    }
  });

  it("refuses a cross-origin upload even with a valid session (CSRF)", async () => {
    const mod = await import("~/app/api/campaigns/[id]/images/route");
    const req = new Request(`${env().PUBLIC_URL}/api/campaigns/${w.campaignA.id}/images`, { method: "POST", headers: browserHeaders(w.cookies.a, { origin: "https://evil.example", "content-length": "10" }), body: "0123456789" });
    expect((await mod.POST(req, { params: Promise.resolve({ id: w.campaignA.id }) })).status).toBe(403);
  });
});
