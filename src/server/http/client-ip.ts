/**
 * The client address used by rate limits. Without TRUSTED_PROXIES (the default) it is the TCP
 * peer's address and every forwarded header is ignored: a client cannot choose its own
 * address. With TRUSTED_PROXIES (IPs or CIDRs of the reverse proxies in front of Reelfarm), the
 * `X-Forwarded-For` chain plus the peer is walked from the right and the first hop that is not a
 * trusted proxy is the client (what each proxy appended, not what the client claimed).
 *
 * The web server (scripts/web.ts) writes the result into CLIENT_IP_HEADER on every request,
 * overwriting anything a client sent under that name; better-auth's limiter and the sign-in
 * delay read only that header.
 */
import { type IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";

export const CLIENT_IP_HEADER = "x-reelfarm-client-ip";

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses "10.0.0.0/8, 192.168.1.10, fd00::/8" (an address alone is a /32 or /128). Throws on a bad entry. */
export function parseTrustedProxies(value: string): Cidr[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (s.includes("/")) return ipaddr.parseCIDR(s) as Cidr;
      const a = ipaddr.parse(s);
      return [a, a.kind() === "ipv4" ? 32 : 128] as Cidr;
    });
}

/** An address in canonical form (IPv4-mapped IPv6 as plain IPv4), or null when it is not one. */
export function normaliseIp(ip: string | undefined): string | null {
  if (!ip) return null;
  const bare = ip.trim().replace(/^\[|\]$/g, "");
  if (!ipaddr.isValid(bare)) return null;
  return ipaddr.process(bare).toString();
}

function isTrusted(ip: string, trusted: Cidr[]) {
  const a = ipaddr.process(ip);
  return trusted.some(([net, bits]) => a.kind() === net.kind() && a.match(net as never, bits));
}

/**
 * The client address of a request that arrived from `peer` with this `X-Forwarded-For`.
 * `peer` itself when it is not a trusted proxy (or none is configured).
 */
export function clientIp(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: Cidr[]): string {
  const socket = normaliseIp(peer) ?? "0.0.0.0";
  if (!trusted.length) return socket;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const chain = [...header.split(",").map((s) => s.trim()).filter(Boolean), socket];
  let client = socket;
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = normaliseIp(chain[i]);
    // A malformed hop: stop at the last address a trusted proxy vouched for.
    if (!hop) return client;
    client = hop;
    if (!isTrusted(hop, trusted)) return hop;
  }
  return client;
}

/** Writes the request's client address into CLIENT_IP_HEADER (replacing any sent by the client). */
export function stampClientIp(req: IncomingMessage, trusted: Cidr[]) {
  req.headers[CLIENT_IP_HEADER] = clientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], trusted);
}
