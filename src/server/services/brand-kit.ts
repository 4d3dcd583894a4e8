/**
 * Brand kits: a team's kit, a campaign's override of it, and the brand a render uses.
 *
 * Resolution, field by field: the campaign's override, else the team's kit, else the defaults
 * (the campaign's own brand colour as primary, its product as brand name, DejaVu Sans, no
 * logo). A kit or override that names a logo or font must name one of the same team's assets
 * of that kind; a font must have a glyph for every character the campaign puts on screen
 * (brand name, product, message, call to action, must-say lines, the edited script). Refusals
 * are ZodErrors with the field's path, so the dashboard shows them beside the field.
 */
import { type BrandKitInput, brandKitInputSchema, type BrandOverride, brandOverrideSchema, INSTALLED_FONTS, type ResolvedBrand, resolvedBrandSchema } from "~/shared/brand";
import { type Db } from "~/server/db";
import { storage } from "~/server/storage";
import { installedFontFile, missingGlyphs } from "./brand-assets";
import { fieldError } from "./field-error";
import { NotFoundError } from "./renders";


const assetSelect = { id: true, kind: true, name: true, mimeType: true, bytes: true, width: true, height: true, family: true, createdAt: true } as const;

/** The team's kit (defaults when none was saved) and its uploaded logos and fonts, newest first. */
export async function getBrandKit(db: Db, teamId: string) {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { id: true, name: true } });
  if (!team) throw new NotFoundError("Team");
  const [row, assets] = await Promise.all([
    db.brandKit.findUnique({ where: { teamId } }),
    db.brandAsset.findMany({ where: { teamId }, orderBy: { createdAt: "desc" }, take: 100, select: assetSelect }),
  ]);
  const kit: BrandKitInput = brandKitInputSchema.parse(row ? { ...row, fontFamily: (INSTALLED_FONTS as readonly string[]).includes(row.fontFamily) ? row.fontFamily : undefined } : {});
  return { team, kit, saved: Boolean(row), updatedAt: row?.updatedAt ?? null, logos: assets.filter((a) => a.kind === "logo"), fonts: assets.filter((a) => a.kind === "font"), installedFonts: INSTALLED_FONTS };
}

/** An asset id of the team and of the kind asked, or a field error naming `field`. */
async function teamAsset(db: Db, teamId: string, id: string, kind: "logo" | "font", field: string) {
  const a = await db.brandAsset.findUnique({ where: { id } });
  if (!a || a.teamId !== teamId || a.kind !== kind) throw fieldError(field, `no such ${kind} in this team's brand assets`);
  return a;
}

/** The font file and family a kit or override names (uploaded wins over installed). */
async function fontOf(db: Db, teamId: string, fontAssetId: string | null, family: (typeof INSTALLED_FONTS)[number], field: string) {
  if (fontAssetId) {
    const a = await teamAsset(db, teamId, fontAssetId, "font", field);
    return { family: a.family ?? family, key: a.file as string | null, path: await (await storage()).localPath(a.file) };
  }
  return { family, key: null, path: await installedFontFile(family) };
}

/** A field error when the font lacks glyphs for `text`; fine when the font file cannot be found (installed family missing: QA reports it). */
async function assertGlyphs(fontPath: string | null, family: string, text: string, field: string) {
  if (!fontPath) return;
  const missing = await missingGlyphs(fontPath, text);
  if (missing.length) {
    const shown = missing.slice(0, 12).join(" ");
    throw fieldError(field, `${family} has no glyph for ${missing.length === 1 ? "this character" : `${missing.length} characters`} the campaign needs: ${shown}${missing.length > 12 ? " …" : ""}`);
  }
}

/** Saves a team's kit after checking its assets belong to the team and its font covers the brand name. */
export async function saveBrandKit(db: Db, teamId: string, input: unknown) {
  const k = brandKitInputSchema.parse(input);
  if (k.logoAssetId) await teamAsset(db, teamId, k.logoAssetId, "logo", "logoAssetId");
  const font = await fontOf(db, teamId, k.fontAssetId, k.fontFamily, "fontAssetId");
  await assertGlyphs(font.path, font.family, k.brandName, k.fontAssetId ? "fontAssetId" : "fontFamily");
  await db.brandKit.upsert({ where: { teamId }, create: { teamId, ...k }, update: k });
  return getBrandKit(db, teamId);
}

/** Every string in a JSON value (the edited script, CTA objects, must-say lists). */
function stringsOf(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, out);
  else if (v && typeof v === "object") for (const x of Object.values(v)) stringsOf(x, out);
  return out;
}

/**
 * The text a campaign may put on screen: product, message, call to action and must-say lines
 * (when the campaign has those fields), and the edited script's words. Its brand name is added
 * by the caller.
 */
export function onScreenText(c: Record<string, unknown>): string {
  const keys = Object.keys(c).filter((k) => /^(product|message|scriptOverride)$|cta|calltoaction|mustsay/i.test(k));
  return keys.flatMap((k) => stringsOf(c[k])).join("\n");
}

