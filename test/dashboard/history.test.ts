/** Render history: keyset pages cover every row once, in order; filters; team scoping. */
import { beforeAll, describe, expect, it } from "vitest";
import { listHistory } from "~/server/services/history";
import { type SessionUser } from "~/server/auth/session";
import { createCampaign } from "~/server/services/campaigns";
import { testDb } from "../helpers/db";
import { makeWorld, type World } from "../auth/fixtures";

let w: World;
let a: SessionUser;
let b: SessionUser;
let otherCampaign: string;
const base = Date.UTC(2026, 0, 10, 12);

beforeAll(async () => {
  w = await makeWorld();
  const as = (u: { id: string; email: string; name: string; teamId: string | null }): SessionUser => ({ ...u, role: "marketer" });
  a = as(w.marketerA);
  b = as(w.marketerB);
  otherCampaign = (await createCampaign(testDb(), { name: "B's", product: "p", audience: "a", message: "m", targetSeconds: 8 }, { teamId: w.teamB.id })).id;
  const statuses = ["succeeded", "failed", "succeeded", "cancelled"] as const;
  // 60 renders for team A over 6 days, several sharing a createdAt (the keyset must not skip or repeat them).
  await testDb().render.createMany({
    data: Array.from({ length: 60 }, (_, i) => ({
      campaignId: w.campaignA.id,
      status: statuses[i % 4]!,
      settings: { variant: { voice: "kal" } },
      stageTimings: { script: 100, assets: 2000, assemble: 3000 },
      createdAt: new Date(base + Math.floor(i / 3) * 7_200_000),
    })),
  });
  await testDb().render.createMany({ data: Array.from({ length: 5 }, () => ({ campaignId: otherCampaign, status: "succeeded" as const, settings: {}, createdAt: new Date(base) })) });
});

async function all(user: SessionUser, filters: Record<string, unknown> = {}) {
  const ids: string[] = [];
  const rows = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const r: Awaited<ReturnType<typeof listHistory>> = await listHistory(testDb(), user, { limit: 25, cursor, ...filters });
    rows.push(...r.items);
    ids.push(...r.items.map((x) => x.id));
    if (!r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return { ids, rows };
}

describe("render history", () => {
  it("pages through every render once, newest first", async () => {
    const { ids, rows } = await all(a, { campaignId: w.campaignA.id });
    expect(ids.length).toBe(61); // 60 seeded + the fixture's render
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < rows.length; i++) {
      const [p, c] = [rows[i - 1]!, rows[i]!];
      expect(p.createdAt.getTime() > c.createdAt.getTime() || (p.createdAt.getTime() === c.createdAt.getTime() && p.id > c.id)).toBe(true);
    }
    expect(rows.find((r) => r.status === "succeeded")).toMatchObject({ variant: { voice: "kal" }, stageTimings: { script: 100, assets: 2000, assemble: 3000 } });
  });

  it("filters by status, campaign and day", async () => {
    expect((await all(a, { campaignId: w.campaignA.id, status: "failed" })).ids.length).toBe(16); // 15 seeded + the fixture's
    // The UI sends the chosen days' midnights (the user's time zone; UTC here): Jan 11 only.
    const jan11 = new Date(Date.UTC(2026, 0, 11));
    const day = await all(a, { campaignId: w.campaignA.id, from: jan11, to: jan11 });
    // Seeded every 2 h from Jan 10 12:00, 3 per slot: Jan 11 has 12 slots.
    expect(day.ids.length).toBe(36);
    expect(day.rows.every((r) => r.createdAt.toISOString().startsWith("2026-01-11"))).toBe(true);
  });

  it("shows a marketer their own team's renders only", async () => {
    const mine = await all(b);
    expect(mine.rows.every((r) => r.campaign.id === otherCampaign)).toBe(true);
    expect(mine.ids.length).toBe(5);
    expect((await all(b, { campaignId: w.campaignA.id })).ids.length).toBe(0);
  });
});
