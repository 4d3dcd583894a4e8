/**
 * The Reelfarm provider contract, version "reelfarm-provider-v1".
 *
 * Glossary
 * - provider: a plugin that produces one kind of asset (a script, an image,
 *   a video clip, a voiceover, a music track) from one model. Identified by
 *   `id` ("google-veo", "local-voice"). A pure adapter: it knows nothing of
 *   Prisma, the job queue or process.env; all it needs arrives in a context.
 * - kind: what a provider produces: script | image | video | voiceover | music.
 * - asset: one generated file of a render (the music, the voiceover, one
 *   scene's clip or still). Providers write it; services record it.
 * - context: the per-call bag a provider receives (secrets, logger, fetch,
 *   abort signal, output directory, ffmpeg path, validated options).
 * - provider options: `providerOptions[providerId]`, the provider's own
 *   slice of settings, validated by its `optionsSchema`.
 * - chain: the ordered providers tried for a kind; the next one is the
 *   fallback of the one before (e.g. google-veo → local-kenburns).
 * - operation handle: the JSON-serialisable state of a long generation
 *   (Veo). Start returns it; a later job checks it. Nothing sleeps.
 * - warning: a setting the provider could not honour; reported, not thrown.
 * - cost model: the provider's estimate, in USD, of what a request costs.
 *
 * Methods a plugin implements are prefixed `do…`: application code calls
 * them through services (breaker, retries, recording), never directly.
 */
import { type z } from "zod";
import {
  type ImageInput,
  type MusicInput,
  type ProviderWarning,
  type Script,
  type ScriptInput,
  type VideoInput,
  type VideoOperationHandle,
  type VoiceoverInput,
  type WordTiming,
} from "./schemas";

export const SPECIFICATION_VERSION = "reelfarm-provider-v1" as const;
export type SpecificationVersion = typeof SPECIFICATION_VERSION;

