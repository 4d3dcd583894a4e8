/**
 * The provider registry: id -> provider, version check, lookup by kind,
 * option parsing, and the default fallback chains.
 *
 * Adding a provider: create src/plugins/<id>/index.ts exporting a Provider
 * (see README.md), then list it in BUILT_IN_PROVIDERS below (and in a chain
 * of DEFAULT_CHAINS if it should be tried by default).
 */
import {
  KIND_METHODS,
  PROVIDER_KINDS,
  type Provider,
  ProviderError,
  type ProviderKind,
  type ProviderOfKind,
  ProviderRegistryError,
  SPECIFICATION_VERSION,
} from "./spec";
import { formatZodIssues } from "./shared/guard";
import { geminiScriptProvider } from "./google-gemini-script";
import { googleImageProvider } from "./google-image";
import { googleLyriaProvider } from "./google-lyria";
import { googleTtsProvider } from "./google-tts";
import { googleVeoProvider } from "./google-veo";
import { localCardProvider } from "./local-card";
import { localKenBurnsProvider } from "./local-kenburns";
import { localMusicProvider } from "./local-music";
import { localTemplateProvider } from "./local-template";
import { localVoiceProvider } from "./local-voice";

/** Every provider shipped with Reelfarm. Add yours here (see README.md). */
export const BUILT_IN_PROVIDERS: readonly Provider[] = [
  geminiScriptProvider,
  localTemplateProvider,
  googleImageProvider,
  localCardProvider,
  googleVeoProvider,
  localKenBurnsProvider,
  googleTtsProvider,
  localVoiceProvider,
  googleLyriaProvider,
  localMusicProvider,
];

/**
 * Default order per kind, best first; each entry is the fallback of the one
 * before it. The local provider ends every chain, so a render never depends
 * on the network.
 *
 * video: "local-kenburns" uses the scene's still (from the image chain) with
 * Ken Burns motion in place of a clip: it `requiresImage`, so the caller
 * generates the still first, i.e. the video chain's fallback delegates to the
 * image chain.
 */
export const DEFAULT_CHAINS: { readonly [K in ProviderKind]: readonly string[] } = {
  script: ["google-gemini-script", "local-template"],
  image: ["google-image", "local-card"],
  video: ["google-veo", "local-kenburns"],
  voiceover: ["google-tts", "local-voice"],
  music: ["google-lyria", "local-music"],
};

export interface ProviderStatus {
  id: string;
  kind: ProviderKind;
  local: boolean;
  configured: boolean;
  /** Required secrets that are missing or empty. */
  missingSecrets: string[];
}

type Secrets = Readonly<Record<string, string | undefined>>;

/** Checks shape and version of something claiming to be a provider (e.g. a third-party plugin). */
export function assertProvider(candidate: unknown): Provider {
  if (typeof candidate !== "object" || candidate === null) {
    throw new ProviderRegistryError(`Not a provider: ${String(candidate)}`);
  }
  const p = candidate as Partial<Provider> & Record<string, unknown>;
  const name = typeof p.id === "string" ? `"${p.id}"` : "(no id)";
  if (p.specificationVersion !== SPECIFICATION_VERSION) {
    throw new ProviderRegistryError(
      `Provider ${name} declares specificationVersion ${JSON.stringify(p.specificationVersion)}; ` +
        `this Reelfarm supports "${SPECIFICATION_VERSION}" only. Use a plugin built for that version.`,
    );
  }
  if (typeof p.id !== "string" || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(p.id)) {
    throw new ProviderRegistryError(`Provider ${name}: id must be kebab-case`);
  }
  if (!PROVIDER_KINDS.includes(p.kind as ProviderKind)) {
    throw new ProviderRegistryError(`Provider ${name}: unknown kind ${JSON.stringify(p.kind)}`);
  }
  for (const method of KIND_METHODS[p.kind as ProviderKind]) {
    if (typeof p[method] !== "function") {
      throw new ProviderRegistryError(`Provider ${name} (kind ${p.kind}) must implement ${method}()`);
    }
  }
  if (!p.optionsSchema || typeof p.optionsSchema.safeParse !== "function") {
    throw new ProviderRegistryError(`Provider ${name}: optionsSchema must be a zod schema`);
  }
  if (!Number.isInteger(p.maxConcurrency) || (p.maxConcurrency ?? 0) < 1) {
    throw new ProviderRegistryError(`Provider ${name}: maxConcurrency must be a positive integer`);
  }
  return candidate as Provider;
}

