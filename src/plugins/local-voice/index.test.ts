import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { type VoiceoverInput } from "../spec";
import { describeProviderContract } from "../spec/contract-kit";
import { ffprobe, localContext, tempDir, voicedSeconds } from "../testing";
import { LOCAL_VOICES, type LocalVoiceOptions, localVoiceProvider } from ".";

const sample: VoiceoverInput = { text: "Hey runners, meet Stride. Lighter shoes, faster miles! Try Stride today.", voice: "slt" };

describeProviderContract("local-voice (flite)", () => localVoiceProvider, (init) => localContext(init), sample);
describeProviderContract("local-voice (espeak-ng)", () => localVoiceProvider, (init) => localContext({ ...init, options: localVoiceProvider.optionsSchema.parse({ engine: "espeak-ng" }) }), sample);

async function synth(input: VoiceoverInput, options: Partial<LocalVoiceOptions> = {}) {
  const outputDir = await tempDir();
  const ctx = localContext({ signal: new AbortController().signal, outputDir, options: localVoiceProvider.optionsSchema.parse(options) });
  return localVoiceProvider.doSynthesize(input, ctx);
}

describe("local-voice output", () => {
  it.each(LOCAL_VOICES)("voice %s: mono 24 kHz PCM WAV with a word timing per word", async (voice) => {
    const result = await synth({ ...sample, voice });
    const probe = await ffprobe(result.file);
    expect(probe.streams[0]).toMatchObject({ codec_type: "audio", codec_name: "pcm_s16le", sample_rate: "24000", channels: 1 });
    expect(Number(probe.format.duration)).toBeCloseTo(result.durationSec!, 1);
    expect(result.words?.map((w) => w.text)).toEqual(sample.text.split(" "));
    expect(result.warnings).toEqual([]);
  });

  it("48 kHz on request; espeak-ng engine works too", async () => {
    const r48 = await synth(sample, { sampleRate: 48000 });
    expect((await ffprobe(r48.file)).streams[0]?.sample_rate).toBe("48000");
    const espeak = await synth(sample, { engine: "espeak-ng" });
    expect(espeak.durationSec).toBeGreaterThan(1);
  });

  it("timings lie in the voiced span: the first word starts after the leading silence", async () => {
    const result = await synth({ text: "One two three four five six seven." });
    const first = result.words![0]!;
    const last = result.words!.at(-1)!;
    expect(first.start).toBeGreaterThan(0);
    expect(last.end).toBeLessThanOrEqual(result.durationSec! + 0.001);
  });

  it("unknown voice or style: warnings, not failures", async () => {
    const result = await synth({ ...sample, voice: "Kore", style: "cheerful" });
    expect(result.warnings.map((w) => w.setting)).toEqual(["voice", "style"]);
  });

  it("hostile text is spoken, never interpreted (no filter or shell injection)", async () => {
    const text = "It's 50% off: a'b\\c; [x] $(touch /tmp/pwned-reelfarm) `id` && echo hi | cat, voice=kal:textfile=/etc/passwd";
    for (const engine of ["flite", "espeak-ng"] as const) {
      const result = await synth({ text }, { engine });
      expect((await readFile(result.file)).length).toBeGreaterThan(1000);
      expect(result.words).toHaveLength(text.split(/\s+/).length);
    }
    await expect(readFile("/tmp/pwned-reelfarm")).rejects.toThrow();
  });

  it.each([
    ["ar", "مرحبا بكم في متجرنا الجديد، ضوء دافئ لا يبهر العين"],
    ["he", "שלום לכולם, אור חם שלא מסנוור"],
    ["ko", "따뜻한 빛, 눈부시지 않은 조명을 만나보세요"],
    ["hi", "हमारे नए स्टोर में आपका स्वागत है"],
  ])("%s with a flite voice: spoken by espeak-ng, with a warning, and audible (not flite's silence)", async (language, text) => {
    const result = await synth({ text, voice: "slt", language });
    expect(result.warnings.map((w) => w.setting)).toContain("voice");
    expect(await voicedSeconds(result.file)).toBeGreaterThan(1);
  });

  it.each([
    ["ar", "مرحبا بالعالم، ضوء دافئ لا يبهر العين"],
    ["ko", "따뜻한 빛을 만나보세요"],
  ])("a %s line in an English campaign is spoken in its own language (audible), with a warning", async (spoken, text) => {
    const result = await synth({ text, voice: "slt", language: "en" });
    expect(result.warnings.find((w) => w.setting === "language")?.message).toContain(`"${spoken}"`);
    expect(await voicedSeconds(result.file)).toBeGreaterThan(0.8);
  });

  it("a mostly English line naming a Japanese product: flite says the English, the name is named as unspoken", async () => {
    const result = await synth({ text: "Try 桜の保湿クリーム today, soft skin all day.", voice: "slt", language: "en" });
    expect(result.unspoken).toEqual(["桜の保湿クリーム"]);
    expect(result.warnings.find((w) => w.setting === "language")?.message).toContain("桜の保湿クリーム");
    expect(await voicedSeconds(result.file)).toBeGreaterThan(1);
  });

  it("Japanese has no offline voice: espeak-ng's ja voice says 'Chinese letter' for every kanji, so it is not offered", async () => {
    // What espeak-ng does with kanji (its phonemes, -x): the English words, one pair per character.
    const { execFileSync } = await import("node:child_process");
    const phonemes = execFileSync("espeak-ng", ["-q", "-x", "-v", "ja", "日本の製品"], { encoding: "utf8" });
    expect(phonemes.match(/tS'aIni:z/g)?.length).toBeGreaterThanOrEqual(3);
    const opts = localVoiceProvider.optionsSchema.parse(undefined);
    expect(localVoiceProvider.speaks("ja", opts)).toBe(false);
    expect(localVoiceProvider.speaks("ja-JP", opts)).toBe(false);
    await expect(synth({ text: "日本の製品です。", voice: "espeak-f", language: "ja" })).rejects.toThrow(/no offline voice speaks "ja".*Chinese letter/);
    // A Japanese line in an English campaign is not read as "Chinese letter" either: English says what it can.
    const mixed = await synth({ text: "Try 桜の保湿クリーム today, soft skin all day.", voice: "espeak-f", language: "en" });
    expect(mixed.warnings.map((w) => w.message).join(" ")).not.toMatch(/spoken as "ja"/);
    // A mostly Japanese line in an English campaign: flite says its English word, the rest is named as unspoken.
    const line = await synth({ text: "桜の保湿クリームで一日中しっとり、Sakura", voice: "slt", language: "en" });
    const said = line.warnings.map((w) => w.message).join(" | ");
    expect(said).toMatch(/written in "ja", which no offline voice speaks \(.*Chinese letter.*\): spoken as "en"/);
    expect((line.unspoken ?? []).join("")).toContain("桜の保湿クリーム");
  });

  it("speaks(): flite only English; espeak-ng most languages; nothing without espeak-ng", () => {
    const opts = localVoiceProvider.optionsSchema.parse(undefined);
    expect(localVoiceProvider.speaks("en-GB", opts)).toBe(true);
    expect(localVoiceProvider.speaks("ar", opts)).toBe(true);
    expect(localVoiceProvider.speaks("tlh", opts)).toBe(false);
    const noEspeak = localVoiceProvider.optionsSchema.parse({ espeakPath: "/nonexistent/espeak-ng" });
    expect(localVoiceProvider.speaks("en", noEspeak)).toBe(true);
    expect(localVoiceProvider.speaks("ar", noEspeak)).toBe(false);
  });
});
