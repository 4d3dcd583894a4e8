/** Types of the fake Gemini API: call kinds, faults and the call log. */

/**
 * What a request is, as the fake sees it:
 * - script: generateContent asking for JSON; text: plain generateContent
 * - image / voiceover: generateContent with responseModalities IMAGE / AUDIO
 * - video: predictLongRunning; operation: GET of an operation; download: file download
 * - music: POST interactions; models: GET models/{model} (credential checks)
 */
export const CALL_KINDS = ["script", "text", "image", "voiceover", "video", "operation", "download", "music", "models"] as const;
export type CallKind = (typeof CALL_KINDS)[number];

export type Fault =
  /** 429 RESOURCE_EXHAUSTED with a per-minute QuotaFailure and RetryInfo. */
  | { type: "quota_minute"; retryDelaySec?: number }
  /** 429 RESOURCE_EXHAUSTED with a per-day QuotaFailure (and a misleading short RetryInfo). */
  | { type: "quota_day" }
  /** 503 UNAVAILABLE "The model is overloaded". */
  | { type: "unavailable" }
  /** 500 INTERNAL. */
  | { type: "internal" }
  /** 400 API_KEY_INVALID, whatever key was sent. */
  | { type: "bad_key" }
  /** 403 PERMISSION_DENIED. */
  | { type: "permission_denied" }
  /** 400 INVALID_ARGUMENT. */
  | { type: "invalid_argument"; message?: string }
  /** video: the operation ends with raiMediaFilteredCount; other kinds: promptFeedback.blockReason SAFETY. */
  | { type: "filtered" }
  /** script/text: the model's text is not JSON. */
  | { type: "malformed_json" }
  /** script: arrays named `scenes` get this many items (0, 200…). */
  | { type: "scene_count"; count: number }
  /** voiceover/music: audio inlineData with 0 bytes. */
  | { type: "empty_audio" }
  /** voiceover: valid L16 PCM of the right length, all zeros (a TTS that returns silence). */
  | { type: "silent_audio" }
  /** voiceover: valid L16 PCM of the right length, white noise. */
  | { type: "noise_audio" }
  /** voiceover: the speech at 24 kHz declared as `rate=8000` (plays three times slower). */
  | { type: "wrong_rate_audio" }
  /** image: a valid 64x64 PNG (too small to frame). */
  | { type: "tiny_image" }
  /** image: a PNG cut short after its header. */
  | { type: "corrupt_image" }
  /** video: a 1 s clip whatever duration was asked. */
  | { type: "short_video" }
  /** video: the file download serves an HTML error page with status 200. */
  | { type: "html_video" }
  /** video: the operation never reports done. */
  | { type: "never_finish" };

export type FaultType = Fault["type"];

export interface FaultRule {
  fault: Fault;
  /** Only for this model. Default: any model. */
  model?: string;
  /** Apply this many times, then disappear. Default: until cleared. */
  times?: number;
}

export interface CallRecord {
  kind: CallKind;
  method: string;
  /** Path without the query string, e.g. /v1beta/models/gemini-2.5-flash:generateContent */
  path: string;
  apiVersion: string;
  model?: string;
  status: number;
  fault?: FaultType;
  /** The JSON request body, with long strings (base64 media) shortened to "<N chars>". */
  body?: unknown;
  /** ms since epoch */
  startedAt: number;
  endedAt: number;
}

export interface FakeGeminiOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Accepted key. Default: any non-empty key. A different key gets 400 API_KEY_INVALID; none gets 403. */
  apiKey?: string;
  /**
   * Added latency per call kind, ms. For `video` it is the generation time:
   * predictLongRunning answers at once and the operation is done after it.
   * Default 0 everywhere except video (1000).
   */
  latencyMs?: Partial<Record<CallKind, number>>;
  /** Faults active from the start. */
  faults?: Partial<Record<CallKind, Fault | FaultRule>>;
  /** ffmpeg used to make the mp4 and mp3. Default /usr/bin/ffmpeg. */
  ffmpegPath?: string;
}