/**
 * Validates a provider's own slice of options (`providerOptions[provider.id]`).
 * `undefined` gives the defaults. Throws ProviderError('invalid_request')
 * naming the provider and the offending fields.
 */
export function parseProviderOptions<O>(provider: Provider<O>, raw: unknown): O {
  const parsed = provider.optionsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ProviderError({
      code: "invalid_request",
      providerId: provider.id,
      message: `Invalid options for provider "${provider.id}": ${formatZodIssues(parsed.error)}`,
      cause: parsed.error,
    });
  }
  return parsed.data;
}

export class ProviderRegistry {
  readonly #byId = new Map<string, Provider>();

  constructor(providers: readonly unknown[]) {
    for (const candidate of providers) {
      const provider = assertProvider(candidate);
      if (this.#byId.has(provider.id)) throw new ProviderRegistryError(`Duplicate provider id "${provider.id}"`);
      this.#byId.set(provider.id, provider);
    }
  }

  /** The provider with this id; throws ProviderRegistryError if there is none. */
  get(id: string): Provider {
    const provider = this.#byId.get(id);
    if (!provider) throw new ProviderRegistryError(`Unknown provider "${id}". Known: ${[...this.#byId.keys()].join(", ")}`);
    return provider;
  }

  find(id: string): Provider | undefined {
    return this.#byId.get(id);
  }

  /** The provider with this id, checked to be of `kind`. */
  getOfKind<K extends ProviderKind>(id: string, kind: K): ProviderOfKind<K> {
    const provider = this.get(id);
    if (provider.kind !== kind) throw new ProviderRegistryError(`Provider "${id}" is a ${provider.kind} provider, not ${kind}`);
    return provider as ProviderOfKind<K>;
  }

  all(): Provider[] {
    return [...this.#byId.values()];
  }

  byKind<K extends ProviderKind>(kind: K): ProviderOfKind<K>[] {
    return this.all().filter((p): p is ProviderOfKind<K> => p.kind === kind);
  }

  /** Configured = every required secret is present (Google providers need GEMINI_API_KEY). */
  isConfigured(provider: Provider, secrets: Secrets): boolean {
    return provider.requiredSecrets.every((name) => !!secrets[name]?.trim());
  }

  status(secrets: Secrets): ProviderStatus[] {
    return this.all().map((p) => {
      const missingSecrets = p.requiredSecrets.filter((name) => !secrets[name]?.trim());
      return { id: p.id, kind: p.kind, local: p.local, configured: missingSecrets.length === 0, missingSecrets };
    });
  }

  configured(secrets: Secrets): Provider[] {
    return this.all().filter((p) => this.isConfigured(p, secrets));
  }

  /**
   * The configured providers for `kind`, in chain order (default
   * DEFAULT_CHAINS[kind]). Ids in the order that are not registered are an
   * error; registered but unconfigured ones are skipped.
   */
  chain<K extends ProviderKind>(kind: K, secrets: Secrets, order: readonly string[] = DEFAULT_CHAINS[kind]): ProviderOfKind<K>[] {
    return order.map((id) => this.getOfKind(id, kind)).filter((p) => this.isConfigured(p, secrets));
  }

  /** Same as parseProviderOptions. */
  parseOptions<O>(provider: Provider<O>, raw: unknown): O {
    return parseProviderOptions(provider, raw);
  }
}

/** The built-in providers plus `extra` ones (third-party plugins, test doubles). */
export function createDefaultRegistry(extra: readonly unknown[] = []): ProviderRegistry {
  return new ProviderRegistry([...BUILT_IN_PROVIDERS, ...extra]);
}
