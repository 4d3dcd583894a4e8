import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { type MusicInput } from "../spec";
import { describeProviderContract } from "../spec/contract-kit";
import { FFMPEG, ffprobe, localContext, tempDir } from "../testing";
import { localMusicProvider } from ".";

const sample: MusicInput = { mood: "upbeat", durationSec: 6 };

describeProviderContract("local-music", () => localMusicProvider, (init) => localContext(init), sample);

async function generate(input: MusicInput) {
  const outputDir = await tempDir();
  const ctx = localContext({ signal: new AbortController().signal, outputDir, options: localMusicProvider.optionsSchema.parse(undefined) });
  return localMusicProvider.doGenerateMusic(input, ctx);
}

async function meanVolumeDb(file: string): Promise<number> {
  const { stderr } = await promisify(execFile)(FFMPEG, ["-hide_banner", "-i", file, "-af", "volumedetect", "-f", "null", "-"]);
  return Number(/mean_volume: (-?[\d.]+) dB/.exec(stderr)?.[1]);
}

describe("local-music output", () => {
  it.each(["upbeat", "calm", "dramatic", "corporate"] as const)("%s: a stereo 44.1 kHz MP3 of the asked length, audible but gentle", async (mood) => {
    const result = await generate({ mood, durationSec: 8 });
    const probe = await ffprobe(result.file);
    expect(probe.streams[0]).toMatchObject({ codec_type: "audio", codec_name: "mp3", sample_rate: "44100", channels: 2 });
    expect(Number(probe.format.duration)).toBeCloseTo(8, 0);
    const mean = await meanVolumeDb(result.file);
    expect(mean).toBeGreaterThan(-40);
    expect(mean).toBeLessThan(-12);
  });

  it("moods sound different", async () => {
    const a = await readFile((await generate({ mood: "calm", durationSec: 4 })).file);
    const b = await readFile((await generate({ mood: "dramatic", durationSec: 4 })).file);
    expect(a.equals(b)).toBe(false);
  });

  it("mood none: a silent track of the asked length", async () => {
    const result = await generate({ mood: "none", durationSec: 5 });
    expect(Number((await ffprobe(result.file)).format.duration)).toBeCloseTo(5, 0);
    expect(await meanVolumeDb(result.file)).toBeLessThan(-80);
  });
});
