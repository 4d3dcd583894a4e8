import { describe, expect, it } from "vitest";
import { parsePcmMimeType, pcmToWav, readWavInfo } from "./wav";
import { estimateWordTimings, voicedSpanFromSilencedetect } from "./word-timings";

describe("word timings", () => {
  it("apportions the voiced span by characters, with pauses after punctuation", () => {
    const words = estimateWordTimings("Hi there. Go!", 1, 3);
    expect(words.map((w) => w.text)).toEqual(["Hi", "there.", "Go!"]);
    expect(words[0]!.start).toBe(1);
    expect(words.at(-1)!.end).toBeCloseTo(3, 3);
    // "there." is followed by a sentence pause: a bigger gap than after "Hi".
    expect(words[2]!.start - words[1]!.end).toBeGreaterThan(words[1]!.start - words[0]!.end);
    expect(estimateWordTimings("   ", 0, 1)).toEqual([]);
  });

  it("reads leading and trailing silence from silencedetect logs", () => {
    const log = [
      "[silencedetect @ 0x1] silence_start: 0",
      "[silencedetect @ 0x1] silence_end: 0.25 | silence_duration: 0.25",
      "[silencedetect @ 0x1] silence_start: 1.2",
      "[silencedetect @ 0x1] silence_end: 1.5 | silence_duration: 0.3",
      "[silencedetect @ 0x1] silence_start: 2.8",
    ].join("\n");
    expect(voicedSpanFromSilencedetect(log, 3)).toEqual({ startSec: 0.25, endSec: 2.8 });
    expect(voicedSpanFromSilencedetect("", 3)).toEqual({ startSec: 0, endSec: 3 });
  });
});

describe("WAV helpers", () => {
  it("parses Gemini's L16 mimeType and wraps PCM in a readable WAV header", () => {
    expect(parsePcmMimeType("audio/L16;codec=pcm;rate=24000")).toEqual({ sampleRate: 24000, channels: 1 });
    expect(parsePcmMimeType("audio/pcm; rate=16000")).toEqual({ sampleRate: 16000, channels: 1 });
    expect(parsePcmMimeType("audio/mpeg")).toBeUndefined();
    const wav = pcmToWav(Buffer.alloc(48000), { sampleRate: 24000, channels: 1 });
    expect(readWavInfo(wav)).toMatchObject({ sampleRate: 24000, channels: 1, bitsPerSample: 16, dataBytes: 48000, durationSec: 1 });
    expect(readWavInfo(Buffer.from("<html>"))).toBeUndefined();
  });
});
