/**
 * The provider contract test kit. Any plugin's tests call
 *
 *   describeProviderContract("my-provider", () => myProvider, (init) => ({ ...init, secrets, logger, fetch, ffmpegPath }), sampleInput);
 *
 * and get the checks every provider must pass: version field, kind and
 * `do…` methods, options schema (defaults from undefined, garbage
 * rejected), a real generation whose file exists, is non-empty and matches
 * its mimeType, a non-negative cost, the abort signal honoured, and
 * failures thrown as ProviderError. Uses vitest; never import it from
 * application code.
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ProviderError } from "./errors";
import { type AssetResult, KIND_METHODS, type Provider, type ProviderContext, SPECIFICATION_VERSION } from "./provider";
import { ScriptSchema, VideoOperationHandleSchema } from "./schemas";

/** What the kit hands to `makeContext`: merge it into a full context. */
export interface ContractContextInit {
  signal: AbortSignal;
  /** A fresh temp dir per test. */
  outputDir: string;
  /** The provider's defaults (`optionsSchema.parse(undefined)`) unless the factory overrides them. */
  options: unknown;
}

export type ContractContextFactory = (init: ContractContextInit) => ProviderContext<unknown> | Promise<ProviderContext<unknown>>;

export interface ContractKitOptions {
  /** Upper bound for one generation (including video polling), ms. Default 60000. */
  generationTimeoutMs?: number;
  /** Cap on the wait between video checks in tests, ms. Default 250. */
  maxPollWaitMs?: number;
  /** Abort this long after starting the in-flight abort test, ms. Default 20. */
  abortAfterMs?: number;
  /**
   * The in-flight abort MUST reject (set when the call is known to take
   * longer than abortAfterMs, e.g. a fake server with latency). Default false:
   * a fast local provider may legitimately finish first.
   */
  abortMustReject?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the provider's generation method; for video, polls to completion with a JSON round trip of the handle. */
export async function runGeneration(provider: Provider, input: unknown, ctx: ProviderContext<unknown>, kit: ContractKitOptions = {}): Promise<AssetResult> {
  switch (provider.kind) {
    case "script":
      return provider.doGenerateScript(input as never, ctx);
    case "image":
      return provider.doGenerateImage(input as never, ctx);
    case "voiceover":
      return provider.doSynthesize(input as never, ctx);
    case "music":
      return provider.doGenerateMusic(input as never, ctx);
    case "video": {
      const deadline = Date.now() + (kit.generationTimeoutMs ?? 60_000);
      let status = await provider.doStartVideo(input as never, ctx);
      while (status.status === "pending") {
        if (Date.now() > deadline) throw new Error(`${provider.id}: video not done within the test deadline`);
        // The handle must survive a job payload: JSON out, JSON in, same schema.
        const handle = VideoOperationHandleSchema.parse(JSON.parse(JSON.stringify(status.handle)));
        expect(status.nextPollInMs).toBeGreaterThanOrEqual(0);
        await sleep(Math.min(status.nextPollInMs, kit.maxPollWaitMs ?? 250));
        status = await provider.doCheckVideo(handle, ctx);
      }
      return status.result;
    }
  }
}

/** Checks the first bytes against the declared mimeType. */
export function contentMatchesMimeType(bytes: Buffer, mimeType: string): boolean {
  const type = mimeType.split(";")[0]!.trim().toLowerCase();
  const ascii = (from: number, to: number) => bytes.toString("latin1", from, to);
  switch (type) {
    case "image/png":
      return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case "image/jpeg":
      return bytes[0] === 0xff && bytes[1] === 0xd8;
    case "image/webp":
      return ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP";
    case "audio/wav":
    case "audio/x-wav":
      return ascii(0, 4) === "RIFF" && ascii(8, 12) === "WAVE";
    case "audio/mpeg":
    case "audio/mp3":
      return ascii(0, 3) === "ID3" || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0);
    case "video/mp4":
      return ascii(4, 8) === "ftyp";
    case "application/json":
      try {
        JSON.parse(bytes.toString("utf8"));
        return true;
      } catch {
        return false;
      }
    default:
      return false;
  }
}

