/**
 * A campaign's images as the render frames them: focal point (0..1, set by clicking a
 * thumbnail), order (positions 0..n-1) and scene assignment. Uploading is ~/server/services/uploads.
 */
import { z } from "zod";
import { focalPointSchema, lowResolutionWarning } from "~/shared/brand";
import { MAX_IMAGES } from "~/shared/campaign";
import { MAX_SCENES } from "~/plugins/spec/schemas";
import { type Db } from "~/server/db";
import { fieldError } from "./field-error";
import { NotFoundError } from "./renders";

export const setFocusSchema = z.object({ campaignId: z.string().min(1), imageId: z.string().min(1) }).extend(focalPointSchema.shape);
export const reorderSchema = z.object({ campaignId: z.string().min(1), imageIds: z.array(z.string().min(1)).min(1).max(MAX_IMAGES) });
/** Scenes are 0-based (at most MAX_SCENES of them); null = unassigned. */
export const assignSchema = z.object({ campaignId: z.string().min(1), imageId: z.string().min(1), sceneIndex: z.number().int().min(0).max(MAX_SCENES - 1).nullable() });

const imageSelect = { id: true, position: true, mimeType: true, width: true, height: true, bytes: true, focusX: true, focusY: true, sceneIndex: true } as const;

/** The campaign's images in order, each with its low-resolution warning (or null). */
export async function listCampaignImages(db: Db, campaignId: string) {
  const rows = await db.campaignImage.findMany({ where: { campaignId }, orderBy: [{ position: "asc" }, { createdAt: "asc" }], select: imageSelect });
  return rows.map((r) => ({ ...r, warning: lowResolutionWarning(r.width, r.height) }));
}

async function ownImage(db: Db, campaignId: string, imageId: string) {
  const img = await db.campaignImage.findUnique({ where: { id: imageId }, select: { id: true, campaignId: true } });
  if (!img || img.campaignId !== campaignId) throw new NotFoundError("Image");
  return img;
}

export async function setImageFocus(db: Db, input: z.input<typeof setFocusSchema>) {
  const i = setFocusSchema.parse(input);
  await ownImage(db, i.campaignId, i.imageId);
  return db.campaignImage.update({ where: { id: i.imageId }, data: { focusX: i.focusX, focusY: i.focusY }, select: imageSelect });
}

/** Sets positions 0..n-1 in the given order; the list must hold each of the campaign's images exactly once. */
export async function reorderImages(db: Db, input: z.input<typeof reorderSchema>) {
  const i = reorderSchema.parse(input);
  const ids = (await db.campaignImage.findMany({ where: { campaignId: i.campaignId }, select: { id: true } })).map((r) => r.id);
  const given = new Set(i.imageIds);
  if (given.size !== i.imageIds.length || given.size !== ids.length || !ids.every((id) => given.has(id))) {
    throw fieldError("imageIds", "must list each of the campaign's images exactly once");
  }
  await db.$transaction(i.imageIds.map((id, position) => db.campaignImage.update({ where: { id }, data: { position } })));
  return listCampaignImages(db, i.campaignId);
}

/** Assigns an image to a scene (null: unassigned). An image already on that scene is unassigned: one image per scene. */
export async function assignImage(db: Db, input: z.input<typeof assignSchema>) {
  const i = assignSchema.parse(input);
  await ownImage(db, i.campaignId, i.imageId);
  await db.$transaction([
    ...(i.sceneIndex === null ? [] : [db.campaignImage.updateMany({ where: { campaignId: i.campaignId, sceneIndex: i.sceneIndex, id: { not: i.imageId } }, data: { sceneIndex: null } })]),
    db.campaignImage.update({ where: { id: i.imageId }, data: { sceneIndex: i.sceneIndex } }),
  ]);
  return listCampaignImages(db, i.campaignId);
}
