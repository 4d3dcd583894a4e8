/**
 * The music bed measured on real output: between lines it sits at the level's `bedLu` under the voice; while the
 * voice speaks it dips a further `duckDb`, so the voice stays on top. The "voice" is a 2.5 kHz tone and the music
 * 220/330 Hz tones, so band filters separate them in the mix.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIX_INPUT_ARGS, MUSIC_LEVELS, mixSoundtrack } from "./audio";
import { runFfmpeg } from "./ffmpeg";
import { renderVideo } from "./index";
import { AudioSchema } from "./plan";
import { ff, makeMusic } from "./testing";

let dir: string;
let work: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-mix-"));
  work = join(dir, "work");
  await mkdir(work);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Integrated loudness (LUFS) of [from, to) s of a file's audio, optionally band-limited (`band`: filters). */
async function loudness(path: string, from: number, to: number, band = "anull", input: string[] = []): Promise<number> {
  const r = await runFfmpeg(
    ["-hide_banner", "-nostdin", ...input, "-i", path, "-map", "0:a:0", "-af", `atrim=start=${from}:end=${to},${band},ebur128`, "-f", "null", "-"],
    { raw: true },
  );
  return Number(/I:\s+(-?[\d.]+) LUFS/.exec(r.stderr.slice(r.stderr.lastIndexOf("Summary:")))?.[1]);
}
const MUSIC_BAND = "lowpass=f=600,lowpass=f=600";
const VOICE_BAND = "highpass=f=1500,highpass=f=1500";

async function lines(): Promise<{ voice: { path: string; startSec: number }[]; music: string }> {
  const tone = join(dir, "line.wav");
  await ff(["-f", "lavfi", "-i", "sine=frequency=2500:duration=1.5", "-af", "volume=0.3", "-ar", "48000", tone]);
  const music = await makeMusic(join(dir, "music.wav"), 8);
  return { voice: [{ path: tone, startSec: 0.5 }, { path: tone, startSec: 5 }], music };
}

describe("music bed (measured)", () => {
  it("on a real render: between lines the music is at the medium level under the voice, and it ducks while the voice speaks", async () => {
    const { voice, music } = await lines();
    const out = join(dir, "mix.mp4");
    await renderVideo(
      {
        output: { fps: 24, preset: "preview" },
        scenes: [{ durationSec: 4, visual: { kind: "color", color: "#000000" } }, { durationSec: 4, visual: { kind: "color", color: "#000000" } }],
        audio: { voice, music: { path: music, level: "medium" } },
      },
      { workDir: work, outPath: out },
    );
    const { bedLu, duckDb } = MUSIC_LEVELS.medium;
    // Speech: 0.5-2.0 s and 5.0-6.5 s. The bed is fully up from ~2.5 s to ~4.85 s.
    const speech = await loudness(out, 0.7, 1.9);
    const gap = await loudness(out, 2.8, 4.6);
    expect(gap - speech).toBeGreaterThan(bedLu - 1.5);
    expect(gap - speech).toBeLessThan(bedLu + 1.5);
    // The music alone (its band), during speech against between lines: down by the duck.
    const musicUnder = await loudness(out, 0.7, 1.9, MUSIC_BAND);
    const musicBetween = await loudness(out, 2.8, 4.6, MUSIC_BAND);
    expect(musicBetween - musicUnder).toBeGreaterThan(duckDb - 2);
    // While speaking the voice is far on top of the music (bed + duck under it, in loudness terms).
    const voiceOn = await loudness(out, 0.7, 1.9, VOICE_BAND);
    expect(voiceOn - musicUnder).toBeGreaterThan(-(bedLu - duckDb) - 3);
    // Gentle fades: the last 0.3 s is well under the bed.
    expect(await loudness(out, 7.6, 7.95)).toBeLessThan(gap - 6);
  }, 120_000);

  it("low and high sit at their levels between lines", async () => {
    const { voice, music } = await lines();
    for (const level of ["low", "high"] as const) {
      const path = join(dir, `${level}.f32`);
      await mixSoundtrack(AudioSchema.parse({ voice, music: { path: music, level } }), 8, path);
      const speech = await loudness(path, 0.7, 1.9, "anull", [...MIX_INPUT_ARGS]);
      const gap = await loudness(path, 2.8, 4.6, "anull", [...MIX_INPUT_ARGS]);
      expect(Math.abs(gap - speech - MUSIC_LEVELS[level].bedLu)).toBeLessThan(1.5);
    }
  });
});
