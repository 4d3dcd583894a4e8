/**
 * CSRF defence for cookie-authenticated, state-changing requests: the browser's Origin (or,
 * failing that, Sec-Fetch-Site) must say the request comes from the dashboard itself. Requests
 * authenticated by an API token carry no cookie and are not subject to it.
 *
 * Same origin means PUBLIC_URL's origin, or the origin of the host the request was sent to
 * (a browser cannot forge Origin, and a cross-site page cannot choose our Host).
 */
import { env } from "~/env";

/** The origin a same-site browser would send for a request to this URL / Host header. */
export function requestOrigin(headers: Headers, url?: string): string {
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  const u = url ? new URL(url) : null;
  const proto = headers.get("x-forwarded-proto") ?? u?.protocol.replace(":", "") ?? "http";
  return host ? `${proto}://${host}` : (u?.origin ?? "");
}

export function isSameOrigin(headers: Headers, url?: string): boolean {
  const origin = headers.get("origin");
  if (origin) {
    if (origin === "null") return false;
    return origin === new URL(env().PUBLIC_URL).origin || origin === requestOrigin(headers, url);
  }
  // No Origin (older browsers on same-origin GET-like posts): trust only Fetch Metadata.
  return headers.get("sec-fetch-site") === "same-origin";
}

/** Methods that never change state (HTTP semantics, and our routes keep to them). */
export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
