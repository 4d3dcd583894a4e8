import { describe, expect, it } from "vitest";
import { runFfmpeg } from "./process";
import { parseSilencedetect, SILENCEDETECT } from "./silencedetect";

const FFMPEG = process.env.FFMPEG_PATH ?? "ffmpeg";

describe("silencedetect parser (shared by the voiced span and the voiceover check)", () => {
  it("reads the intervals: a negative start counts from 0, an open silence ends at the duration, a lone end is ignored", () => {
    const log = [
      "[silencedetect @ 0x1] silence_end: 0.1 | silence_duration: 0.1", // no start before it
      "[silencedetect @ 0x1] silence_start: -0.02",
      "[silencedetect @ 0x1] silence_end: 0.25 | silence_duration: 0.27",
      "frame=  12 fps=0.0 q=-0.0 size=N/A time=00:00:01.00",
      "[silencedetect @ 0x1] silence_start: 1.2",
      "[silencedetect @ 0x1] silence_end: 1.5 | silence_duration: 0.3",
      "[silencedetect @ 0x1] silence_start: 2.8",
    ].join("\n");
    expect(parseSilencedetect(log, 3)).toEqual([
      { start: 0, end: 0.25 },
      { start: 1.2, end: 1.5 },
      { start: 2.8, end: 3 },
    ]);
    expect(parseSilencedetect("", 3)).toEqual([]);
  });

  it("finds the silences ffmpeg reports in real audio (0.5 s silence, 1 s tone, 0.4 s silence, 1 s tone, 0.6 s silence)", async () => {
    const tone = "sine=frequency=440:sample_rate=24000:duration=1";
    const gap = (d: number) => `anullsrc=r=24000:cl=mono,atrim=duration=${d}`;
    const graph = `${gap(0.5)}[a];${tone}[b];${gap(0.4)}[c];${tone}[d];${gap(0.6)}[e];[a][b][c][d][e]concat=n=5:v=0:a=1,${SILENCEDETECT}`;
    const { stderr } = await runFfmpeg(FFMPEG, ["-v", "info", "-filter_complex", graph, "-f", "null", "-"], { signal: AbortSignal.timeout(30_000) });
    const silences = parseSilencedetect(stderr, 3.5);
    expect(silences).toHaveLength(3);
    const want = [[0, 0.5], [1.5, 1.9], [2.9, 3.5]];
    silences.forEach((s, i) => {
      expect(s.start).toBeCloseTo(want[i]![0]!, 1);
      expect(s.end).toBeCloseTo(want[i]![1]!, 1);
    });
  });
});
