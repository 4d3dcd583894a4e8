/** google-gemini-script: a Gemini model writes the script as JSON following a response schema. */
import { z } from "zod";
import { type ProviderWarning, type ScriptProvider, type ScriptResult, SPECIFICATION_VERSION, ScriptInputSchema, ScriptSchema } from "../spec";
import { outputPath, writeFileAtomic } from "../shared/files";
import { formatZodIssues, parseWith } from "../shared/guard";
import { GEMINI_API_KEY, checkGoogleCredentials, createGenAI, guardGoogle } from "../google/client";
import { malformed, throwIfBlocked } from "../google/response";
import { SCRIPT_RESPONSE_SCHEMA, scriptPrompt } from "./prompt";

export const geminiScriptOptionsSchema = z
  .object({
    /** Default "gemini-2.5-flash". */
    model: z.string().min(1).default("gemini-2.5-flash"),
    /** Default 0.8. */
    temperature: z.number().min(0).max(2).default(0.8),
    /** Per-request timeout, ms. Default 60000. */
    timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
  })
  .strict()
  .default({ model: "gemini-2.5-flash", temperature: 0.8, timeoutMs: 60_000 });
export type GeminiScriptOptions = z.infer<typeof geminiScriptOptionsSchema>;

const ID = "google-gemini-script";
/** gemini-2.5-flash list prices (USD per million tokens), read 2026-11. */
const USD_PER_M_INPUT = 0.3;
const USD_PER_M_OUTPUT = 2.5;

const usd = (input: number, output: number) => (input * USD_PER_M_INPUT + output * USD_PER_M_OUTPUT) / 1e6;

export const geminiScriptProvider: ScriptProvider<GeminiScriptOptions> = {
  specificationVersion: SPECIFICATION_VERSION,
  id: ID,
  kind: "script",
  model: "gemini-2.5-flash",
  displayName: "Gemini script",
  optionsSchema: geminiScriptOptionsSchema,
  costModel: {
    // ~600 prompt tokens; output ~ 1.6 tokens per narration word plus structure.
    estimateUsd: (input) => usd(600, 300 + (input.targetDurationSec ?? 30) * 2.6 * 1.6 * 2),
    notes: `gemini-2.5-flash: $${USD_PER_M_INPUT}/M input, $${USD_PER_M_OUTPUT}/M output tokens (list price, 2026-11).`,
  },
  maxConcurrency: 4,
  local: false,
  requiredSecrets: [GEMINI_API_KEY],

  doCheckCredentials: (ctx) => checkGoogleCredentials(ctx, ID, ctx.options.model),

  async doGenerateScript(rawInput, ctx): Promise<ScriptResult> {
    return guardGoogle(ID, ctx, async (signal) => {
      const input = parseWith(ScriptInputSchema, rawInput, ID, "script input");
      const ai = createGenAI(ctx, ID, ctx.options.timeoutMs);
      const response = await ai.models.generateContent({
        model: ctx.options.model,
        contents: [{ role: "user", parts: [{ text: scriptPrompt(input.campaign, input.targetDurationSec, input.language) }] }],
        config: {
          responseMimeType: "application/json",
          responseSchema: SCRIPT_RESPONSE_SCHEMA,
          temperature: ctx.options.temperature,
          abortSignal: signal,
        },
      });
      throwIfBlocked(response, ID);
      const text = response.text;
      if (!text?.trim()) throw malformed(ID, "empty answer");
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw malformed(ID, `answer is not JSON: ${text.slice(0, 80)}`, e);
      }
      const parsed = ScriptSchema.safeParse(json);
      if (!parsed.success) throw malformed(ID, `script does not fit the schema: ${formatZodIssues(parsed.error)}`, parsed.error);
      const script = parsed.data;

      const warnings: ProviderWarning[] = [];
      const durationSec = script.scenes.reduce((s, x) => s + x.durationSec, 0);
      if (Math.abs(durationSec - input.targetDurationSec) > input.targetDurationSec * 0.25) {
        warnings.push({ type: "other", message: `scenes add up to ${durationSec} s for a ${input.targetDurationSec} s target` });
      }
      const u = response.usageMetadata;
      const costUsd = u ? usd(u.promptTokenCount ?? 0, (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0)) : geminiScriptProvider.costModel.estimateUsd(input, ctx.options);
      const file = outputPath(ctx.outputDir, ID, "json");
      await writeFileAtomic(file, JSON.stringify(script, null, 2));
      return { file, mimeType: "application/json", durationSec, costUsd, warnings, script };
    });
  },
};
