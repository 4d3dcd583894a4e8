import { describe, expect, it, vi } from "vitest";
import { secretsFor } from "./providers";

describe("provider secrets", () => {
  it("a provider receives only the secrets it declares", () => {
    vi.stubEnv("GEMINI_API_KEY", "AIza-test-key-that-is-long-enough-000000");
    try {
      expect(secretsFor({ requiredSecrets: [] })).toEqual({});
      expect(secretsFor({ requiredSecrets: ["GEMINI_API_KEY"] })).toEqual({ GEMINI_API_KEY: expect.any(String) });
      expect(secretsFor({ requiredSecrets: ["SOMETHING_ELSE"] })).toEqual({});
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
