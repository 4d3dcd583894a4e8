import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProviderError, type VideoInput } from "../spec";
import { describeProviderContract } from "../spec/contract-kit";
import { FFMPEG, ffprobe, localContext, tempDir } from "../testing";
import { type LocalKenBurnsOptions, localKenBurnsProvider } from ".";

const stillDir = mkdtempSync(join(tmpdir(), "kenburns-still-"));
const still = join(stillDir, "still.png");
execFileSync(FFMPEG, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=768x1344", "-frames:v", "1", still]);

const sample: VideoInput = { prompt: "runner at dawn", durationSec: 2, image: { file: still, mimeType: "image/png" } };

describeProviderContract("local-kenburns (still)", () => localKenBurnsProvider, (init) => localContext(init), sample);
describeProviderContract(
  "local-kenburns (rendered clip)",
  () => localKenBurnsProvider,
  (init) => localContext({ ...init, options: localKenBurnsProvider.optionsSchema.parse({ renderClip: true }) }),
  sample,
);

async function start(input: VideoInput, options: Partial<LocalKenBurnsOptions> = {}) {
  const outputDir = await tempDir();
  const ctx = localContext({ signal: new AbortController().signal, outputDir, options: localKenBurnsProvider.optionsSchema.parse(options) });
  return localKenBurnsProvider.doStartVideo(input, ctx);
}

describe("local-kenburns", () => {
  it("declares that it needs the still from the image chain", () => {
    expect(localKenBurnsProvider.requiresImage).toBe(true);
  });

  it("by default hands back the still for the assembly to animate", async () => {
    const status = await start(sample);
    expect(status).toMatchObject({ status: "done", result: { mimeType: "image/png", durationSec: 2, costUsd: 0 } });
  });

  it("renderClip: a 1080x1920 H.264 clip of the asked length", async () => {
    const status = await start(sample, { renderClip: true });
    if (status.status !== "done") throw new Error("expected done");
    const probe = await ffprobe(status.result.file);
    expect(probe.streams[0]).toMatchObject({ codec_name: "h264", width: 1080, height: 1920 });
    expect(Number(probe.format.duration)).toBeCloseTo(2, 1);
  });

  it("without a still: invalid_request naming the image chain", async () => {
    const error = await start({ prompt: "x", durationSec: 2 }).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error) && error.code).toBe("invalid_request");
    expect(String(error)).toMatch(/image chain/);
  });
});
