import { describe, expect, it } from "vitest";
import { BUILT_IN_PROVIDERS, DEFAULT_CHAINS, ProviderRegistry, assertProvider, createDefaultRegistry, parseProviderOptions } from "./registry";
import { PROVIDER_KINDS, ProviderError, ProviderRegistryError, SPECIFICATION_VERSION } from "./spec";
import { localTemplateProvider } from "./local-template";
import { googleVeoProvider } from "./google-veo";

const KEY = { GEMINI_API_KEY: "k" };

describe("provider registry", () => {
  it("registers every built-in provider; ids are unique", () => {
    const registry = createDefaultRegistry();
    expect(registry.all().map((p) => p.id)).toEqual(BUILT_IN_PROVIDERS.map((p) => p.id));
    expect(new Set(registry.all().map((p) => p.id)).size).toBe(BUILT_IN_PROVIDERS.length);
  });

  it("rejects an unknown specification version with a clear error", () => {
    const future = { ...localTemplateProvider, id: "from-the-future", specificationVersion: "reelfarm-provider-v2" };
    expect(() => new ProviderRegistry([future])).toThrow(ProviderRegistryError);
    expect(() => assertProvider(future)).toThrow(/"from-the-future".*"reelfarm-provider-v2".*supports "reelfarm-provider-v1"/);
    expect(() => assertProvider({ id: "x" })).toThrow(/specificationVersion undefined/);
  });

  it("rejects a provider missing its do… method, a bad id, or a duplicate", () => {
    const { doGenerateScript: _omit, ...noMethod } = localTemplateProvider;
    expect(() => assertProvider(noMethod)).toThrow(/must implement doGenerateScript/);
    expect(() => assertProvider({ ...localTemplateProvider, id: "Bad Id" })).toThrow(/kebab-case/);
    expect(() => new ProviderRegistry([localTemplateProvider, localTemplateProvider])).toThrow(/Duplicate/);
    expect(SPECIFICATION_VERSION).toBe("reelfarm-provider-v1");
  });

  it("looks up by id and by kind", () => {
    const registry = createDefaultRegistry();
    expect(registry.get("google-veo")).toBe(googleVeoProvider);
    expect(() => registry.get("nope")).toThrow(/Unknown provider "nope"/);
    expect(registry.find("nope")).toBeUndefined();
    expect(registry.byKind("video").map((p) => p.id)).toEqual(["google-veo", "local-kenburns"]);
    expect(() => registry.getOfKind("google-veo", "image")).toThrow(/video provider, not image/);
  });

  it("default chains: Google first when a key is set, the local fallback last, always", () => {
    const registry = createDefaultRegistry();
    expect(Object.fromEntries(PROVIDER_KINDS.map((k) => [k, registry.chain(k, KEY).map((p) => p.id)]))).toEqual({
      script: ["google-gemini-script", "local-template"],
      image: ["google-image", "local-card"],
      video: ["google-veo", "local-kenburns"],
      voiceover: ["google-tts", "local-voice"],
      music: ["google-lyria", "local-music"],
    });
    for (const kind of PROVIDER_KINDS) {
      expect(registry.chain(kind, {}).map((p) => p.id)).toEqual([DEFAULT_CHAINS[kind].at(-1)]);
      expect(registry.chain(kind, { GEMINI_API_KEY: "  " })).toHaveLength(1);
    }
  });

  it("the video fallback uses the image chain's still", () => {
    const [veo, kenburns] = createDefaultRegistry().chain("video", KEY);
    expect(veo?.requiresImage).toBe(false);
    expect(kenburns?.requiresImage).toBe(true);
  });

  it("reports which providers are configured and what they miss", () => {
    const registry = createDefaultRegistry();
    expect(registry.configured({}).every((p) => p.local)).toBe(true);
    expect(registry.configured(KEY)).toHaveLength(BUILT_IN_PROVIDERS.length);
    expect(registry.status({}).find((s) => s.id === "google-tts")).toEqual({ id: "google-tts", kind: "voiceover", local: false, configured: false, missingSecrets: ["GEMINI_API_KEY"] });
  });

  it("a custom chain order; unknown ids in it are an error", () => {
    const registry = createDefaultRegistry();
    expect(registry.chain("video", KEY, ["local-kenburns"]).map((p) => p.id)).toEqual(["local-kenburns"]);
    expect(() => registry.chain("video", KEY, ["google-sora"])).toThrow(/Unknown provider/);
  });

  it("parseProviderOptions: defaults from undefined; a clear error naming the provider and the field", () => {
    expect(parseProviderOptions(googleVeoProvider, undefined)).toMatchObject({ model: "veo-3.1-fast-generate-preview", resolution: "720p" });
    expect(parseProviderOptions(googleVeoProvider, { resolution: "1080p" }).resolution).toBe("1080p");
    let error: unknown;
    try {
      createDefaultRegistry().parseOptions(googleVeoProvider, { resolution: "4k", pollIntervalMs: -1 });
    } catch (e) {
      error = e;
    }
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "invalid_request", providerId: "google-veo", retryable: false });
    expect(String((error as Error).message)).toMatch(/Invalid options for provider "google-veo": resolution: .*pollIntervalMs/);
    expect(() => parseProviderOptions(localTemplateProvider, { wordsPerSecnd: 3 })).toThrow(/local-template.*wordsPerSecnd/);
  });
});
