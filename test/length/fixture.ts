/**
 * Exact length: real renders (preview preset: half the pixels, the same timeline code) of the
 * STM32 brief with a CTA and a must-say line, checked with ffprobe, and the brief's coverage
 * checked in the rendered script and the on-screen text the render wrote.
 */
import fs from "node:fs/promises";
import { expect } from "vitest";
import { norm } from "~/plugins/shared/coverage";
import { type Script } from "~/plugins/spec/schemas";
import { createCampaign } from "~/server/services/campaigns";
import { onScreenKey } from "~/server/services/pipeline/plan-builder";
import { queueRender } from "~/server/services/renders";
import { storage } from "~/server/storage";
import { testDb, waitFor } from "../helpers/db";
import { describeVideo } from "../helpers/media";

export const TARGETS = [6, 10, 15, 20, 30, 60] as const;

export const stm32 = {
  name: "STM32 lab board",
  product: "Nucleo-F4 Discovery Kit",
  audience: "embedded engineering students and hobbyists",
  message: "A full ARM Cortex-M4 lab on one board. Built-in debugger, no extra probe needed. Motion sensors and eight LEDs ready to code. Order yours today for under thirty dollars.",
  fps: 24 as const,
  musicMood: "none" as const,
  brandColor: "#03234b",
};

/** The CTA and must-say lines each length can hold (a 6 s ad: hook and CTA only). */
export function requiredFor(target: number) {
  return { cta: { text: "Order yours today", url: "st.com/nucleo" }, mustSay: target >= 10 ? ["Under thirty dollars."] : [] };
}

export async function renderAndMeasure(target: number, voice: string) {
  const db = testDb();
  const required = requiredFor(target);
  const c = await createCampaign(db, { ...stm32, name: `${stm32.name} ${target} s ${voice}`, targetSeconds: target, voice, ...required });
  const r = await queueRender(db, { campaignId: c.id, preset: "preview" });
  const done = await waitFor(async () => {
    const x = await db.render.findUniqueOrThrow({ where: { id: r.id }, include: { assets: true } });
    return ["succeeded", "failed", "cancelled"].includes(x.status) ? x : null;
  }, 280_000, `render of ${target} s to finish`);
  expect(done.error).toBeNull();
  expect(done.status).toBe("succeeded");
  const store = await storage();
  const video = await describeVideo(await store.localPath(done.outputFile!));
  const script = done.assets.find((a) => a.kind === "script")!.data as unknown as Script;
  const onScreen = JSON.parse(await fs.readFile(await store.localPath(onScreenKey(done.id)), "utf8")) as { captions: { text: string }[]; endCard: { cta: string } | null };
  return { render: done, durationSec: video.durationSec, script, onScreen, required };
}

/** Every must-say line and the CTA: said in the rendered script and shown in the captions (or the end card). */
export function expectCoverage(m: Awaited<ReturnType<typeof renderAndMeasure>>) {
  const spoken = norm(m.script.scenes.map((s) => s.narration).join(" "));
  const shown = norm(m.onScreen.captions.map((c) => c.text).join(" "));
  for (const line of [...m.required.mustSay, m.required.cta.text]) {
    expect(spoken, `script says "${line}"`).toContain(norm(line));
    expect(shown, `captions show "${line}"`).toContain(norm(line));
  }
  expect(m.onScreen.endCard?.cta).toBe(m.required.cta.text);
}
