import { describe, expect, it } from "vitest";
import { assertWebhookTarget, isNonPublicAddress, resolveWebhookTarget } from "./webhook-target";

describe("webhook targets", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "0.1.2.3",
    "192.0.0.8", // 192.0.0.0/24 (IETF protocol assignments)
    "198.18.0.1", // benchmarking
    "198.19.255.254",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "fd00::1",
    "fe80::1",
    "::ffff:127.0.0.1", // IPv4-mapped
    "::ffff:7f00:1",
    "::ffff:169.254.169.254",
    "::ffff:8.8.8.8", // mapped: refused whatever it embeds
    "::127.0.0.1", // IPv4-compatible
    "::7f00:1",
    "::8.8.8.8",
    "64:ff9b::127.0.0.1", // NAT64
    "64:ff9b::808:808",
    "2002:7f00:1::", // 6to4
    "2001::1", // Teredo
    "2001:db8::1", // documentation
    "[::1]",
    "not-an-address",
  ])("%s is not public", (ip) => {
    expect(isNonPublicAddress(ip)).toBe(true);
  });
  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "192.0.1.1", "198.20.0.1", "2606:4700::1111", "2a00:1450:4001:80b::200e"])("%s is public", (ip) => {
    expect(isNonPublicAddress(ip)).toBe(false);
  });
  it("refuses loopback and metadata addresses unless private targets are allowed", async () => {
    await expect(assertWebhookTarget("http://127.0.0.1:9/hook", false)).rejects.toThrow(/private or local/);
    await expect(assertWebhookTarget("http://localhost:9/hook", false)).rejects.toThrow(/private or local/);
    await expect(assertWebhookTarget("http://[::1]:9/hook", false)).rejects.toThrow(/private or local/);
    await expect(assertWebhookTarget("http://[::ffff:127.0.0.1]:9/hook", false)).rejects.toThrow(/private or local/);
    await expect(assertWebhookTarget("http://169.254.169.254/latest", false)).rejects.toThrow(/private or local/);
    await expect(assertWebhookTarget("ftp://example.com/x", false)).rejects.toThrow(/http\(s\)/);
    await expect(assertWebhookTarget("http://user:pw@example.com/x", false)).rejects.toThrow(/credentials/);
    await expect(assertWebhookTarget("http://127.0.0.1:9/hook", true)).resolves.toBeUndefined();
  });
  it.each(["http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://0x7f.1/", "http://127.1/", "http://0/"])("the numeric IPv4 form %s is checked as the address it denotes", async (url) => {
    await expect(assertWebhookTarget(url, false)).rejects.toThrow(/private or local/);
  });
  it("a name is refused when any of its addresses is not public, and pinned to a checked one otherwise", async () => {
    const resolve = async () => [{ address: "93.184.216.34", family: 4 }, { address: "127.0.0.1", family: 4 }];
    await expect(resolveWebhookTarget("https://mixed.example/hook", false, resolve)).rejects.toThrow(/127\.0\.0\.1/);
    const t = await resolveWebhookTarget("https://ok.example/hook?k=1", false, async () => [{ address: "2606:4700::1111", family: 6 }]);
    expect(t).toMatchObject({ address: "2606:4700::1111", family: 6 });
  });
  it("a name that does not resolve may be saved, but is not delivered to", async () => {
    await expect(assertWebhookTarget("https://no-such-host.invalid/hook", false, { unresolvable: "allow" })).resolves.toBeUndefined();
    await expect(assertWebhookTarget("https://no-such-host.invalid/hook", false)).rejects.toThrow(/does not resolve/);
  });
});
