import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type VideoInput, type VideoOperationHandle } from "../spec";
import { describeProviderContract } from "../spec/contract-kit";
import { type FakeGemini, startFakeGemini } from "../google/fake-server";
import { FFMPEG, ffprobe, googleContext, providerErrorOf, runAgainstFake, tempDir } from "../testing";
import { type GoogleVeoOptions, googleVeoProvider } from ".";

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini({ latencyMs: { video: 300, operation: 30 } });
});
afterAll(() => fake.close());
beforeEach(() => fake.clearFaults());

const stillDir = mkdtempSync(join(tmpdir(), "veo-still-"));
const still = join(stillDir, "still.png");
execFileSync(FFMPEG, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=72x128", "-frames:v", "1", still]);

const sample: VideoInput = { prompt: "A runner laces Stride shoes at dawn, slow push-in", durationSec: 4 };
const fast = { firstPollDelayMs: 100, pollIntervalMs: 50 } satisfies Partial<GoogleVeoOptions>;
const run = (input: VideoInput = sample, options: Partial<GoogleVeoOptions> = {}) => runAgainstFake(googleVeoProvider, input, fake.baseUrl, { ...fast, ...options });

describeProviderContract(
  "google-veo",
  () => googleVeoProvider,
  (init) => googleContext(fake.baseUrl, { ...init, options: googleVeoProvider.optionsSchema.parse(fast) }),
  sample,
  { abortMustReject: true, abortAfterMs: 50 },
);

describe("google-veo against the fake API (real SDK for polling and download)", () => {
  it("start returns a pending JSON handle at once; checks poll until done; the file is a 9:16 H.264 mp4", async () => {
    const outputDir = await tempDir();
    const ctx = googleContext(fake.baseUrl, { signal: new AbortController().signal, outputDir, options: googleVeoProvider.optionsSchema.parse(fast) });
    const started = Date.now();
    const start = await googleVeoProvider.doStartVideo(sample, ctx);
    expect(Date.now() - started).toBeLessThan(250); // never waits for the generation
    if (start.status !== "pending") throw new Error("expected pending");
    expect(start.nextPollInMs).toBe(100);
    let handle: VideoOperationHandle = JSON.parse(JSON.stringify(start.handle));
    expect(handle.id).toMatch(/^models\/veo-3\.1-fast-generate-preview\/operations\//);
    const first = await googleVeoProvider.doCheckVideo(handle, ctx); // 300 ms generation not over yet
    expect(first).toMatchObject({ status: "pending", handle: { pollCount: 1 }, nextPollInMs: 50 });
    await new Promise((r) => setTimeout(r, 350));
    handle = (first as { handle: VideoOperationHandle }).handle;
    const done = await googleVeoProvider.doCheckVideo(handle, ctx);
    if (done.status !== "done") throw new Error("expected done");
    const probe = await ffprobe(done.result.file);
    expect(probe.streams.find((s) => s.codec_type === "video")).toMatchObject({ codec_name: "h264", width: 720, height: 1280 });
    expect(done.result).toMatchObject({ mimeType: "video/mp4", durationSec: 4, costUsd: 0.6 });
  });

  it("image-to-video: the still travels as bytesBase64Encoded; 5 s snaps to 6 s with a warning", async () => {
    fake.resetCalls();
    const result = await run({ ...sample, durationSec: 5, image: { file: still, mimeType: "image/png" } });
    expect(fake.callsOf("video")[0]?.body).toMatchObject({
      instances: [{ prompt: sample.prompt, image: { mimeType: "image/png", bytesBase64Encoded: expect.stringMatching(/^(<\d+ chars>|[A-Za-z0-9+/=]+)$/) } }],
      parameters: { aspectRatio: "9:16", durationSeconds: 6, resolution: "720p" },
    });
    expect(result.durationSec).toBe(6);
    expect(result.warnings).toEqual([expect.objectContaining({ setting: "durationSec" })]);
  });

  it("a filtered video (raiMediaFilteredCount) -> content_filtered, not retryable", async () => {
    fake.setFault("video", { type: "filtered" });
    expect(await providerErrorOf(run())).toMatchObject({ code: "content_filtered", contentFiltered: true, retryable: false });
  });

  it("an HTML page instead of the video -> malformed_response", async () => {
    fake.setFault("video", { type: "html_video" });
    const error = await providerErrorOf(run());
    expect(error.code).toBe("malformed_response");
    expect(error.message).toMatch(/not a video.*DOCTYPE/);
  });

  it("an operation that never finishes -> timeout at the handle's deadline, not retryable", async () => {
    fake.setFault("video", { type: "never_finish" });
    const error = await providerErrorOf(run(sample, { operationTimeoutMs: 1000 }));
    expect(error).toMatchObject({ code: "timeout", retryable: false });
    expect(error.message).toMatch(/deadline/);
  });

  it("errors while polling map like any other call (503 on the operation GET)", async () => {
    fake.setFault("operation", { type: "unavailable" });
    expect(await providerErrorOf(run())).toMatchObject({ code: "unavailable", retryable: true, status: 503 });
  });

  it("a handle from another provider or a garbled handle -> invalid_request", async () => {
    const outputDir = await tempDir();
    const ctx = googleContext(fake.baseUrl, { signal: new AbortController().signal, outputDir, options: googleVeoProvider.optionsSchema.parse(fast) });
    const foreign = { providerId: "other", id: "x", startedAt: "", deadlineAt: "", pollCount: 0, data: {} };
    expect((await providerErrorOf(googleVeoProvider.doCheckVideo(foreign, ctx))).code).toBe("invalid_request");
    expect((await providerErrorOf(googleVeoProvider.doCheckVideo({ nope: 1 } as never, ctx))).code).toBe("invalid_request");
  });

  it("options: 1080p with a short clip falls back to 720p with a warning; bad options are rejected", async () => {
    const result = await run(sample, { resolution: "1080p" });
    expect(result.warnings.map((w) => w.setting)).toContain("resolution");
    expect(googleVeoProvider.optionsSchema.safeParse({ resolution: "4k" }).success).toBe(false);
  });
});