export const PROVIDER_KINDS = ["script", "image", "video", "voiceover", "music"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export interface ProviderLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ProviderContext<Options = unknown> {
  /** Secrets by name (e.g. GEMINI_API_KEY). Only what the caller chose to pass. */
  secrets: Readonly<Record<string, string | undefined>>;
  logger: ProviderLogger;
  /** The fetch to use for every HTTP call (lets tests and proxies intercept). */
  fetch: typeof globalThis.fetch;
  /** Aborting it MUST end network calls and kill child processes promptly. */
  signal: AbortSignal;
  /** Absolute directory, already created, where the provider writes its output file. */
  outputDir: string;
  /** Absolute path of ffmpeg (FFMPEG_PATH, default /usr/bin/ffmpeg). */
  ffmpegPath: string;
  /** The provider's options, already validated by its optionsSchema. */
  options: Options;
  /** API base URL override (a fake server in tests and demos). Default: the provider's real endpoint. */
  baseUrl?: string;
}

/** What every generation returns. The file lives in `ctx.outputDir`. */
export interface AssetResult {
  /** Absolute path of the written file. */
  file: string;
  mimeType: string;
  durationSec?: number;
  /** Estimated cost of this call in USD (0 for local providers). */
  costUsd: number;
  warnings: ProviderWarning[];
}

export interface ScriptResult extends AssetResult {
  /** Validated script; `file` holds the same as JSON. */
  script: Script;
}

export interface VoiceoverResult extends AssetResult {
  /** Per-word timings (exact or estimated), for captions. */
  words?: WordTiming[];
  /**
   * Runs of the text the voice could not pronounce and left out (each also named in a warning), e.g.
   * a Japanese product name in an English line for an English-only voice. The asset check expects
   * voiced time for the rest only; the captions still show the whole line.
   */
  unspoken?: string[];
}

/**
 * A video result. `mimeType` video/* is a clip; image/* is a still to be
 * animated (Ken Burns) by the assembly in place of a clip.
 */
export type VideoResult = AssetResult;

export type VideoStatus =
  | { status: "pending"; handle: VideoOperationHandle; /** Suggested delay before the next doCheckVideo. */ nextPollInMs: number }
  | { status: "done"; result: VideoResult };

export interface CostModel<Input, Options> {
  /** Estimated USD for one request; never negative. */
  estimateUsd(input: Input, options: Options): number;
  /** Where the prices come from (and when they were read). */
  notes: string;
}

interface ProviderBase<Kind extends ProviderKind, Input, Options> {
  readonly specificationVersion: SpecificationVersion;
  /** Unique, stable, kebab-case; also the key in providerOptions. */
  readonly id: string;
  readonly kind: Kind;
  /** Default model; an options field may override it. */
  readonly model: string;
  readonly displayName: string;
  /** Validates `providerOptions[id]`; `undefined` MUST parse to the defaults. */
  readonly optionsSchema: z.ZodType<Options>;
  readonly costModel: CostModel<Input, Options>;
  /**
   * Optional. The parts of `input` that decide the output, as the provider's API receives them
   * (e.g. Veo's duration snapped to 4, 6 or 8 s), for content-addressed reuse: two inputs with
   * equal request keys must get interchangeable outputs. Pure; file fields stay as given (the
   * host names files by their sha256). Default: the input itself.
   */
  requestKey?(input: Input, options: Options): unknown;
  /** Upper bound of simultaneous calls per worker process. */
  readonly maxConcurrency: number;
  /** True if it runs on this machine with no network. */
  readonly local: boolean;
  /** Secret names that must be non-empty for the provider to count as configured. */
  readonly requiredSecrets: readonly string[];
  /**
   * When the daily quota window holding `now` began (Gemini: the last midnight Pacific). The
   * breaker sends one first-call probe per window before letting the other calls out. Absent: no
   * daily quota (local providers), no probe.
   */
  quotaWindowStart?(now: Date): Date;
  /** Optional cheap start-up check of credentials; throws ProviderError('auth') on a bad key. */
  doCheckCredentials?(ctx: ProviderContext<Options>): Promise<void>;
}

export interface ScriptProvider<Options = unknown> extends ProviderBase<"script", ScriptInput, Options> {
  doGenerateScript(input: ScriptInput, ctx: ProviderContext<Options>): Promise<ScriptResult>;
}

export interface ImageProvider<Options = unknown> extends ProviderBase<"image", ImageInput, Options> {
  doGenerateImage(input: ImageInput, ctx: ProviderContext<Options>): Promise<AssetResult>;
}

export interface VideoProvider<Options = unknown> extends ProviderBase<"video", VideoInput, Options> {
  /** True if `input.image` (the scene's still, from the image chain) is mandatory. */
  readonly requiresImage: boolean;
  /** Starts a generation. A provider that is fast MAY return "done" at once. */
  doStartVideo(input: VideoInput, ctx: ProviderContext<Options>): Promise<VideoStatus>;
  /** Checks once, never waits. Past the handle's deadline it throws ProviderError('timeout'). */
  doCheckVideo(handle: VideoOperationHandle, ctx: ProviderContext<Options>): Promise<VideoStatus>;
}

export interface VoiceoverProvider<Options = unknown> extends ProviderBase<"voiceover", VoiceoverInput, Options> {
  /** Voice names it accepts in `input.voice`; others give a warning and the default voice. */
  readonly voices: readonly string[];
  /**
   * Whether it can speak a BCP-47 language tag with these options (a cheap local check, no
   * network): the queue refuses a campaign no provider of the chain can speak.
   */
  speaks(language: string, options: Options): boolean;
  doSynthesize(input: VoiceoverInput, ctx: ProviderContext<Options>): Promise<VoiceoverResult>;
}

export interface MusicProvider<Options = unknown> extends ProviderBase<"music", MusicInput, Options> {
  doGenerateMusic(input: MusicInput, ctx: ProviderContext<Options>): Promise<AssetResult>;
}

export type Provider<Options = unknown> =
  | ScriptProvider<Options>
  | ImageProvider<Options>
  | VideoProvider<Options>
  | VoiceoverProvider<Options>
  | MusicProvider<Options>;

/** Maps a kind to its provider type, e.g. ProviderOfKind<"video"> = VideoProvider. */
export type ProviderOfKind<K extends ProviderKind> = Extract<Provider, { kind: K }>;

/** The `do…` method(s) each kind must implement (exhaustive over kinds). */
export const KIND_METHODS: { [K in ProviderKind]: readonly string[] } = {
  script: ["doGenerateScript"],
  image: ["doGenerateImage"],
  video: ["doStartVideo", "doCheckVideo"],
  voiceover: ["doSynthesize"],
  music: ["doGenerateMusic"],
};
