/** google-gemini-script: a Gemini model writes the script as JSON following a response schema. */
import { z } from "zod";
import { type ProviderWarning, type Script, type ScriptProvider, type ScriptResult, SPECIFICATION_VERSION, ScriptInputSchema, ScriptSchema } from "../spec";
import { defaultTiming, missingLines, says, scriptSec } from "../shared/coverage";
import { MAX_HEADLINE_WORDS, ctaHeadline, withHeadlines } from "../shared/headline";
import { outputPath, writeFileAtomic } from "../shared/files";
import { formatZodIssues, parseWith } from "../shared/guard";
import { GEMINI_API_KEY, checkGoogleCredentials, createGenAI, guardGoogle } from "../google/client";
import { lastMidnightPacific } from "../google/pacific-time";
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
  quotaWindowStart: lastMidnightPacific,

  doCheckCredentials: (ctx) => checkGoogleCredentials(ctx, ID, ctx.options.model),

  /**
   * One request; when the answer leaves out a must-say line or the call to action, or its
   * narration is too long for the voice, Gemini is asked once more, naming what was wrong.
   * What is still wrong after that is returned as warnings (the pipeline's coverage check adds
   * the missing lines verbatim and shortens the script; nothing is dropped silently).
   */
  async doGenerateScript(rawInput, ctx): Promise<ScriptResult> {
    return guardGoogle(ID, ctx, async (signal) => {
      const input = parseWith(ScriptInputSchema, rawInput, ID, "script input");
      const ai = createGenAI(ctx, ID, ctx.options.timeoutMs);
      const timing = input.timing ?? defaultTiming(input.targetDurationSec);
      let costUsd = 0;
      const ask = async (retry?: string[]) => {
        const response = await ai.models.generateContent({
          model: ctx.options.model,
          contents: [{ role: "user", parts: [{ text: scriptPrompt(input.campaign, input.targetDurationSec, input.language, timing, retry) }] }],
          config: {
            responseMimeType: "application/json",
            responseSchema: SCRIPT_RESPONSE_SCHEMA,
            temperature: ctx.options.temperature,
            abortSignal: signal,
          },
        });
        throwIfBlocked(response, ID);
        const u = response.usageMetadata;
        costUsd += u ? usd(u.promptTokenCount ?? 0, (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0)) : geminiScriptProvider.costModel.estimateUsd(input, ctx.options);
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
        return parsed.data;
      };
      const problems = (s: Script) => {
        const missing = missingLines(s, input.campaign);
        const sec = scriptSec(s, timing);
        return [
          ...missing.mustSay.map((m) => `the narration does not say ${JSON.stringify(m)} word for word`),
          ...(missing.cta ? [`the last scene does not say the call to action ${JSON.stringify(missing.cta)}`] : []),
          ...(sec > timing.budgetSec * 1.05 ? [`the narration takes about ${sec.toFixed(1)} s to say, at most ${timing.budgetSec.toFixed(1)} s fit: shorten it`] : []),
        ];
      };
      // Over-long headlines alone do not pay for a second request (they are shortened below), but a retry names them.
      const headlineProblems = (s: Script) =>
        s.scenes.flatMap((x, i) => (withHeadlines({ scenes: [x] }, input.language).changed.length ? [`scene ${i + 1}'s onScreenText ${JSON.stringify(x.onScreenText)} is not a headline of at most ${MAX_HEADLINE_WORDS} words`] : []));
      let script = await ask();
      const first = problems(script);
      const warnings: ProviderWarning[] = [];
      if (first.length) {
        const again = await ask([...first, ...headlineProblems(script)]);
        const second = problems(again);
        if (second.length <= first.length) script = again;
        for (const p of second.length <= first.length ? second : first) warnings.push({ type: "other", message: `asked twice, still: ${p}` });
      }

      // Enforced whatever the model wrote: every onScreenText a headline of at most MAX_HEADLINE_WORDS words.
      const headlines = withHeadlines(script, input.language);
      script = headlines.script;
      for (const c of headlines.changed) warnings.push({ type: "other", message: `scene ${c.scene + 1}: on-screen text ${JSON.stringify(c.from)} shortened to ${JSON.stringify(c.to)}` });
      // The closing scene shows the campaign's own call to action (its verb, offer and URL), not the model's paraphrase.
      const cta = input.campaign.callToAction;
      const last = script.scenes.at(-1);
      if (cta && last && says(last.narration, cta)) {
        const url = input.campaign.callToActionUrl;
        script = { ...script, scenes: [...script.scenes.slice(0, -1), { ...last, onScreenText: ctaHeadline(cta, { language: input.language, ...(url ? { url } : {}) }) }] };
      }

      const durationSec = script.scenes.reduce((s, x) => s + x.durationSec, 0);
      if (Math.abs(durationSec - input.targetDurationSec) > input.targetDurationSec * 0.25) {
        warnings.push({ type: "other", message: `scenes add up to ${durationSec} s for a ${input.targetDurationSec} s target` });
      }
      const file = outputPath(ctx.outputDir, ID, "json");
      await writeFileAtomic(file, JSON.stringify(script, null, 2));
      return { file, mimeType: "application/json", durationSec, costUsd, warnings, script };
    });
  },
};
