/** Reading generateContent answers: safety blocks and inline media parts. */
import { type GenerateContentResponse } from "@google/genai";
import { ProviderError } from "../spec";

/** Finish reasons that mean a safety/policy filter stopped the output. */
const FILTER_FINISH_REASONS = new Set(["SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "RECITATION"]);

/**
 * Safety blocks arrive as HTTP 200 (promptFeedback.blockReason or a
 * filtering finishReason). Throws ProviderError('content_filtered') then.
 */
export function throwIfBlocked(response: GenerateContentResponse, providerId: string): void {
  const blockReason = response.promptFeedback?.blockReason;
  const finishReason = response.candidates?.[0]?.finishReason;
  const reason = blockReason ?? (finishReason && FILTER_FINISH_REASONS.has(finishReason) ? finishReason : undefined);
  if (reason) {
    throw new ProviderError({ code: "content_filtered", providerId, message: `${providerId}: blocked by a safety filter (${reason})` });
  }
}

export interface InlineMedia {
  mimeType: string;
  data: Buffer;
}

/** The first inline part whose mimeType starts with `prefix` ("image/", "audio/"). */
export function firstInlineMedia(response: GenerateContentResponse, prefix: string): InlineMedia | undefined {
  for (const part of response.candidates?.[0]?.content?.parts ?? []) {
    const inline = part.inlineData;
    if (inline?.mimeType?.toLowerCase().startsWith(prefix)) {
      return { mimeType: inline.mimeType, data: Buffer.from(inline.data ?? "", "base64") };
    }
  }
  return undefined;
}

export function malformed(providerId: string, what: string, cause?: unknown): ProviderError {
  return new ProviderError({ code: "malformed_response", providerId, message: `${providerId}: ${what}`, cause });
}
