/**
 * The authorisation matrix, over EVERY tRPC procedure (iterated from the router, so a new
 * procedure without a row here fails the suite) and every file route, through the real HTTP
 * handlers:
 * - no session: 401 everywhere;
 * - a marketer of another team: 403, or an answer that holds none of team A's ids;
 * - admin-only = exactly admin.* and users.* (a marketer of the right team still gets 403);
 * - an admin may do everything;
 * - a mutation from another origin: 403 (CSRF), whoever is signed in.
 */
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env";
import { appRouter } from "~/server/api/root";
import { createUser } from "~/server/services/users";
import * as trpcRoute from "~/app/api/trpc/[trpc]/route";
import { testDb } from "../helpers/db";
import { browserHeaders, discardRenders, makeWorld, PASSWORD, type World } from "./fixtures";

type Proc = { _def: { type: "query" | "mutation" | "subscription" } };
const procedures = Object.entries((appRouter._def as unknown as { procedures: Record<string, Proc> }).procedures);

let w: World;
let spare: { id: string };
let tokenOfA: string;

/** An input for each procedure, pointing at team A's things (a new procedure needs a row). */
function inputFor(path: string): unknown {
  const c = w.campaignA.id;
  const r = w.renderA.id;
  const brief = { name: "Matrix", product: "Boots", audience: "Hikers", message: "Dry feet.", targetSeconds: 8 };
  const script = { title: "T", hook: "Hook", callToAction: "Buy", scenes: [1, 2, 3].map((i) => ({ narration: `Line ${i}`, onScreenText: `Text ${i}`, visualPrompt: "boots", durationSec: 3 })) };
  const table: Record<string, unknown> = {
    "me.get": undefined,
    "campaign.list": { archived: false },
    "campaign.get": { id: c },
    "campaign.create": brief,
    "campaign.update": { id: c, data: brief },
    "campaign.duplicate": { id: c },
    "campaign.archive": { id: c, archived: false },
    "campaign.removeImage": { campaignId: c, imageId: w.imageA.id },
    "glyphs.check": { texts: ["Glow ✨ 桜"] },
    "image.list": { campaignId: c },
    "image.setFocus": { campaignId: c, imageId: w.imageA.id, focusX: 0.3, focusY: 0.6 },
    "image.reorder": { campaignId: c, imageIds: [w.imageA.id] },
    "image.assign": { campaignId: c, imageId: w.imageA.id, sceneIndex: 0 },
    "brand.get": { teamId: w.teamA.id },
    "brand.save": { teamId: w.teamA.id, kit: { brandName: "Matrix" } },
    "brand.campaign": { campaignId: c },
    "brand.saveCampaign": { campaignId: c, override: { primaryColor: "#112233" } },
    "script.generate": { campaignId: c },
    "script.save": { campaignId: c, script },
    "render.queue": { campaignId: c, preset: "preview" },
    "render.queueBatch": { campaignId: c, preset: "preview", hooks: ["One", "Two"], voices: [] },
    "render.estimate": { campaignId: c, preset: "final", count: 2 },
    "render.list": { campaignId: c, limit: 10 },
    "render.get": { id: r },
    "render.cancel": { id: r },
    "render.retry": { id: r },
    "history.list": { limit: 10 },
    "tokens.list": undefined,
    "tokens.create": { name: "matrix" },
    "tokens.setWebhook": { tokenId: tokenOfA, webhookUrl: null },
    "tokens.revoke": { tokenId: tokenOfA },
    "admin.overview": undefined,
    "admin.providers": undefined,
    "admin.resetBreaker": { providerId: "google-veo", model: "veo-test" },
    "admin.cache": undefined,
    "admin.purgeCache": undefined,
    "admin.workers": undefined,
    "admin.setLimits": { target: "user", id: w.marketerA.id, dailyRenderLimit: null },
    "users.list": undefined,
    "users.teams": undefined,
    "users.createTeam": { name: `Matrix ${w.tag}` },
    "users.create": { email: `made-${Math.random().toString(36).slice(2)}@test.local`, name: "Made", role: "marketer", teamId: w.teamA.id },
    "users.update": { userId: spare.id, name: "Spare" },
    "users.resetPassword": { userId: spare.id },
    "users.delete": { userId: spare.id },
  };
  if (!(path in table)) throw new Error(`authz matrix: no input for procedure "${path}" — add a row`);
  return table[path];
}

