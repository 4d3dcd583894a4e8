/**
 * The one server log: pino (JSON lines on stdout, levels debug < info < warn < error), used by
 * the web app, the worker and the CLI. The level is LOG_LEVEL (default info; `npm run render`
 * sets warn unless told otherwise), read when the log is first used.
 *
 * Redaction (invariant: no secret reaches a log line, whatever the caller passes):
 * - fields whose name says secret, token, password, cookie, authorization, API key, signature or
 *   credential are replaced by "[redacted]", at any depth (errors' own fields included);
 * - every URL, in a field or inside a message, loses its query string and fragment
 *   (`https://h/p?key=…` -> `https://h/p?[redacted]`), and user:password@ in its authority;
 * - in free text, `Bearer …`, Reelfarm API tokens (`rf_…`) and `key=…`/`token=…`-style pairs are
 *   cut out as well.
 * pino's own `redact` option only takes fixed paths (one wildcard level), so the deep walk is a
 * `formatters.log` step, and messages go through `hooks.logMethod`.
 */
import pino, { type DestinationStream, type Logger } from "pino";
import { z } from "zod";

export type LogLevel = "debug" | "info" | "warn" | "error";
const levelSchema = z.enum(["debug", "info", "warn", "error"]).catch("info");

const REDACTED = "[redacted]";
/** A field name that holds a secret. */
const SECRET_KEY = /pass(word|wd|phrase)?$|secret|token|cookie|authori[sz]ation|api[-_]?key|^key$|signature|credential|session|^x-goog-api-key$/i;
/** Query strings and fragments of http(s)/postgres URLs, and user:password@ in their authority. */
const URL_IN_TEXT = /\b((?:https?|wss?|postgres(?:ql)?):\/\/)([^\s/?#@"']*@)?([^\s?#"'<>]*)([?#][^\s"'<>]*)?/gi;
const SECRET_IN_TEXT: [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/g, `Bearer ${REDACTED}`],
  [/\brf_[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\b(api[-_]?key|key|token|access_token|password|secret|sig|signature)=([^\s&"']+)/gi, `$1=${REDACTED}`],
  [/\b(x-goog-api-key|authorization|cookie|set-cookie)(["']?\s*[:=]\s*["']?)([^\s"',}]+)/gi, `$1$2${REDACTED}`],
];

/** `text` with URLs' query strings and credentials and any recognisable secret cut out. */
export function redactText(text: string): string {
  let out = text.replace(URL_IN_TEXT, (_m, scheme: string, auth: string | undefined, rest: string, tail: string | undefined) => {
    return `${scheme}${auth ? `${REDACTED}@` : ""}${rest}${tail ? `${tail[0]}${REDACTED}` : ""}`;
  });
  for (const [re, to] of SECRET_IN_TEXT) out = out.replace(re, to);
  return out;
}

/** A copy of `value` with secret fields and URL query strings redacted (cycles and depth bounded). */
export function redactValue(value: unknown, seen = new WeakSet<object>(), depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof URL) return redactText(value.href);
  if (value instanceof Date) return value;
  if (seen.has(value) || depth > 8) return "[…]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, seen, depth + 1));
  if (value instanceof Headers) return redactValue(Object.fromEntries(value.entries()), seen, depth + 1);
  const out: Record<string, unknown> = {};
  const keys = value instanceof Error ? ["name", "message", "stack", "code", ...Object.keys(value)] : Object.keys(value);
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    // Numbers and booleans are never secrets (a token count, a password's length rule).
    const secret = SECRET_KEY.test(k) && (typeof v === "string" ? v !== "" : typeof v === "object" && v !== null);
    out[k] = secret ? REDACTED : redactValue(v, seen, depth + 1);
  }
  return out;
}

/**
 * A logger writing to `destination` (default stdout) at `level`, with the redaction above.
 * Tests pass a stream to read the lines back.
 */
export function createLogger(opts: { level?: LogLevel; destination?: DestinationStream; name?: string } = {}): Logger {
  return pino(
    {
      level: opts.level ?? levelSchema.parse(process.env.LOG_LEVEL),
      name: opts.name,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redactValue(obj) as Record<string, unknown>,
      },
      serializers: { err: (e: unknown) => redactValue(e) },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === "string" ? redactText(a) : a)) as Parameters<typeof method>;
          return method.apply(this, redacted);
        },
      },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

let shared: Logger | undefined;
let toStderr = false;

/**
 * Sends this process's log to stderr (call before the first line): for commands whose stdout is
 * their answer (`npm run render` prints the output path there).
 */
export function logToStderr() {
  toStderr = true;
}

/** The process's log (created on first use, at LOG_LEVEL). */
export function log(): Logger {
  shared ??= createLogger(toStderr ? { destination: pino.destination({ dest: 2, sync: true }) } : {});
  return shared;
}

/** A child log whose lines carry `component` (web, worker, jobs, api, db, …). */
export function logFor(component: string): Logger {
  return log().child({ component });
}
