/**
 * Issue 13, item 3: every local (offline) provider is deterministic: the same input gives the same bytes, so the
 * render's caches (encoded segments keyed by their sources' content hashes) hit on a re-render of a campaign without
 * photos. Each provider runs twice into separate output directories and the files are compared byte for byte; a
 * changed input must change the bytes (else the comparison would pass for a provider that ignores its input).
 */
import { readFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FFMPEG, localContext, tempDir } from "./testing";
import { localCardProvider } from "./local-card";
import { localKenBurnsProvider } from "./local-kenburns";
import { localMusicProvider } from "./local-music";
import { localVoiceProvider } from "./local-voice";

const ctx = async <O>(options: O) => localContext({ signal: new AbortController().signal, outputDir: await tempDir("determinism-"), options });

async function twice(make: (variant: boolean) => Promise<string>): Promise<{ a: Buffer; b: Buffer; other: Buffer }> {
  const a = await readFile(await make(false));
  const b = await readFile(await make(false));
  const other = await readFile(await make(true));
  return { a, b, other };
}

function expectDeterministic({ a, b, other }: { a: Buffer; b: Buffer; other: Buffer }) {
  expect(a.length).toBeGreaterThan(1000);
  expect(a.equals(b)).toBe(true);
  expect(a.equals(other)).toBe(false);
}

describe("local providers: same input, same bytes", () => {
  it("local-card (designed background)", async () => {
    expectDeterministic(
      await twice(async (v) => {
        const c = await ctx(localCardProvider.optionsSchema.parse(undefined));
        return (await localCardProvider.doGenerateImage({ prompt: v ? "Trail shoes" : "Road shoes", brandColor: "#e63946" }, c)).file;
      }),
    );
  });

  it.each(["flite", "espeak-ng"] as const)("local-voice (%s)", async (engine) => {
    expectDeterministic(
      await twice(async (v) => {
        const c = await ctx(localVoiceProvider.optionsSchema.parse({ engine }));
        return (await localVoiceProvider.doSynthesize({ text: v ? "Try Stride today." : "Meet Stride, lighter shoes." }, c)).file;
      }),
    );
  });

  it("local-music", async () => {
    expectDeterministic(
      await twice(async (v) => {
        const c = await ctx(localMusicProvider.optionsSchema.parse(undefined));
        return (await localMusicProvider.doGenerateMusic({ mood: v ? "calm" : "upbeat", durationSec: 4 }, c)).file;
      }),
    );
  });

  it("local-kenburns (rendered clip)", async () => {
    const dir = await tempDir("determinism-still-");
    const still = join(dir, "still.png");
    execFileSync(FFMPEG, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=768x1344", "-frames:v", "1", still]);
    expectDeterministic(
      await twice(async (v) => {
        const c = await ctx(localKenBurnsProvider.optionsSchema.parse({ renderClip: true }));
        const status = await localKenBurnsProvider.doStartVideo({ prompt: "x", durationSec: v ? 1.5 : 1, image: { file: still, mimeType: "image/png" } }, c);
        if (status.status !== "done") throw new Error("expected done");
        return status.result.file;
      }),
    );
  });
});
