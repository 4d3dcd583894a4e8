import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIX_INPUT_ARGS, buildMixGraph, masteredSamples, masteringFilter, mixSoundtrack, parseEbur128Summary, parseLoudnormJson } from "./audio";
import { runFfmpeg } from "./ffmpeg";
import { AudioSchema } from "./plan";
import { ff, makeVoice, measureLoudness } from "./testing";
import { writeFile } from "node:fs/promises";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rf-audio-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** RMS (dB) of the low band (< 500 Hz: the music tone) between `from` and `to` seconds. */
async function lowBandRms(path: string, from: number, to: number): Promise<number> {
  const r = await runFfmpeg(
    ["-hide_banner", "-nostdin", ...MIX_INPUT_ARGS, "-i", path, "-af", `atrim=start=${from}:end=${to},lowpass=f=500,lowpass=f=500,astats=metadata=0:measure_perchannel=none`, "-f", "null", "-"],
    { raw: true },
  );
  return Number(/RMS level dB:\s*(-?[\d.]+|-inf)/.exec(r.stderr.slice(r.stderr.lastIndexOf("Overall")))?.[1]);
}

describe("soundtrack", () => {
  it("places the voice at its start time and ducks the music under it", async () => {
    const voice = join(dir, "voice.wav");
    const music = join(dir, "music.wav");
    await ff(["-f", "lavfi", "-i", "sine=frequency=2500:duration=1", "-af", "volume=0.6", "-ar", "48000", voice]);
    await ff(["-f", "lavfi", "-i", "sine=frequency=200:duration=4", "-ar", "48000", music]);
    const audio = AudioSchema.parse({ voice: [{ path: voice, startSec: 1.5 }], music: { path: music, gainDb: -6 }, fadeSec: 0.2 });
    const mix = await mixSoundtrack(audio, 4, join(dir, "mix.f32"));
    const before = await lowBandRms(mix.path, 0.5, 1.4);
    const during = await lowBandRms(mix.path, 1.9, 2.4);
    const after = await lowBandRms(mix.path, 3.3, 3.7);
    expect(before - during).toBeGreaterThan(6);
    expect(after - during).toBeGreaterThan(6);
    expect(mix.silent).toBe(false);
    expect(mix.masterFilter).toMatch(/volume=|loudnorm=/);
  });

  it("masters a peaky mix with loudnorm when a plain gain would clip: within 1 LU, true peak under the ceiling", async () => {
    // Speech with a few loud transients: reaching -14 LUFS by gain alone would push them over -1 dBTP.
    const voice = await makeVoice(dir, "peaky", "Every morning starts better with a cup that stays hot until lunch time.");
    const clicked = join(dir, "clicks.wav");
    await ff(["-i", voice, "-f", "lavfi", "-i", "aevalsrc='0.8*sin(2*PI*1500*t)*lt(mod(t\\,1.5)\\,0.01)':d=6:s=48000",
      "-filter_complex", "[0]aresample=48000,volume=0.3[a];[a][1]amix=inputs=2:normalize=0:duration=longest", clicked]);
    const audio = AudioSchema.parse({ voice: [{ path: clicked, startSec: 0 }], fadeSec: 0 });
    const mix = await mixSoundtrack(audio, 6, join(dir, "peaky.f32"));
    expect(mix.gainDb).toBeNull();
    const out = join(dir, "peaky.wav");
    await writeFile(join(dir, "peaky-master.f32"), await masteredSamples(mix));
    await ff([...MIX_INPUT_ARGS, "-i", join(dir, "peaky-master.f32"), out]);
    const loud = await measureLoudness(out);
    expect(Math.abs(loud.lufs - -14)).toBeLessThanOrEqual(1);
    expect(loud.truePeak).toBeLessThanOrEqual(-1);
  });

  it("silence (no voice, no music) stays silent and unnormalised", async () => {
    const audio = AudioSchema.parse({});
    const mix = await mixSoundtrack(audio, 1, join(dir, "silent.f32"));
    expect(mix.silent).toBe(true);
    expect(mix.masterFilter).not.toMatch(/volume|loudnorm/);
  });

  it("masters by plain gain when the true peak allows, else with loudnorm's limiter", () => {
    const audio = AudioSchema.parse({ targetLufs: -14, truePeakDb: -1 });
    const m = { input_i: "-24.0", input_tp: "-12.0", input_lra: "5", input_thresh: "-34", target_offset: "0" };
    expect(masteringFilter(audio, m)).toMatch(/^volume=10\.00dB,/);
    expect(masteringFilter(audio, { ...m, input_tp: "-3.0" })).toMatch(/^loudnorm=I=-14:TP=-1.5:.*linear=true/);
    expect(masteringFilter(audio, null)).not.toMatch(/volume/);
  });

  it("parses loudnorm's JSON block from ffmpeg's log", () => {
    const log = `[Parsed_loudnorm_0 @ 0x1] \n{\n\t"input_i" : "-27.61",\n\t"input_tp" : "-4.47",\n\t"input_lra" : "18.06",\n\t"input_thresh" : "-39.20",\n\t"target_offset" : "0.58"\n}\n`;
    expect(parseLoudnormJson(log)?.input_i).toBe("-27.61");
    expect(parseLoudnormJson("no json here")).toBeNull();
  });

  it("parses the ebur128 summary from ffmpeg's log", () => {
    const log = [
      "[Parsed_ebur128_0 @ 0x55] Summary:",
      "",
      "  Integrated loudness:",
      "    I:         -32.7 LUFS",
      "    Threshold: -42.7 LUFS",
      "",
      "  Loudness range:",
      "    LRA:         3.4 LU",
      "    Threshold: -52.7 LUFS",
      "    LRA low:   -34.1 LUFS",
      "    LRA high:  -30.7 LUFS",
      "",
      "  True peak:",
      "    Peak:      -27.5 dBFS",
    ].join("\n");
    expect(parseEbur128Summary(log)).toEqual({ input_i: "-32.7", input_tp: "-27.5", input_lra: "3.4", input_thresh: "-42.7", target_offset: "0" });
    expect(parseEbur128Summary("no summary here")).toBeNull();
  });

  it("never puts file paths into the filter graph (inputs are -i arguments)", () => {
    const audio = AudioSchema.parse({ voice: [{ path: "/x/it's [a];b,c.wav", startSec: 0 }] });
    const { inputs, graph } = buildMixGraph(audio, 2);
    expect(inputs).toContain("/x/it's [a];b,c.wav");
    expect(graph.join(";")).not.toContain("it's");
  });
});
