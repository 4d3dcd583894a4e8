/** Bodies the fake answers with, in the real wire format (see the reference). */
import { randomBytes } from "node:crypto";
import { type Fault } from "./types";
import { IMAGE_SIZES, makePng, makeSpeechPcm } from "./media";
import { fillSchema } from "./schema-fill";

export type Json = Record<string, unknown>;

interface Part {
  text?: string;
  inlineData?: { mimeType?: string; data?: string };
}

export function promptText(body: Json): string {
  const contents = (body.contents ?? []) as { parts?: Part[] }[];
  return contents.flatMap((c) => c.parts ?? []).map((p) => p.text ?? "").join("\n").trim();
}

export function generationConfig(body: Json): Json {
  return (body.generationConfig ?? {}) as Json;
}

function usage(prompt: string, out: number) {
  const promptTokenCount = Math.ceil(prompt.length / 4);
  return { promptTokenCount, candidatesTokenCount: out, totalTokenCount: promptTokenCount + out };
}

function answer(model: string, parts: Part[], prompt: string, outTokens: number): Json {
  return {
    candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
    usageMetadata: usage(prompt, outTokens),
    modelVersion: model,
    responseId: randomBytes(9).toString("base64url"),
  };
}

/** A safety block: HTTP 200, no candidates, promptFeedback.blockReason. */
export function blockedAnswer(model: string, prompt: string): Json {
  return {
    promptFeedback: {
      blockReason: "SAFETY",
      safetyRatings: [{ category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true }],
    },
    usageMetadata: usage(prompt, 0),
    modelVersion: model,
    responseId: randomBytes(9).toString("base64url"),
  };
}

function topicOf(prompt: string): string {
  const product = /product:\s*([^\n]+)/i.exec(prompt)?.[1]?.trim();
  return product ?? prompt.split(/\s+/).slice(0, 4).join(" ") ?? "it";
}

export function textAnswer(model: string, body: Json, fault: Fault | undefined): Json {
  const prompt = promptText(body);
  const config = generationConfig(body);
  const wantsJson = config.responseMimeType === "application/json";
  if (!wantsJson) return answer(model, [{ text: `Fake answer to: ${prompt.slice(0, 80)}` }], prompt, 12);
  if (fault?.type === "malformed_json") {
    return answer(model, [{ text: '{"title": "Stride", "hook": "Stop scrolling", "scenes": [{"narration": "Lighter shoes' }], prompt, 20);
  }
  const schema = (config.responseSchema ?? config.responseJsonSchema ?? { type: "object", properties: { text: { type: "string" } } }) as Json;
  const arrayLengths = fault?.type === "scene_count" ? { scenes: fault.count } : undefined;
  const value = fillSchema(schema, { topic: topicOf(prompt), arrayLengths });
  const text = JSON.stringify(value);
  return answer(model, [{ text }], prompt, Math.ceil(text.length / 4));
}

export function imageAnswer(model: string, body: Json, seed: number, fault?: Fault): Json {
  const prompt = promptText(body);
  const aspect = String((generationConfig(body).imageConfig as Json | undefined)?.aspectRatio ?? "1:1");
  const [w, h] = fault?.type === "tiny_image" ? [64, 64] : (IMAGE_SIZES[aspect] ?? IMAGE_SIZES["1:1"]!);
  const full = makePng(w, h, seed);
  const png = fault?.type === "corrupt_image" ? full.subarray(0, Math.min(full.length, 100)) : full;
  return answer(model, [{ text: "Here is the image you asked for." }, { inlineData: { mimeType: "image/png", data: png.toString("base64") } }], prompt, 1290);
}

export function audioAnswer(model: string, body: Json, fault: Fault | undefined): Json {
  const prompt = promptText(body);
  // Like Gemini TTS, a leading delivery hint ("Say in a calm way:") is followed, not read out.
  const spoken = prompt.replace(/^say[^\n:]*:\s*\n/i, "");
  const speech = fault?.type === "empty_audio" ? Buffer.alloc(0) : makeSpeechPcm(spoken, 24000);
  const pcm = fault?.type === "silent_audio" ? Buffer.alloc(speech.length) : fault?.type === "noise_audio" ? noisePcm(speech.length / 2) : speech;
  const rate = fault?.type === "wrong_rate_audio" ? 8000 : 24000;
  const seconds = pcm.length / 48000;
  return answer(model, [{ inlineData: { mimeType: `audio/L16;codec=pcm;rate=${rate}`, data: pcm.toString("base64") } }], prompt, Math.ceil(seconds * 25));
}

/** White noise at about -10 dBFS RMS, 16-bit little-endian. */
function noisePcm(samples: number): Buffer {
  const buf = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) buf.writeInt16LE(Math.round((Math.random() * 2 - 1) * 0.55 * 32767), i * 2);
  return buf;
}

export function interactionAnswer(model: string, mp3: Buffer): Json {
  const now = new Date().toISOString();
  return {
    id: `int_${randomBytes(8).toString("hex")}`,
    object: "interaction",
    model,
    status: "completed",
    created: now,
    updated: now,
    steps: [{ type: "model_output", content: [{ type: "audio", mime_type: "audio/mp3", data: mp3.toString("base64") }] }],
  };
}

export const FILTERED_REASON =
  "Your request was blocked because it may violate our usage guidelines. Try rephrasing the prompt.";

export const HTML_ERROR_PAGE =
  "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 500 (Server Error)!!1</title><p><b>500.</b> <ins>That’s an error.</ins><p>There was an error. Please try again later.</html>";
