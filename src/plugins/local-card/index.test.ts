import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLATE_CONTRAST, contrastRatio } from "~/render/design";
import { describe, expect, it } from "vitest";
import { type ImageInput, ProviderError } from "../spec";
import { describeProviderContract } from "../spec/contract-kit";
import { FFMPEG, ffprobe, localContext, tempDir } from "../testing";
import { localCardProvider } from ".";

const sample: ImageInput = { prompt: "Stride running shoes on a track", brandColor: "#e63946" };

describeProviderContract("local-card", () => localCardProvider, (init) => localContext(init), sample);

const uploadDir = mkdtempSync(join(tmpdir(), "card-upload-"));
const upload = join(uploadDir, "wide upload (1).jpg");
execFileSync(FFMPEG, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=1000x500", "-frames:v", "1", upload]);

async function generate(input: ImageInput) {
  const outputDir = await tempDir();
  const ctx = localContext({ signal: new AbortController().signal, outputDir, options: localCardProvider.optionsSchema.parse(undefined) });
  return localCardProvider.doGenerateImage(input, ctx);
}

describe("local-card output", () => {
  it("a 1080x1920 PNG brand card", async () => {
    const result = await generate(sample);
    expect((await ffprobe(result.file)).streams[0]).toMatchObject({ codec_name: "png", width: 1080, height: 1920 });
  });

  it("a designed card is deterministic: the same input gives the same bytes, another scene another design", async () => {
    const { readFile } = await import("node:fs/promises");
    const a = await readFile((await generate(sample)).file);
    const b = await readFile((await generate(sample)).file);
    expect(Buffer.compare(a, b)).toBe(0);
    const other = await readFile((await generate({ ...sample, prompt: "Stride running shoes on a trail" })).file);
    expect(Buffer.compare(a, other)).not.toBe(0);
  });

  it("a designed card is not flat: brand-coloured, with shapes and a gradient across it, and stands apart from the brand-colour plate", async () => {
    const result = await generate(sample);
    const rgb = execFileSync(FFMPEG, ["-v", "error", "-i", result.file, "-vf", "scale=27:48:flags=area,format=rgb24", "-f", "rawvideo", "-"]);
    const px = (x: number, y: number) => [...rgb.subarray((y * 27 + x) * 3, (y * 27 + x) * 3 + 3)];
    const lum = (p: number[]) => 0.2126 * p[0]! + 0.7152 * p[1]! + 0.0722 * p[2]!;
    const values = Array.from({ length: 27 * 48 }, (_, i) => lum(px(i % 27, Math.floor(i / 27))));
    const spread = Math.max(...values) - Math.min(...values);
    // A mid-tone brand colour (#e63946) leaves the background little room (it must stay 3:1 from the plate).
    expect(spread).toBeGreaterThan(10);
    const hex = (p: number[]) => `#${p.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
    for (let i = 0; i < 27 * 48; i += 7) expect(contrastRatio(hex(px(i % 27, Math.floor(i / 27))), "#e63946")).toBeGreaterThanOrEqual(PLATE_CONTRAST);
    // Red dominates (brand #e63946) in the middle.
    const [r, g, b] = px(13, 24);
    expect(r).toBeGreaterThan(g!);
    expect(r).toBeGreaterThan(b!);
  });

  it("the uploaded image scaled to cover 9:16 (and 1:1)", async () => {
    const tall = await generate({ prompt: "x", referenceImage: { file: upload, mimeType: "image/jpeg" } });
    expect((await ffprobe(tall.file)).streams[0]).toMatchObject({ width: 1080, height: 1920 });
    const square = await generate({ prompt: "x", aspectRatio: "1:1", referenceImage: { file: upload, mimeType: "image/jpeg" } });
    expect((await ffprobe(square.file)).streams[0]).toMatchObject({ width: 1080, height: 1080 });
  });

  it("a missing upload is invalid_request", async () => {
    const error = await generate({ prompt: "x", referenceImage: { file: "/nope/missing.png", mimeType: "image/png" } }).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error) && error.code).toBe("invalid_request");
  });

  it("rejects a colour that is not #rrggbb (nothing reaches the filter string)", async () => {
    const error = await generate({ prompt: "x", brandColor: "red:x=1" }).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error) && error.code).toBe("invalid_request");
  });
});

describe("local-card without ffmpeg", () => {
  it("fails with a ProviderError that says how to install ffmpeg", async () => {
    const outputDir = await tempDir();
    const ctx = { ...localContext({ signal: new AbortController().signal, outputDir, options: localCardProvider.optionsSchema.parse(undefined) }), ffmpegPath: "/nonexistent/ffmpeg" };
    const error = await localCardProvider.doGenerateImage(sample, ctx).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/apt-get install ffmpeg/);
  });
});
