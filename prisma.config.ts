import { defineConfig } from "prisma/config";

// Used by the official Prisma CLI (generate; migrate where its native engine is available).
// Offline migrations go through scripts/migrate.ts instead.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/reelfarm" },
});
