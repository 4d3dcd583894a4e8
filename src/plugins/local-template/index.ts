/** local-template: an offline script provider (and the script chain's fallback). */
import { z } from "zod";
import { type ScriptProvider, type ScriptResult, SPECIFICATION_VERSION, ScriptInputSchema, ScriptSchema, WORDS_PER_SECOND } from "../spec";
import { outputPath, writeFileAtomic } from "../shared/files";
import { guardLocal, parseWith } from "../shared/guard";
import { defaultTiming } from "../shared/coverage";
import { buildTemplateScript, hasPhrases } from "./template";

export const localTemplateOptionsSchema = z
  .object({
    /** Speaking pace used to size scenes when the input brings no measured timing. Default 2.6. */
    wordsPerSecond: z.number().min(1).max(5).default(WORDS_PER_SECOND),
  })
  .strict()
  .default({ wordsPerSecond: WORDS_PER_SECOND });
export type LocalTemplateOptions = z.infer<typeof localTemplateOptionsSchema>;

const ID = "local-template";

export const localTemplateProvider: ScriptProvider<LocalTemplateOptions> = {
  specificationVersion: SPECIFICATION_VERSION,
  id: ID,
  kind: "script",
  model: "template-v1",
  displayName: "Template script (offline)",
  optionsSchema: localTemplateOptionsSchema,
  costModel: { estimateUsd: () => 0, notes: "Runs locally; free." },
  maxConcurrency: 8,
  local: true,
  requiredSecrets: [],

  async doGenerateScript(rawInput, ctx): Promise<ScriptResult> {
    return guardLocal(ID, ctx.signal, async () => {
      const input = parseWith(ScriptInputSchema, rawInput, ID, "script input");
      const timing = input.timing ?? { ...defaultTiming(input.targetDurationSec), secPerChar: 1 / (ctx.options.wordsPerSecond * 6) };
      const draft = buildTemplateScript(input.campaign, input.targetDurationSec, timing, input.language);
      // Same schema as any remote script: the template must never emit what a provider would be blamed for.
      const script = parseWith(ScriptSchema, draft, ID, "template script", "malformed_response");
      const warnings = hasPhrases(input.language)
        ? []
        : [{ type: "unsupported-setting" as const, setting: "language", message: `${ID} has no fixed phrases in "${input.language}": the script is made of the campaign's own sentences` }];
      const file = outputPath(ctx.outputDir, ID, "json");
      await writeFileAtomic(file, JSON.stringify(script, null, 2));
      const durationSec = script.scenes.reduce((s, x) => s + x.durationSec, 0);
      return { file, mimeType: "application/json", durationSec, costUsd: 0, warnings, script };
    });
  },
};
