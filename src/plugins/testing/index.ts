/** Test support for plugin tests: contexts, a quiet logger, ffprobe. Not for application code. */
import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { type AssetResult, type Provider, type ProviderContext, ProviderError, type ProviderLogger } from "../spec";
import { type ContractContextInit, runGeneration } from "../spec/contract-kit";
import { GEMINI_API_KEY } from "../google/client";

export const FFMPEG = process.env.FFMPEG_PATH ?? "/usr/bin/ffmpeg";
export const FFPROBE = join(dirname(FFMPEG), "ffprobe");
export const TEST_API_KEY = "test-key";

export const quietLogger: ProviderLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A context for local providers. */
export function localContext<O>(init: ContractContextInit & { options: O }): ProviderContext<O> {
  return { secrets: {}, logger: quietLogger, fetch: globalThis.fetch, ffmpegPath: FFMPEG, ...init };
}

/** A context for Google providers pointed at a fake server. */
export function googleContext<O>(baseUrl: string, init: ContractContextInit & { options: O }, apiKey = TEST_API_KEY): ProviderContext<O> {
  return { secrets: { [GEMINI_API_KEY]: apiKey }, logger: quietLogger, fetch: globalThis.fetch, ffmpegPath: FFMPEG, baseUrl, ...init };
}

export async function tempDir(prefix = "plugin-test-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export interface ProbeResult {
  format: { format_name: string; duration?: string };
  streams: { codec_type: string; codec_name: string; width?: number; height?: number; sample_rate?: string; channels?: number }[];
}

export async function ffprobe(file: string): Promise<ProbeResult> {
  const { stdout } = await promisify(execFile)(FFPROBE, ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", file]);
  return JSON.parse(stdout) as ProbeResult;
}

/** One generation of a Google provider against a fake server (video polled to completion). */
export async function runAgainstFake(provider: Provider, input: unknown, baseUrl: string, options?: unknown, apiKey = TEST_API_KEY): Promise<AssetResult> {
  const outputDir = await tempDir();
  const ctx = googleContext(baseUrl, { signal: new AbortController().signal, outputDir, options: provider.optionsSchema.parse(options) }, apiKey);
  return runGeneration(provider, input, ctx, { maxPollWaitMs: 50 });
}

/** The ProviderError a promise rejects with (fails the test on success or on another error type). */
export async function providerErrorOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!ProviderError.isInstance(error)) throw new Error(`expected a ProviderError, got ${error === undefined ? "success" : String(error)}`);
  return error;
}

/**
 * Seconds of `file`'s audio between `startSec` and `startSec + durationSec` whose 50 ms RMS is
 * above `thresholdDb` dBFS: decoded to mono 16 kHz PCM and measured here, independently of the
 * silencedetect the app itself uses.
 */
export async function voicedSeconds(file: string, startSec = 0, durationSec?: number, thresholdDb = -40): Promise<number> {
  const window = durationSec === undefined ? [] : ["-t", String(durationSec)];
  const pcm = await new Promise<Buffer>((resolve, reject) =>
    execFile(FFMPEG, ["-v", "error", "-ss", String(startSec), ...window, "-i", file, "-vn", "-ac", "1", "-ar", "16000", "-f", "s16le", "-"], { encoding: "buffer", maxBuffer: 1 << 28 }, (e, out) =>
      e ? reject(e) : resolve(out),
    ),
  );
  const frame = 800; // 50 ms at 16 kHz
  let voiced = 0;
  for (let i = 0; i + frame * 2 <= pcm.length; i += frame * 2) {
    let sum = 0;
    for (let k = 0; k < frame; k++) {
      const s = pcm.readInt16LE(i + k * 2) / 32768;
      sum += s * s;
    }
    if (10 * Math.log10(sum / frame + 1e-12) > thresholdDb) voiced += 0.05;
  }
  return voiced;
}
