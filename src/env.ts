/**
 * Reelfarm's configuration: one zod schema, read once, used by the web app, the worker and
 * the scripts. A missing or malformed setting stops start-up with a message naming it.
 * Every default is stated here; see the README's configuration table.
 */
import path from "node:path";
import { z } from "zod";
import { parseTrustedProxies } from "~/server/http/client-ip";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no"])
  .transform((v) => v === "1" || v === "true" || v === "yes");

const optionalUrl = z.preprocess((v) => (v === "" ? undefined : v), z.url().optional());

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** PostgreSQL URL. Unset: an embedded PostgreSQL is started with its data in DATA_DIR/pg. */
  DATABASE_URL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  /** Port of the embedded PostgreSQL (default 54329; ignored when DATABASE_URL is set). */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  /** Local state: embedded database, default storage root. Default ./.data */
  DATA_DIR: z.string().min(1).default(".data"),
  /** Storage root for uploads, assets, cache clips and outputs. Default DATA_DIR/storage.
   * Several worker hosts may share it over a network filesystem. */
  STORAGE_DIR: z.string().min(1).optional(),
  /**
   * Object store for uploads, assets, cache entries and outputs instead of STORAGE_DIR:
   * `s3://bucket` or `s3://bucket/prefix` (S3 or any S3-compatible server). Unset: the local directory.
   */
  STORAGE_URL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(
        /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/(?!\.\.?(\/|$))[A-Za-z0-9._-]+)*\/?$/,
        "must be s3://bucket or s3://bucket/prefix (bucket: 3-63 lowercase letters, digits, '.', '-'; prefix: segments of letters, digits, '.', '_', '-', not '.' or '..')",
      )
      .optional(),
  ),
  /** S3 endpoint URL for S3-compatible servers (e.g. http://127.0.0.1:9000). Unset: AWS's endpoint for the region. */
  STORAGE_S3_ENDPOINT: z.preprocess((v) => (v === "" ? undefined : v), z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional()),
  /** S3 region. Default us-east-1. */
  STORAGE_S3_REGION: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(/^[a-z0-9-]{2,32}$/, "must be a region name such as eu-west-1").default("us-east-1")),
  /** S3 access key id. Unset (with the secret unset too): the AWS SDK's default chain (AWS_* variables, profile, instance role). */
  STORAGE_S3_ACCESS_KEY_ID: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).optional()),
  /** S3 secret access key; required when STORAGE_S3_ACCESS_KEY_ID is set. */
  STORAGE_S3_SECRET_ACCESS_KEY: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).optional()),
  /** Path-style requests (http://host/bucket/key). Default: on when STORAGE_S3_ENDPOINT is set, off for AWS. */
  STORAGE_S3_FORCE_PATH_STYLE: z.preprocess((v) => (v === "" ? undefined : v), bool.optional()),
  /**
   * With STORAGE_URL: local copies of stored objects that ffmpeg reads (least recently used
   * removed above STORAGE_CACHE_MAX_BYTES). Default DATA_DIR/storage-cache.
   */
  STORAGE_CACHE_DIR: z.string().min(1).optional(),
  /** Size cap of STORAGE_CACHE_DIR in bytes. Default 5 GiB. */
  STORAGE_CACHE_MAX_BYTES: z.coerce.number().int().min(0).default(5 * 1024 ** 3),
  /** Web app port. Default 3000. */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Public URL of the dashboard (links, cookies' Secure flag). Default http://localhost:PORT */
  PUBLIC_URL: optionalUrl,
  /** Secret for session signing. Unset: generated once and kept in DATA_DIR/auth-secret. */
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** First admin's email on an empty database. Default admin@reelfarm.local. */
  REELFARM_ADMIN_EMAIL: z.preprocess((v) => (v === "" ? undefined : v), z.email().optional()),
  /** First admin's password (10-128 characters). Unset: a random one, printed once. */
  REELFARM_ADMIN_PASSWORD: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(10).max(128).optional()),
  /** Google Gemini API key. Unset: only local providers are used. */
  GEMINI_API_KEY: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(10).optional()),
  /** Base URL of the Gemini API (e.g. a fake one on 127.0.0.1 for tests and demos). */
  GEMINI_BASE_URL: optionalUrl,
  /**
   * Provider options as JSON, keyed by provider id, e.g. {"google-veo":{"model":"veo-3.1-generate-preview"}}.
   * Each provider validates its own slice; a bad slice stops the worker at start-up. Default {}.
   */
  PROVIDER_OPTIONS: z
    .string()
    .default("{}")
    .transform((s, ctx) => {
      try {
        const v: unknown = JSON.parse(s);
        if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
      } catch {
        /* reported below */
      }
      ctx.addIssue({ code: "custom", message: "must be a JSON object keyed by provider id" });
      return z.NEVER;
    }),
  /** ffmpeg binary. Default: `ffmpeg` on PATH. */
  FFMPEG_PATH: z.string().min(1).optional(),
  /** Jobs one worker runs at once. Default 4 (asset jobs mostly wait on providers). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Renders (ffmpeg assemblies) one worker host runs at once. Default 1. */
  WORKER_RENDER_SLOTS: z.coerce.number().int().min(1).max(16).default(1),
  /** Encoded-segment cache size cap in bytes (least recently used segments are evicted). Default 20 GiB. */
  CACHE_MAX_BYTES: z.coerce.number().int().min(0).default(20 * 1024 ** 3),
  /** A worker host without a heartbeat for this long is offline and its jobs are released. Default 30 s. */
  WORKER_OFFLINE_AFTER_SECONDS: z.coerce.number().int().min(5).default(30),
  /** Let webhooks reach private and loopback addresses (tests, on-premises receivers). Default off. */
  WEBHOOK_ALLOW_PRIVATE: z.preprocess((v) => (v === "" ? undefined : v), bool.optional()).transform((v) => v ?? false),
  /**
   * Reverse proxies whose X-Forwarded-For is believed (comma-separated IPs or CIDRs, e.g.
   * "10.0.0.0/8"). Default none: rate limits use the connection's own address.
   */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .superRefine((v, ctx) => {
      try {
        parseTrustedProxies(v);
      } catch {
        ctx.addIssue({ code: "custom", message: "must be comma-separated IP addresses or CIDR ranges" });
      }
    }),
  /** Renders one user may queue per UTC day unless an admin set their own limit. Default 200. */
  DEFAULT_DAILY_RENDERS_PER_USER: z.coerce.number().int().min(0).default(200),
  /** Renders one team may queue per UTC day unless an admin set the team's limit. Default 1000. */
  DEFAULT_DAILY_RENDERS_PER_TEAM: z.coerce.number().int().min(0).default(1000),
  /** A team's daily spend on paid providers in USD unless an admin set the team's budget. Default 100. */
  DEFAULT_DAILY_BUDGET_USD_PER_TEAM: z.coerce.number().min(0).default(100),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  CI: z.preprocess((v) => (v === "" ? undefined : v), bool.optional()),
});