/** Calls a procedure through the tRPC route handler, as a browser would. */
async function call(path: string, type: string, headers: Headers) {
  const input = inputFor(path);
  const base = `${env().PUBLIC_URL}/api/trpc/${path}`;
  const serialized = JSON.stringify(superjson.serialize(input));
  const req =
    type === "query"
      ? new Request(`${base}?input=${encodeURIComponent(serialized)}`, { headers })
      : new Request(base, { method: "POST", headers: (headers.set("content-type", "application/json"), headers), body: serialized });
  const res = await (type === "query" ? trpcRoute.GET(req) : trpcRoute.POST(req));
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  w = await makeWorld();
  spare = (await createUser(testDb(), { email: `spare-${w.tag}@test.local`, name: "Spare", role: "marketer", teamId: w.teamA.id, password: PASSWORD })).user;
  tokenOfA = (await testDb().apiToken.create({ data: { userId: w.marketerA.id, name: "A's", tokenHash: `matrix-${w.tag}` } })).id;
});

afterAll(async () => {
  // Jobs queued by the matrix (renders of campaign A) must not run in later test files.
  await discardRenders({ campaign: { teamId: w.teamA.id } });
});

describe("every tRPC procedure", () => {
  it("has a row in this matrix", () => {
    expect(procedures.length).toBeGreaterThan(25);
    for (const [path] of procedures) expect(() => inputFor(path)).not.toThrow();
  });

  it("refuses requests without a session (401)", async () => {
    for (const [path, p] of procedures) {
      const r = await call(path, p._def.type, browserHeaders());
      expect(r.status, `${path} without a session`).toBe(401);
    }
  });

  it("refuses a marketer of another team (403), or answers without team A's data", async () => {
    const secrets = [w.campaignA.id, w.renderA.id, w.imageA.id, w.marketerA.id, w.teamA.id];
    for (const [path, p] of procedures) {
      const r = await call(path, p._def.type, browserHeaders(w.cookies.b));
      expect(r.status, `${path} as another team's marketer: ${r.body.slice(0, 200)}`).not.toBe(401);
      if (r.status === 403) continue;
      expect(r.status, `${path}: ${r.body.slice(0, 200)}`).toBeLessThan(500);
      for (const s of secrets) expect(r.body.includes(s), `${path} leaked ${s} to another team`).toBe(false);
    }
  });

  it("admin-only procedures are exactly admin.* and users.*, refused to marketers (403)", async () => {
    const refused: string[] = [];
    for (const [path, p] of procedures) {
      const r = await call(path, p._def.type, browserHeaders(w.cookies.a));
      expect(r.status, `${path} as team A's marketer: ${r.body.slice(0, 200)}`).not.toBe(401);
      expect(r.status, `${path}: ${r.body.slice(0, 200)}`).toBeLessThan(500);
      if (r.status === 403) refused.push(path);
    }
    expect(refused.sort()).toEqual(procedures.map(([path]) => path).filter((p) => p.startsWith("admin.") || p.startsWith("users.")).sort());
  });

  it("refuses every mutation from another origin (CSRF), even an admin's", async () => {
    for (const [path, p] of procedures) {
      if (p._def.type !== "mutation") continue;
      const r = await call(path, "mutation", browserHeaders(w.cookies.admin, { origin: "https://evil.example" }));
      expect(r.status, `${path} cross-origin`).toBe(403);
    }
  });

  it("lets an admin call everything", async () => {
    for (const [path, p] of procedures) {
      const r = await call(path, p._def.type, browserHeaders(w.cookies.admin));
      expect([401, 403], `${path} as admin: ${r.body.slice(0, 200)}`).not.toContain(r.status);
      expect(r.status, `${path}: ${r.body.slice(0, 300)}`).toBeLessThan(500);
    }
  });
});
