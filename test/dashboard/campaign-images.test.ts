/**
 * Campaign images framed for vertical video (issue 9, point 5): focal points (0..1, anything
 * else refused), order, scene assignment and low-resolution warnings, through the real tRPC
 * router; all of it frozen into a queued render's settings with the resolved brand.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "~/server/api/root";
import { getSessionUser } from "~/server/auth/session";
import { db } from "~/server/db";
import { isSameOrigin } from "~/server/auth/csrf";
import { imageForScene } from "~/server/services/pipeline/inputs";
import { renderSettingsSchema } from "~/server/services/renders";
import { addCampaignImages } from "~/server/services/uploads";
import { lowResolutionWarning } from "~/shared/brand";
import { testDb } from "../helpers/db";
import { landscapeJpg } from "../helpers/brand-media";
import { browserHeaders, discardRenders, makeWorld, type World } from "../auth/fixtures";

let w: World;
let caller: ReturnType<typeof appRouter.createCaller>;
let ids: string[];

beforeAll(async () => {
  w = await makeWorld();
  const headers = browserHeaders(w.cookies.a);
  caller = appRouter.createCaller({ db: db(), headers, user: await getSessionUser(headers), sameOrigin: isSameOrigin(headers) });
  await testDb().campaignImage.deleteMany({ where: { campaignId: w.campaignA.id } });
  const added = await addCampaignImages(testDb(), w.campaignA.id, [1, 2, 3].map((n) => ({ name: `photo-${n}.jpg`, bytes: landscapeJpg() })));
  ids = added.map((i) => i.id);
});
afterAll(() => discardRenders({ campaignId: w.campaignA.id }));

describe("low-resolution warning", () => {
  it("warns when covering 1080x1920 would upscale more than 1.5x or the shorter side is under 1080 px", () => {
    expect(lowResolutionWarning(720, 480)).toMatch(/720x480 would be upscaled 4\.0x/);
    expect(lowResolutionWarning(1000, 1800)).toMatch(/shorter side is 1000 px/);
    expect(lowResolutionWarning(1080, 1920)).toBeNull();
    expect(lowResolutionWarning(2400, 1600)).toBeNull();
  });

  it("comes with each image from image.list", async () => {
    const list = await caller.image.list({ campaignId: w.campaignA.id });
    expect(list.map((i) => i.id)).toEqual(ids);
    expect(list[0]).toMatchObject({ width: 720, height: 480, focusX: 0.5, focusY: 0.5, sceneIndex: null });
    expect(list[0]!.warning).toMatch(/Low resolution/);
  });
});

describe("focal point, order and scenes", () => {
  it("stores a focal point and refuses one outside 0..1", async () => {
    expect(await caller.image.setFocus({ campaignId: w.campaignA.id, imageId: ids[0]!, focusX: 0.25, focusY: 0.8 })).toMatchObject({ focusX: 0.25, focusY: 0.8 });
    for (const bad of [{ focusX: 1.2, focusY: 0.5 }, { focusX: 0.5, focusY: -0.01 }, { focusX: Number.NaN, focusY: 0.5 }]) {
      await expect(caller.image.setFocus({ campaignId: w.campaignA.id, imageId: ids[0]!, ...bad })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    expect(await testDb().campaignImage.findUniqueOrThrow({ where: { id: ids[0]! } })).toMatchObject({ focusX: 0.25, focusY: 0.8 });
  });

  it("reorders, and refuses a list that is not exactly the campaign's images", async () => {
    const order = [ids[2]!, ids[0]!, ids[1]!];
    expect((await caller.image.reorder({ campaignId: w.campaignA.id, imageIds: order })).map((i) => i.id)).toEqual(order);
    await expect(caller.image.reorder({ campaignId: w.campaignA.id, imageIds: [ids[0]!, ids[1]!] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.image.reorder({ campaignId: w.campaignA.id, imageIds: [ids[0]!, ids[0]!, ids[1]!] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("assigns one image per scene", async () => {
    await caller.image.assign({ campaignId: w.campaignA.id, imageId: ids[1]!, sceneIndex: 0 });
    const list = await caller.image.assign({ campaignId: w.campaignA.id, imageId: ids[0]!, sceneIndex: 0 });
    expect(list.find((i) => i.id === ids[0])!.sceneIndex).toBe(0);
    expect(list.find((i) => i.id === ids[1])!.sceneIndex).toBeNull();
    await expect(caller.image.assign({ campaignId: w.campaignA.id, imageId: ids[1]!, sceneIndex: 12 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("picks each scene's image: its own, else the unassigned ones in turn", () => {
    const imgs = [
      { id: "a", sceneIndex: 2 },
      { id: "b", sceneIndex: null },
      { id: "c", sceneIndex: null },
    ];
    expect([0, 1, 2, 3, 4].map((s) => imageForScene(imgs, s)?.id)).toEqual(["b", "c", "a", "b", "c"]);
    expect(imageForScene([{ id: "x", sceneIndex: 0 }], 3)?.id).toBe("x");
    expect(imageForScene([], 0)).toBeUndefined();
  });

  it("freezes order, focal points, assignments and the brand into a queued render", async () => {
    await caller.brand.save({ kit: { brandName: "Trailblazer", primaryColor: "#0f766e" } });
    const r = await caller.render.queue({ campaignId: w.campaignA.id, preset: "preview" });
    const s = renderSettingsSchema.parse((await testDb().render.findUniqueOrThrow({ where: { id: r.id } })).settings);
    expect(s.images.map((i) => [i.focusX, i.focusY, i.sceneIndex])).toEqual([
      [0.5, 0.5, null],
      [0.25, 0.8, 0],
      [0.5, 0.5, null],
    ]);
    expect(s.images[1]).toMatchObject({ width: 720, height: 480 });
    expect(s.brand).toMatchObject({ brandName: "Trailblazer", primaryColor: "#0f766e", logo: null });
  });
});
