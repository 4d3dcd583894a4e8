/**
 * The glyph check on a campaign (issue 10, point 3): the texts a campaign draws, and the router that names the
 * characters no installed font can draw, through the real tRPC router and the machine's fonts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "~/server/api/root";
import { getSessionUser } from "~/server/auth/session";
import { isSameOrigin } from "~/server/auth/csrf";
import { db } from "~/server/db";
import { drawnTexts } from "~/shared/drawn-text";
import { browserHeaders, makeWorld, type World } from "../auth/fixtures";

let w: World;
let caller: ReturnType<typeof appRouter.createCaller>;

beforeAll(async () => {
  w = await makeWorld();
  const headers = browserHeaders(w.cookies.a);
  caller = appRouter.createCaller({ db: db(), headers, user: await getSessionUser(headers), sameOrigin: isSameOrigin(headers) });
});

describe("glyph check on a campaign", () => {
  it("collects the drawn texts: brief fields, call to action, must-say lines and an edited script", () => {
    const texts = drawnTexts({
      product: "Glow ✨",
      audience: "night owls",
      message: "",
      cta: { text: "Shop now", url: "https://example.com" },
      mustSay: ["Vegan"],
      scriptOverride: { title: "T", scenes: [{ narration: "桜", onScreenText: "夜" }] },
    });
    expect(texts).toEqual(["Glow ✨", "night owls", "Shop now", "Vegan", "T", "桜", "夜"]);
  });

  it("names what no font can draw and nothing else", async () => {
    expect(await caller.glyphs.check({ texts: ["Glow ✨ 🦉 桜 مرحبا 👨\u200d👩\u200d👧"] })).toEqual({ missing: [], message: "" });
    const r = await caller.glyphs.check({ texts: ["ok \u{10fffd} x", "\u{10fffd}"] });
    expect(r.missing).toEqual([{ grapheme: "\u{10fffd}", codePoints: ["U+10FFFD"], count: 2 }]);
    expect(r.message).toBe("no installed font can draw \u{10fffd} (U+10FFFD)");
  });

  it("refuses a request without a session", async () => {
    const anonymous = appRouter.createCaller({ db: db(), headers: new Headers(), user: null, sameOrigin: true });
    await expect(anonymous.glyphs.check({ texts: ["x"] })).rejects.toThrow();
  });
});
