/**
 * Which providers make each kind of asset, in fallback order, and the context each call gets.
 * Google providers join a chain only when GEMINI_API_KEY is set; the local ones always end it,
 * so a render never depends on the network.
 */
import { env } from "~/env";
import { findFfmpeg } from "~/render/ffmpeg";
import { type Provider, type ProviderContext, type ProviderKind, type ProviderLogger } from "~/plugins/spec";
import { createDefaultRegistry, type ProviderRegistry } from "~/plugins/registry";

let registry: ProviderRegistry | undefined;

export function providerRegistry(): ProviderRegistry {
  registry ??= createDefaultRegistry();
  return registry;
}

function secrets(): Record<string, string | undefined> {
  return { GEMINI_API_KEY: env().GEMINI_API_KEY };
}

/** Only the secrets `provider` declares in `requiredSecrets` (a local provider gets none). */
export function secretsFor(provider: Pick<Provider, "requiredSecrets">): Record<string, string | undefined> {
  const all = secrets();
  return Object.fromEntries(provider.requiredSecrets.filter((k) => k in all).map((k) => [k, all[k]]));
}

/** The configured providers for `kind`, best first, local fallback last. */
export function providerChain(kind: ProviderKind): Provider[] {
  return providerRegistry().chain(kind, secrets());
}

export function getProvider(id: string): Provider {
  return providerRegistry().get(id);
}

/**
 * Validates every provider's slice of PROVIDER_OPTIONS (unknown ids included): called at worker
 * start so a typo stops start-up with a message naming the provider and field.
 */
export function checkProviderOptions(): void {
  const reg = providerRegistry();
  for (const [id, raw] of Object.entries(env().PROVIDER_OPTIONS)) reg.parseOptions(reg.get(id), raw);
}

export function providerContext(
  provider: Provider,
  opts: { signal: AbortSignal; outputDir: string; logger: ProviderLogger; rawOptions?: unknown; fetch?: typeof globalThis.fetch },
): ProviderContext {
  return {
    secrets: secretsFor(provider),
    logger: opts.logger,
    fetch: opts.fetch ?? globalThis.fetch,
    signal: opts.signal,
    outputDir: opts.outputDir,
    ffmpegPath: findFfmpeg().ffmpeg,
    options: providerRegistry().parseOptions(provider, opts.rawOptions ?? env().PROVIDER_OPTIONS[provider.id]),
    baseUrl: provider.local ? undefined : env().GEMINI_BASE_URL,
  };
}

/** Each configured voiceover provider, in chain order, and whether it can speak `language` with its options. */
export function voiceoverSpeakers(language: string): { id: string; speaks: boolean }[] {
  const reg = providerRegistry();
  return reg.chain("voiceover", secrets()).map((p) => ({ id: p.id, speaks: p.speaks(language, reg.parseOptions(p, env().PROVIDER_OPTIONS[p.id])) }));
}
