/**
 * Where a webhook may point. A webhook URL is user input that the worker will request: unless
 * WEBHOOK_ALLOW_PRIVATE is set, it must resolve only to public unicast addresses.
 *
 * Addresses are parsed and classified by ipaddr.js (not by string prefixes): an IPv4-mapped
 * (`::ffff:127.0.0.1`), IPv4-compatible (`::127.0.0.1`), NAT64 (`64:ff9b::/96`), 6to4
 * (`2002::/16`) or Teredo IPv6 address is refused whatever IPv4 address it embeds; IPv4 must be
 * `unicast` (not loopback, private, link-local incl. the 169.254.169.254 metadata address,
 * carrier-grade NAT, 0.0.0.0/8, 192.0.0.0/24, 198.18.0.0/15 benchmarking, documentation,
 * multicast or 240/4); IPv6 must be global unicast (2000::/3) and `unicast` for ipaddr.js.
 * Decimal, octal and hex IPv4 forms (`http://2130706433/`, `http://0177.1/`) reach us already
 * normalised by the WHATWG URL parser, so they are checked as the dotted address they denote.
 *
 * A name is resolved ONCE per delivery: {@link resolveWebhookTarget} checks every address the
 * name has and returns the one to use, and {@link ./webhooks} connects to exactly that address
 * (a pinned `lookup`), so a DNS answer that changes between check and connection (rebinding)
 * changes nothing.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

export class WebhookTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookTargetError";
  }
}

/** A resolver: every address of a name (the shape of `dns.promises.lookup(name, {all: true})`). */
export type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** The global unicast block of IPv6 (RFC 4291 2.4): everything outside it is not a public host. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3") as [ipaddr.IPv6, number];

/**
 * True for addresses a webhook must not reach, and for anything that is not an IP address
 * (an unparsable "address" is refused, never guessed at).
 */
export function isNonPublicAddress(ip: string): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(ip.replace(/^\[|\]$/g, ""));
  } catch {
    return true;
  }
  if (addr.kind() === "ipv4") return addr.range() !== "unicast";
  const v6 = addr as ipaddr.IPv6;
  // ipaddr.js calls ::a.b.c.d (IPv4-compatible) "unicast": the 2000::/3 test refuses it, and
  // mapped, NAT64, 6to4 and Teredo have their own non-unicast range names.
  return !v6.match(GLOBAL_UNICAST_V6) || v6.range() !== "unicast";
}

/** A webhook URL, checked and pinned to the one address the delivery must connect to. */
export interface WebhookTarget {
  url: URL;
  /** The checked address to connect to; null when private targets are allowed (system DNS). */
  address: string | null;
  family: 4 | 6 | null;
}

function parseWebhookUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new WebhookTargetError("a webhook must be a valid http(s) URL");
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new WebhookTargetError("a webhook must be an http(s) URL");
  if (u.username || u.password) throw new WebhookTargetError("a webhook URL must not carry credentials");
  return u;
}

/**
 * Resolves `url`'s host once and checks every address it has. Returns the address to connect
 * to. Throws WebhookTargetError when the URL is not http(s), carries credentials, does not
 * resolve or any of its addresses is not public (unless `allowPrivate`).
 */
export async function resolveWebhookTarget(url: string, allowPrivate: boolean, resolve: Resolve = systemResolve): Promise<WebhookTarget> {
  const u = parseWebhookUrl(url);
  if (allowPrivate) return { url: u, address: null, family: null };
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const addresses = ipaddr.isValid(host) ? [host] : (await resolve(host).catch(() => [])).map((a) => a.address);
  if (!addresses.length) throw new WebhookTargetError(`${u.hostname} does not resolve`);
  const bad = addresses.find(isNonPublicAddress);
  if (bad) throw new WebhookTargetError(`${u.hostname} resolves to ${bad}, a private or local address (set WEBHOOK_ALLOW_PRIVATE=1 to allow)`);
  const address = addresses[0]!;
  return { url: u, address, family: ipaddr.parse(address).kind() === "ipv4" ? 4 : 6 };
}

/**
 * Throws WebhookTargetError unless `url` is http(s) and resolves only to public addresses (the
 * check when a webhook is saved). `unresolvable: "allow"` accepts a name that does not resolve
 * yet; delivery resolves and checks again and refuses it then.
 */
export async function assertWebhookTarget(url: string, allowPrivate: boolean, opts: { unresolvable?: "allow" | "refuse"; resolve?: Resolve } = {}): Promise<void> {
  try {
    await resolveWebhookTarget(url, allowPrivate, opts.resolve);
  } catch (e) {
    if (e instanceof WebhookTargetError && opts.unresolvable === "allow" && /does not resolve$/.test(e.message)) return;
    throw e;
  }
}