export function describeProviderContract(
  name: string,
  makeProvider: () => Provider | Promise<Provider>,
  makeContext: ContractContextFactory,
  sampleInput: unknown,
  kit: ContractKitOptions = {},
): void {
  describe(`provider contract: ${name}`, () => {
    const dirs: string[] = [];
    afterAll(async () => {
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    });

    async function context(signal: AbortSignal = new AbortController().signal): Promise<{ provider: Provider; ctx: ProviderContext<unknown> }> {
      const provider = await makeProvider();
      const outputDir = await mkdtemp(join(tmpdir(), `contract-${provider.id}-`));
      dirs.push(outputDir);
      const ctx = await makeContext({ signal, outputDir, options: provider.optionsSchema.parse(undefined) });
      return { provider, ctx };
    }

    it("declares the supported specification version", async () => {
      const provider = await makeProvider();
      expect(provider.specificationVersion).toBe(SPECIFICATION_VERSION);
    });

    it("declares id, kind, model, limits and implements its do… methods", async () => {
      const p = await makeProvider();
      expect(p.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(Object.keys(KIND_METHODS)).toContain(p.kind);
      expect(p.model).toBeTruthy();
      expect(p.displayName).toBeTruthy();
      expect(Number.isInteger(p.maxConcurrency) && p.maxConcurrency >= 1).toBe(true);
      expect(typeof p.local).toBe("boolean");
      expect(Array.isArray(p.requiredSecrets)).toBe(true);
      for (const method of KIND_METHODS[p.kind]) expect(typeof (p as unknown as Record<string, unknown>)[method]).toBe("function");
    });

    it("options schema: undefined gives defaults, garbage is rejected", async () => {
      const p = await makeProvider();
      expect(p.optionsSchema.safeParse(undefined).success).toBe(true);
      for (const garbage of [42, "garbage", [], { __notAnOption: true }]) {
        expect(p.optionsSchema.safeParse(garbage).success, `accepted ${JSON.stringify(garbage)}`).toBe(false);
      }
    });

    it("cost estimate is a finite, non-negative number with notes", async () => {
      const p = await makeProvider();
      const usd = p.costModel.estimateUsd(sampleInput as never, p.optionsSchema.parse(undefined));
      expect(Number.isFinite(usd) && usd >= 0).toBe(true);
      expect(p.costModel.notes).toBeTruthy();
    });

    it("generates: the file exists in outputDir, is non-empty and matches its mimeType", async () => {
      const { provider, ctx } = await context();
      const result = await runGeneration(provider, sampleInput, ctx, kit);
      expect(isAbsolute(result.file)).toBe(true);
      expect(dirname(result.file)).toBe(ctx.outputDir);
      expect((await stat(result.file)).size).toBeGreaterThan(0);
      expect(contentMatchesMimeType(await readFile(result.file), result.mimeType), `${result.mimeType} content`).toBe(true);
      expect(Number.isFinite(result.costUsd) && result.costUsd >= 0).toBe(true);
      expect(Array.isArray(result.warnings)).toBe(true);
      if (result.durationSec !== undefined) expect(result.durationSec).toBeGreaterThan(0);
      if (provider.kind === "script") expect(ScriptSchema.safeParse((result as { script?: unknown }).script).success).toBe(true);
      const words = (result as { words?: { start: number; end: number }[] }).words;
      for (const [i, w] of (words ?? []).entries()) {
        expect(w.end).toBeGreaterThanOrEqual(w.start);
        if (i > 0) expect(w.start).toBeGreaterThanOrEqual(words![i - 1]!.end);
        if (result.durationSec) expect(w.end).toBeLessThanOrEqual(result.durationSec + 0.01);
      }
    });

    it("an already aborted signal rejects with ProviderError('timeout')", async () => {
      const ac = new AbortController();
      ac.abort();
      const { provider, ctx } = await context(ac.signal);
      const error = await runGeneration(provider, sampleInput, ctx, kit).then(() => undefined, (e: unknown) => e);
      expect(ProviderError.isInstance(error), String(error)).toBe(true);
      expect((error as ProviderError).code).toBe("timeout");
    });

    it("an abort in flight settles promptly, as success or ProviderError('timeout')", async () => {
      const ac = new AbortController();
      const { provider, ctx } = await context(ac.signal);
      const started = Date.now();
      const settled = runGeneration(provider, sampleInput, ctx, kit).then(() => undefined, (e: unknown) => e);
      setTimeout(() => ac.abort(), kit.abortAfterMs ?? 20);
      const error = await settled;
      expect(Date.now() - started).toBeLessThan(5000);
      if (kit.abortMustReject) expect(error, "the call finished despite the abort").toBeDefined();
      if (error !== undefined) {
        expect(ProviderError.isInstance(error), String(error)).toBe(true);
        expect((error as ProviderError).code).toBe("timeout");
      }
    });

    it("invalid input rejects with ProviderError('invalid_request')", async () => {
      const { provider, ctx } = await context();
      const error = await runGeneration(provider, { nonsense: true }, ctx, kit).then(() => undefined, (e: unknown) => e);
      expect(ProviderError.isInstance(error), String(error)).toBe(true);
      expect((error as ProviderError).code).toBe("invalid_request");
      expect((error as ProviderError).providerId).toBe(provider.id);
    });
  });
}
