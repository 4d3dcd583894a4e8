/** The fixed benchmark campaign: 6 stills at different aspect ratios, 18 s at 30 fps, captions, voice, music. */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { probe } from "~/render/ffmpeg";
import { type RenderPlanInput } from "~/render/index";
import { makeImage, makeMusic, makeVoice } from "~/render/testing";

export const FPS = 30;
export const W = 1080;
export const H = 1920;

export const lines = [
  "Tired of cold coffee by nine?",
  "Our mug keeps it hot for six hours.",
  "Spill proof lid, one hand open.",
  "Fits every cup holder you own.",
  "Dishwasher safe, built to last.",
  "Order today and get free shipping.",
];

export async function makeAssets(dir: string) {
  await mkdir(dir, { recursive: true });
  const imgs = await Promise.all([
    makeImage(join(dir, "s0.png"), { width: 1600, height: 2400, source: "mandelbrot=start_x=-0.743643887037151:start_y=0.131825904205330:start_scale=0.005:maxiter=600" }),
    makeImage(join(dir, "s1.jpg"), { width: 1920, height: 1080, source: "testsrc2" }),
    makeImage(join(dir, "s2.png"), { width: 1400, height: 1400, source: "mandelbrot=start_x=-0.7453:start_y=0.1127:start_scale=0.004:maxiter=500" }),
    makeImage(join(dir, "s3.jpg"), { width: 1200, height: 2600, source: "mandelbrot=start_x=-1.25066:start_y=0.02012:start_scale=0.0017:maxiter=500" }),
    makeImage(join(dir, "s4.jpg"), { width: 2400, height: 1600, source: "testsrc2", extraFilter: "hue=h=120" }),
    makeImage(join(dir, "s5.png"), { width: 1500, height: 2000, source: "mandelbrot=start_x=-0.16:start_y=1.0405:start_scale=0.026:maxiter=400" }),
  ]);
  const voices = await Promise.all(lines.map((l, i) => makeVoice(dir, `v${i}`, l)));
  const music = await makeMusic(join(dir, "music.wav"), 20);
  return { imgs, voices, music };
}

export async function buildPlan(assets: Awaited<ReturnType<typeof makeAssets>>): Promise<RenderPlanInput> {
  const motions = ["zoom-in", "pan-left", "zoom-out", "pan-up", "zoom-in", "pan-right"] as const;
  const sceneSec = 3;
  const cues: NonNullable<RenderPlanInput["captions"]>["cues"] = [];
  const voice: { path: string; startSec: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i * sceneSec + 0.25;
    const dur = Math.min(sceneSec - 0.4, (await probe(assets.voices[i]!)).durationSec ?? 2);
    voice.push({ path: assets.voices[i]!, startSec: start });
    // Word timings by character share of the narration (what a TTS word-timing track would give).
    const words = lines[i]!.split(" ");
    const total = words.reduce((a, w) => a + w.length + 1, 0);
    let t = start;
    cues.push({
      start,
      end: start + dur,
      text: lines[i]!,
      words: words.map((w) => {
        const d = (dur * (w.length + 1)) / total;
        const word = { text: w, start: t, end: t + d };
        t += d;
        return word;
      }),
    });
  }
  return {
    output: { width: W, height: H, fps: FPS, preset: "final", encoder: "libx264" },
    scenes: assets.imgs.map((path, i) => ({
      durationSec: sceneSec,
      visual: { kind: "image", path, motion: { type: motions[i]!, easing: "ease-in-out" } },
      transition: { kind: i % 2 === 0 ? "flash" : "crossfade", durationSec: 0.4 },
    })),
    captions: { style: { font: "DejaVu Sans", sizePx: 76, position: "bottom", uppercase: false }, cues },
    audio: { voice, music: { path: assets.music, gainDb: -10 }, targetLufs: -14, truePeakDb: -1 },
  };
}

