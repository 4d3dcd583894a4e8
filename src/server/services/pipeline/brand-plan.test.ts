import { describe, expect, it } from "vitest";
import { parseRenderPlan } from "~/render/plan";
import { campaignFieldsSchema } from "~/shared/campaign";
import { type Script } from "~/plugins/spec/schemas";
import { renderSettingsSchema } from "../renders";
import { planBrand, scenePhoto } from "./brand-plan";
import { buildPlan } from "./plan-builder";

const local = async (key: string) => `/storage/${key}`;
const script: Script = {
  title: "Nucleo",
  hook: "Debug without a probe.",
  callToAction: "Order yours today",
  scenes: [0, 1, 2].map((i) => ({ narration: `Line ${i}`, onScreenText: `Text ${i}`, visualPrompt: "board", durationSec: 3 })),
};

function settings(over: Record<string, unknown> = {}) {
  return renderSettingsSchema.parse({
    campaignId: "c1",
    campaign: campaignFieldsSchema.parse({ name: "N", product: "Nucleo board", audience: "makers", message: "Debugger on board.", brandColor: "#123456" }),
    images: [
      { file: "uploads/c1/a.jpg", mimeType: "image/jpeg", sha256: "a", width: 720, height: 480, focusX: 0.2, focusY: 0.7, sceneIndex: 1 },
      { file: "uploads/c1/b.jpg", mimeType: "image/jpeg", sha256: "b", width: 2000, height: 3000 },
    ],
    brand: {
      brandName: "Nucleo",
      primaryColor: "#03234b",
      secondaryColor: "#e6007e",
      textColor: "#ffffff",
      font: { family: "Brand Sans", file: "brand/t1/f.ttf" },
      logo: { file: "brand/t1/logo.png", width: 400, height: 160 },
    },
    preset: "preview",
    ...over,
  });
}

describe("the plan's brand and photos", () => {
  it("carries the render's brand kit with local paths for logo and font", async () => {
    expect(await planBrand(settings().brand, local)).toEqual({
      name: "Nucleo",
      logoPath: "/storage/brand/t1/logo.png",
      colors: { primary: "#03234b", secondary: "#e6007e", text: "#ffffff" },
      font: "Brand Sans",
      fontPath: "/storage/brand/t1/f.ttf",
    });
    expect(await planBrand(null, local)).toBeUndefined();
  });

  it("frames each scene's own uploaded photo at its focal point, and uses the brand colour for colour cards", async () => {
    const s = settings();
    const photos = await Promise.all([0, 1, 2].map((i) => scenePhoto(s, i, local)));
    expect(photos.map((p) => p?.path)).toEqual(["/storage/uploads/c1/b.jpg", "/storage/uploads/c1/a.jpg", "/storage/uploads/c1/b.jpg"]);
    const brand = (await planBrand(s.brand, local))!;
    const plan = parseRenderPlan(
      buildPlan({
        settings: s,
        script,
        brand,
        scenes: [{ photo: photos[0]!, still: { path: "/tmp/cover0.png" } }, { photo: photos[1]!, clip: { path: "/tmp/veo1.mp4" } }, {}],
      }),
    );
    const [first, second, third] = plan.scenes;
    expect(first!.visual).toMatchObject({ kind: "image", path: "/storage/uploads/c1/b.jpg", framing: { mode: "auto", focusX: 0.5, focusY: 0.5, backdrop: "blur" } });
    // A generated clip wins over the photo; no photo and no still: a motion background (in the plan's brand
    // colours), its layout seeded by the scene, so the same script gives the same seed.
    expect(second!.visual).toEqual({ kind: "video", path: "/tmp/veo1.mp4" });
    expect(third!.visual).toMatchObject({ kind: "design", seed: expect.any(Number) });
    const again = parseRenderPlan(buildPlan({ settings: s, script, brand, scenes: [{}, {}, { still: { path: "/tmp/card2.png" }, design: true }] }));
    expect(again.scenes[2]!.visual).toEqual(third!.visual);
    expect(again.scenes[1]!.visual).toMatchObject({ kind: "design" });
    expect(again.scenes[1]!.visual).not.toEqual(third!.visual);
    expect(plan.brand).toMatchObject({ name: "Nucleo", logoPath: "/storage/brand/t1/logo.png", font: "Brand Sans" });

    const focal = parseRenderPlan(buildPlan({ settings: s, script, scenes: [{}, { photo: photos[1]! }, {}] }));
    expect(focal.scenes[1]!.visual).toMatchObject({ framing: { focusX: 0.2, focusY: 0.7 } });
  });
});
