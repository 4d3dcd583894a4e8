import { describe, expect, it } from "vitest";
import { assertWebhookTarget, isNonPublicAddress } from "./webhook-target";

describe("webhook targets", () => {
  it.each(["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1"])("%s is not public", (ip) => {
    expect(isNonPublicAddress(ip)).toBe(true);
  });
  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "2606:4700::1111"])("%s is public", (ip) => {
    expect(isNonPublicAddress(ip)).toBe(false);
  });
  it("refuses loopback and metadata addresses unless private targets are allowed", async () => {
    await expect(assertWebhookTarget("http://127.0.0.1:9/hook", false)).rejects.toThrow(/private or local/);
    await expect(assertWebhookTarget("http://localhost:9/hook", false)).rejects.toThrow(/private or local/);
    await expect(assertWebhookTarget("http://[::1]:9/hook", false)).rejects.toThrow(/private or local/);
    await expect(assertWebhookTarget("http://169.254.169.254/latest", false)).rejects.toThrow(/private or local/);
    await expect(assertWebhookTarget("ftp://example.com/x", false)).rejects.toThrow(/http\(s\)/);
    await expect(assertWebhookTarget("http://127.0.0.1:9/hook", true)).resolves.toBeUndefined();
  });
  it("a name that does not resolve may be saved, but is not delivered to", async () => {
    await expect(assertWebhookTarget("https://no-such-host.invalid/hook", false, { unresolvable: "allow" })).resolves.toBeUndefined();
    await expect(assertWebhookTarget("https://no-such-host.invalid/hook", false)).rejects.toThrow(/does not resolve/);
  });
});
