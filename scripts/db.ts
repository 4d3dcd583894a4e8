/**
 * npm run db:migrate | db:check | db:status | db:create -- <name>
 * Works without Prisma's native schema engine (see src/server/db/schema-engine.ts).
 */
import { resolveDatabaseUrl, stopEmbedded } from "~/server/db/bootstrap";
import { applyMigrations, checkMigrations, createMigration, migrationStatus } from "~/server/db/migrate";

const [cmd, name] = process.argv.slice(2);
let code = 0;
try {
  const url = await resolveDatabaseUrl();
  if (cmd === "deploy") {
    const a = await applyMigrations(url);
    console.log(a.length ? `Applied ${a.join(", ")}` : "No pending migrations.");
  } else if (cmd === "check") {
    const missing = await checkMigrations(url);
    if (missing) {
      console.error(`schema.prisma and prisma/migrations differ. Create a migration (npm run db:create -- <name>). Missing SQL:\n${missing}`);
      code = 1;
    } else console.log("schema.prisma matches prisma/migrations.");
  } else if (cmd === "status") {
    const r = await migrationStatus(url);
    console.log(JSON.stringify(r, null, 2));
    if (r.history || r.failedMigrationNames?.length) code = 1;
  } else if (cmd === "create") {
    if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("usage: npm run db:create -- <snake_case_name>");
    const created = await createMigration(url, name);
    console.log(created ? `Created and applied prisma/migrations/${created}` : "Already in sync, no migration created.");
  } else {
    throw new Error("usage: tsx scripts/db.ts deploy|check|status|create <name>");
  }
} catch (e) {
  console.error((e as Error).message ?? e);
  code = 1;
} finally {
  await stopEmbedded();
}
// The wasm engine leaves a 10 s timer pending.
process.exit(code);
