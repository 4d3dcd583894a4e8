/**
 * The render's frozen brand kit and image framing, turned into the plan's terms: storage keys
 * become local paths (resolved by the caller's `local`), each scene's uploaded photo gets its
 * focal point. Pure except for `local`.
 */
import { type RenderPlanInput } from "~/render/plan";
import { type RenderSettings } from "../renders";
import { imageForScene } from "./inputs";

export type PlanBrand = NonNullable<RenderPlanInput["brand"]>;

/** The plan's brand, or undefined for renders queued before brand kits (the plan builder's default applies). */
export async function planBrand(brand: RenderSettings["brand"], local: (key: string) => Promise<string>): Promise<PlanBrand | undefined> {
  if (!brand) return undefined;
  const name = brand.brandName.trim().slice(0, 80);
  return {
    ...(name ? { name } : {}),
    ...(brand.logo ? { logoPath: await local(brand.logo.file) } : {}),
    colors: { primary: brand.primaryColor, secondary: brand.secondaryColor, text: brand.textColor },
    font: brand.font.family,
    ...(brand.font.file ? { fontPath: await local(brand.font.file) } : {}),
  };
}

/** The uploaded photo a scene shows, as a local path with its focal point (0..1 of the photo), or undefined. */
export async function scenePhoto(settings: RenderSettings, scene: number, local: (key: string) => Promise<string>) {
  const up = imageForScene(settings.images, scene);
  return up ? { path: await local(up.file), focusX: up.focusX, focusY: up.focusY } : undefined;
}
