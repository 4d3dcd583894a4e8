/**
 * Where a webhook may point. A webhook URL is user input that the worker will request: unless
 * WEBHOOK_ALLOW_PRIVATE is set, it must resolve only to public addresses (no loopback, private,
 * link-local, carrier-grade NAT or unique-local ranges), checked when it is saved and again,
 * against the addresses it resolves to then, before each delivery.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

export class WebhookTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookTargetError";
  }
}

function v4(ip: string) {
  return ip.split(".").map(Number) as [number, number, number, number];
}

/** True for addresses a webhook must not reach. */
export function isNonPublicAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = v4(ip);
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a >= 224;
  }
  const x = ip.toLowerCase();
  if (x.startsWith("::ffff:")) return isNonPublicAddress(x.slice(7));
  return x === "::" || x === "::1" || x.startsWith("fc") || x.startsWith("fd") || x.startsWith("fe8") || x.startsWith("fe9") || x.startsWith("fea") || x.startsWith("feb") || x.startsWith("ff");
}

/**
 * Throws WebhookTargetError unless `url` is http(s) and resolves only to public addresses.
 * `unresolvable: "allow"` (when saving) accepts a name that does not resolve yet; delivery
 * checks again and refuses it then.
 */
export async function assertWebhookTarget(url: string, allowPrivate: boolean, opts: { unresolvable?: "allow" | "refuse" } = {}): Promise<void> {
  const u = new URL(url);
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new WebhookTargetError("a webhook must be an http(s) URL");
  if (u.username || u.password) throw new WebhookTargetError("a webhook URL must not carry credentials");
  if (allowPrivate) return;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (!addresses.length) {
    if (opts.unresolvable === "allow") return;
    throw new WebhookTargetError(`${u.hostname} does not resolve`);
  }
  const bad = addresses.find(isNonPublicAddress);
  if (bad) throw new WebhookTargetError(`${u.hostname} resolves to ${bad}, a private or local address (set WEBHOOK_ALLOW_PRIVATE=1 to allow)`);
}