type CampaignRow = { id: string; teamId: string | null; product: string; brandColor: string; brandOverride: unknown } & Record<string, unknown>;

async function loadCampaign(db: Db, campaignId: string): Promise<CampaignRow> {
  const c = await db.campaign.findUnique({ where: { id: campaignId } });
  if (!c) throw new NotFoundError("Campaign");
  return c as unknown as CampaignRow;
}

/** A stored override, tolerant of rows written by other versions (unknown fields dropped). */
function overrideOf(v: unknown): BrandOverride {
  const r = brandOverrideSchema.safeParse(v ?? {});
  if (r.success) return r.data;
  const loose = brandOverrideSchema.partial().strip().safeParse(v ?? {});
  return loose.success ? loose.data : {};
}

/** The kit values a campaign ends up with (ids, not files), and which fields its override sets. */
async function merged(db: Db, c: CampaignRow, override: BrandOverride) {
  const row = c.teamId ? await db.brandKit.findUnique({ where: { teamId: c.teamId } }) : null;
  const kit = brandKitInputSchema.parse(row ? { ...row, fontFamily: (INSTALLED_FONTS as readonly string[]).includes(row.fontFamily) ? row.fontFamily : undefined } : { primaryColor: c.brandColor });
  const pick = <K extends keyof BrandOverride & keyof BrandKitInput>(k: K) => (override[k] !== undefined ? override[k] : kit[k]) as BrandKitInput[K];
  return {
    kit,
    brandName: pick("brandName") || c.product,
    primaryColor: pick("primaryColor"),
    secondaryColor: pick("secondaryColor"),
    textColor: pick("textColor"),
    fontFamily: pick("fontFamily"),
    logoAssetId: pick("logoAssetId"),
    fontAssetId: pick("fontAssetId"),
  };
}

/** What the campaign form shows: the override, the team kit, the result, and glyphs the result's font lacks. */
export async function getCampaignBrand(db: Db, campaignId: string) {
  const c = await loadCampaign(db, campaignId);
  const override = overrideOf(c.brandOverride);
  const m = await merged(db, c, override);
  const teamId = c.teamId;
  const font = teamId ? await fontOf(db, teamId, m.fontAssetId, m.fontFamily, "fontAssetId").catch(() => null) : { family: m.fontFamily, key: null, path: await installedFontFile(m.fontFamily) };
  const missing = font?.path ? await missingGlyphs(font.path, `${m.brandName}\n${onScreenText(c)}`).catch(() => []) : [];
  const { kit, ...resolved } = m;
  return { override, kit, resolved: { ...resolved, fontFamily: font?.family ?? m.fontFamily }, missingGlyphs: missing };
}

/** Saves a campaign's override; refuses another team's assets and a font without the campaign's glyphs. */
export async function saveCampaignBrand(db: Db, campaignId: string, input: unknown) {
  const override = brandOverrideSchema.parse(input);
  const c = await loadCampaign(db, campaignId);
  const m = await merged(db, c, override);
  if (c.teamId) {
    if (override.logoAssetId) await teamAsset(db, c.teamId, override.logoAssetId, "logo", "logoAssetId");
    const font = await fontOf(db, c.teamId, m.fontAssetId, m.fontFamily, "fontAssetId");
    await assertGlyphs(font.path, font.family, `${m.brandName}\n${onScreenText(c)}`, m.fontAssetId ? "fontAssetId" : "fontFamily");
  } else if (override.logoAssetId || override.fontAssetId) {
    throw fieldError(override.logoAssetId ? "logoAssetId" : "fontAssetId", "a campaign without a team has no brand assets");
  }
  await db.campaign.update({ where: { id: campaignId }, data: { brandOverride: override } });
  return getCampaignBrand(db, campaignId);
}

/**
 * The brand a render of this campaign uses (storage keys, not paths), for its frozen settings.
 * A logo or font deleted since it was chosen is left out rather than failing the render.
 */
export async function resolveBrandForRender(db: Db, campaignId: string): Promise<ResolvedBrand> {
  const c = await loadCampaign(db, campaignId);
  const m = await merged(db, c, overrideOf(c.brandOverride));
  const asset = async (id: string | null, kind: "logo" | "font") => {
    if (!id || !c.teamId) return null;
    const a = await db.brandAsset.findUnique({ where: { id } });
    return a && a.teamId === c.teamId && a.kind === kind ? a : null;
  };
  const [logo, font] = await Promise.all([asset(m.logoAssetId, "logo"), asset(m.fontAssetId, "font")]);
  return resolvedBrandSchema.parse({
    brandName: m.brandName,
    primaryColor: m.primaryColor,
    secondaryColor: m.secondaryColor,
    textColor: m.textColor,
    font: font ? { family: font.family ?? m.fontFamily, file: font.file } : { family: m.fontFamily, file: null },
    logo: logo ? { file: logo.file, width: logo.width ?? 0, height: logo.height ?? 0 } : null,
  });
}