export type Env = z.infer<typeof envSchema> & { STORAGE_DIR: string; STORAGE_CACHE_DIR: string; DATA_DIR: string; PUBLIC_URL: string };

export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}\nSee the README's "Configuration" section.`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema
    .superRefine((e, ctx) => {
      // Credentials come as a pair, or not at all (then the SDK's default chain finds them).
      if (e.STORAGE_S3_ACCESS_KEY_ID && !e.STORAGE_S3_SECRET_ACCESS_KEY)
        ctx.addIssue({ code: "custom", path: ["STORAGE_S3_SECRET_ACCESS_KEY"], message: "is required when STORAGE_S3_ACCESS_KEY_ID is set" });
      if (!e.STORAGE_S3_ACCESS_KEY_ID && e.STORAGE_S3_SECRET_ACCESS_KEY)
        ctx.addIssue({ code: "custom", path: ["STORAGE_S3_ACCESS_KEY_ID"], message: "is required when STORAGE_S3_SECRET_ACCESS_KEY is set" });
    })
    .safeParse(source);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`));
  }
  const e = parsed.data;
  const DATA_DIR = path.resolve(/*turbopackIgnore: true*/ e.DATA_DIR);
  return {
    ...e,
    DATA_DIR,
    STORAGE_DIR: path.resolve(/*turbopackIgnore: true*/ e.STORAGE_DIR ?? path.join(DATA_DIR, "storage")),
    STORAGE_CACHE_DIR: path.resolve(/*turbopackIgnore: true*/ e.STORAGE_CACHE_DIR ?? path.join(DATA_DIR, "storage-cache")),
    PUBLIC_URL: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
  };
}

let cached: Env | undefined;

/** The process's configuration, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
