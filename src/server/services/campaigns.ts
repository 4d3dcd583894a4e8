/** Campaigns: create, update, duplicate, archive. Input is always campaignInputSchema-parsed. */
import { type CampaignInput, campaignInputSchema } from "~/shared/campaign";
import { type Db } from "~/server/db";
import { Prisma } from "~/server/generated/prisma/client";

export async function createCampaign(db: Db, input: unknown, owner: { userId?: string | null; teamId?: string | null } = {}) {
  const c: CampaignInput = campaignInputSchema.parse(input);
  return db.campaign.create({ data: { ...c, captionStyle: c.captionStyle, cta: c.cta ?? Prisma.DbNull, teamId: owner.teamId ?? null, createdById: owner.userId ?? null } });
}

export async function updateCampaign(db: Db, id: string, input: unknown) {
  const c: CampaignInput = campaignInputSchema.parse(input);
  return db.campaign.update({ where: { id }, data: { ...c, captionStyle: c.captionStyle, cta: c.cta ?? Prisma.DbNull } });
}

export async function duplicateCampaign(db: Db, id: string, owner: { userId?: string | null }) {
  const src = await db.campaign.findUniqueOrThrow({ where: { id }, include: { images: true } });
  return db.campaign.create({
    data: {
      name: `${src.name} (copy)`.slice(0, 120),
      product: src.product,
      audience: src.audience,
      message: src.message,
      tone: src.tone,
      targetSeconds: src.targetSeconds,
      aspect: src.aspect,
      fps: src.fps,
      voice: src.voice,
      musicMood: src.musicMood,
      captionStyle: src.captionStyle ?? {},
      brandColor: src.brandColor,
      cta: src.cta ?? Prisma.DbNull,
      mustSay: src.mustSay,
      language: src.language,
      scriptOverride: src.scriptOverride ?? undefined,
      brandOverride: src.brandOverride ?? undefined,
      teamId: src.teamId,
      createdById: owner.userId ?? null,
      // Same stored files: uploads are immutable, so sharing keys is safe.
      images: {
        create: src.images.map(({ position, file, mimeType, width, height, bytes, sha256, focusX, focusY, sceneIndex }) => ({ position, file, mimeType, width, height, bytes, sha256, focusX, focusY, sceneIndex })),
      },
    },
  });
}

export async function archiveCampaign(db: Db, id: string, archived = true) {
  return db.campaign.update({ where: { id }, data: { archivedAt: archived ? new Date() : null } });
}
