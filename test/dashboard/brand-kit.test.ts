/**
 * Brand kits (issue 9, point 4): logos and fonts checked by content through the real upload
 * route, a team kit and a campaign override resolved into the brand a render uses, and glyph
 * coverage of the campaign's text as field-level errors.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { env } from "~/env";
import * as uploadRoute from "~/app/api/teams/[id]/brand-assets/route";
import * as assetRoute from "~/app/api/brand-assets/[id]/route";
import { checkFont, checkLogo } from "~/server/services/brand-assets";
import { getCampaignBrand, resolveBrandForRender, saveBrandKit, saveCampaignBrand } from "~/server/services/brand-kit";
import { UploadError } from "~/server/services/uploads";
import { createCampaign } from "~/server/services/campaigns";
import { storage } from "~/server/storage";
import { MAX_LOGO_BYTES } from "~/shared/brand";
import { testDb } from "../helpers/db";
import { dejavuTtf, landscapeJpg, logoPng, logoWebp, opaquePng } from "../helpers/brand-media";
import { browserHeaders, makeWorld, type World } from "../auth/fixtures";

let w: World;

async function upload(field: "logo" | "font", name: string, bytes: Buffer, who: "a" | "b" = "a", teamId = w.teamA.id) {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)]), name);
  const url = `${env().PUBLIC_URL}/api/teams/${teamId}/brand-assets`;
  const probe = new Request(url, { method: "POST", body: form });
  const body = await probe.arrayBuffer();
  const headers = browserHeaders(w.cookies[who], { "content-type": probe.headers.get("content-type")!, "content-length": String(body.byteLength) });
  const res = await uploadRoute.POST(new Request(url, { method: "POST", headers, body }), { params: Promise.resolve({ id: teamId }) });
  return { status: res.status, json: (await res.json()) as { error?: string; field?: string; asset?: { id: string; family: string | null; width: number | null } } };
}

async function fieldOf(p: Promise<unknown>): Promise<{ path: string; message: string }> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ZodError);
  const issue = (e as ZodError).issues[0]!;
  return { path: issue.path.join("."), message: issue.message };
}

beforeAll(async () => {
  w = await makeWorld();
});

describe("logo check (by content)", () => {
  it("accepts a PNG and a WebP with transparency and reads their size", async () => {
    const png = await checkLogo(logoPng(), "logo.png");
    expect(png).toMatchObject({ mimeType: "image/png", width: 400, height: 160 });
    expect(png.transparentShare).toBeGreaterThan(0.2);
    expect(await checkLogo(logoWebp(), "logo.webp")).toMatchObject({ mimeType: "image/webp", width: 400, height: 160 });
  });

  it("refuses an opaque image, a JPEG named .png, an oversized file and a truncated PNG, naming the logo field", async () => {
    const cases: [Buffer, string, RegExp][] = [
      [opaquePng(), "flat.png", /has no transparency/],
      [landscapeJpg(), "photo.png", /not a PNG or WebP image \(checked by content\)/],
      [Buffer.concat([logoPng().subarray(0, 64), Buffer.alloc(MAX_LOGO_BYTES)]), "huge.png", /over the 5\.0 MB limit/],
      [logoPng().subarray(0, 60), "cut.png", /the image is truncated/],
    ];
    for (const [bytes, name, message] of cases) {
      const e = await checkLogo(bytes, name).catch((x: unknown) => x);
      expect(e, name).toBeInstanceOf(UploadError);
      expect((e as UploadError).field).toBe("logo");
      expect((e as Error).message).toMatch(message);
      expect((e as Error).message.startsWith(`${name}:`)).toBe(true);
    }
  });
});

describe("font check (fontkit)", () => {
  it("accepts a real TrueType font and reads its family", () => {
    expect(checkFont(dejavuTtf(), "brand.ttf")).toEqual({ mimeType: "font/ttf", ext: "ttf", family: "DejaVu Sans" });
  });

  it("refuses a PNG named .ttf and a truncated font", () => {
    expect(() => checkFont(logoPng(), "brand.ttf")).toThrow(/not a TrueType \(\.ttf\) or OpenType \(\.otf\) font \(checked by content\)/);
    expect(() => checkFont(dejavuTtf().subarray(0, 2000), "cut.ttf")).toThrow(/could not be read/);
  });
});

describe("brand asset upload route", () => {
  it("stores a logo under a generated key and serves it to the team only", async () => {
    const r = await upload("logo", "../../evil name.png", logoPng());
    expect(r.status).toBe(201);
    const row = await testDb().brandAsset.findUniqueOrThrow({ where: { id: r.json.asset!.id } });
    expect(row.file).toMatch(new RegExp(`^brand/${w.teamA.id}/[0-9a-f-]{36}\\.png$`));
    expect(await (await storage()).read(row.file)).toEqual(logoPng());
    const get = (who: "a" | "b") => assetRoute.GET(new Request(`${env().PUBLIC_URL}/api/brand-assets/${row.id}`, { headers: browserHeaders(w.cookies[who]) }), { params: Promise.resolve({ id: row.id }) });
    expect((await get("a")).status).toBe(200);
    expect((await get("b")).status).toBe(403);
  });

  it("answers a bad file with 400 and the field, and another team with 403", async () => {
    const bad = await upload("font", "brand.otf", landscapeJpg());
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ field: "font" });
    expect(bad.json.error).toMatch(/checked by content/);
    expect((await upload("logo", "logo.png", logoPng(), "b")).status).toBe(403);
  });
});

describe("team kit, campaign override and the render's brand", () => {
  it("resolves override over kit over defaults, with storage keys for logo and font", async () => {
    const logo = (await upload("logo", "logo.png", logoPng())).json.asset!;
    const font = (await upload("font", "DejaVuSans.ttf", dejavuTtf())).json.asset!;
    expect(font.family).toBe("DejaVu Sans");
    const campaign = await createCampaign(testDb(), { name: "Kit", product: "Nucleo board", audience: "makers", message: "Debugger on board.", brandColor: "#123456" }, { teamId: w.teamA.id });
    // No kit yet: the campaign's colour and product.
    await testDb().brandKit.deleteMany({ where: { teamId: w.teamA.id } });
    expect(await resolveBrandForRender(testDb(), campaign.id)).toMatchObject({ brandName: "Nucleo board", primaryColor: "#123456", logo: null, font: { family: "DejaVu Sans", file: null } });

    await saveBrandKit(testDb(), w.teamA.id, { brandName: "STM Labs", primaryColor: "#03234b", secondaryColor: "#e6007e", textColor: "#ffffff", logoAssetId: logo.id, fontAssetId: font.id });
    const kitBrand = await resolveBrandForRender(testDb(), campaign.id);
    const logoRow = await testDb().brandAsset.findUniqueOrThrow({ where: { id: logo.id } });
    const fontRow = await testDb().brandAsset.findUniqueOrThrow({ where: { id: font.id } });
    expect(kitBrand).toEqual({
      brandName: "STM Labs",
      primaryColor: "#03234b",
      secondaryColor: "#e6007e",
      textColor: "#ffffff",
      font: { family: "DejaVu Sans", file: fontRow.file },
      logo: { file: logoRow.file, width: 400, height: 160 },
    });

    await saveCampaignBrand(testDb(), campaign.id, { primaryColor: "#ff0000", logoAssetId: null, fontAssetId: null, fontFamily: "DejaVu Serif" });
    expect(await resolveBrandForRender(testDb(), campaign.id)).toMatchObject({ brandName: "STM Labs", primaryColor: "#ff0000", secondaryColor: "#e6007e", logo: null, font: { family: "DejaVu Serif", file: null } });
    const shown = await getCampaignBrand(testDb(), campaign.id);
    expect(shown.override).toEqual({ primaryColor: "#ff0000", logoAssetId: null, fontAssetId: null, fontFamily: "DejaVu Serif" });
    expect(shown.missingGlyphs).toEqual([]);
  });

  it("refuses another team's logo and a font without the campaign's glyphs, as field errors", async () => {
    const theirs = (await upload("logo", "theirs.png", logoPng(), "b", w.teamB.id)).json.asset!;
    expect(await fieldOf(saveBrandKit(testDb(), w.teamA.id, { logoAssetId: theirs.id }))).toMatchObject({ path: "logoAssetId" });
    expect(await fieldOf(saveCampaignBrand(testDb(), w.campaignA.id, { logoAssetId: theirs.id }))).toMatchObject({ path: "logoAssetId" });
    // DejaVu has no CJK: a campaign whose message is Chinese cannot use it.
    const cjk = await createCampaign(testDb(), { name: "CJK", product: "開發板", audience: "makers", message: "內建除錯器。", brandColor: "#123456" }, { teamId: w.teamA.id });
    const err = await fieldOf(saveCampaignBrand(testDb(), cjk.id, { fontFamily: "DejaVu Sans", fontAssetId: null }));
    expect(err.path).toBe("fontFamily");
    expect(err.message).toMatch(/DejaVu Sans has no glyph for \d+ characters the campaign needs: .*開/);
    expect((await getCampaignBrand(testDb(), cjk.id)).missingGlyphs).toContain("除");
    // A kit's brand name is checked too.
    expect(await fieldOf(saveBrandKit(testDb(), w.teamA.id, { brandName: "開發" }))).toMatchObject({ path: "fontFamily" });
  });
});
