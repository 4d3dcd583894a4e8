/**
 * Prisma's schema engine compiled to wasm (@prisma/schema-engine-wasm), driven through
 * @prisma/adapter-pg: migrations without the native engine binary, which cannot be downloaded
 * on every machine. It writes the same `_prisma_migrations` rows (checksums, advisory lock
 * 72707369) as the native engine, so `prisma migrate deploy` can take over where it runs.
 * See shared/reference/prisma-offline for the four pitfalls handled here.
 */
import { randomUUID } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { parse } from "pg-connection-string";

/* eslint-disable @typescript-eslint/no-explicit-any -- the wasm engine's API is untyped JSON */
type Any = any;

// Pitfall 1: adapter-pg rejects PostgreSQL's internal "char" type (OID 18), which the engine's
// introspection selects. Report such columns as text to the adapter, then as Character.
const charColumns = new WeakMap<object, number[]>();
function markChar(res: Any) {
  for (const r of [res].flat()) {
    const idx: number[] = (r?.fields ?? []).flatMap((f: Any, i: number) => (f.dataTypeID === 18 ? [i] : []));
    if (idx.length) {
      for (const i of idx) r.fields[i].dataTypeID = 25;
      charColumns.set(r.rows, idx);
    }
  }
  return res;
}
class CharAwareClient extends pg.Client {
  query(config: Any, values?: Any, cb?: Any) {
    if (typeof values === "function") [cb, values] = [values, undefined];
    if (typeof cb === "function") return super.query(config, values, (err: Any, res: Any) => cb(err, err ? res : markChar(res)));
    const r: Any = super.query(config, values);
    return typeof r?.then === "function" ? r.then(markChar) : r;
  }
}

function patchAdapter(q: Any): Any {
  const queryRaw = q.queryRaw.bind(q);
  q.queryRaw = async (query: Any) => {
    const res = await queryRaw(query);
    for (const i of charColumns.get(res.rows) ?? []) res.columnTypes[i] = ColumnTypeEnum.Character;
    return res;
  };
  if (q.startTransaction) {
    const start = q.startTransaction.bind(q);
    q.startTransaction = async (...a: Any[]) => patchAdapter(await start(...a));
  }
  if (q.executeScript) {
    // Pitfall 2: adapter-pg splits scripts on every ";". Send the migration as one
    // simple-protocol query (one implicit transaction), as the native engine does.
    q.executeScript = async (script: string) => {
      try {
        await q.underlyingDriver().query(script);
      } catch (e) {
        q.onError(e);
      }
    };
  }
  return q;
}

// Pitfall 4: without a panic registry an engine panic surfaces as an unrelated TypeError.
(globalThis as Any).PRISMA_WASM_PANIC_REGISTRY ??= {
  message: "",
  get_message() {
    return this.message;
  },
  set_message(m: string) {
    this.message = `RuntimeError: ${m}`;
  },
};

let SchemaEngineClass: Any;
async function loadWasm() {
  // Node cannot import the bundler build's .wasm as ESM: instantiate it by hand.
  const require = createRequire(import.meta.url);
  const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bg: Any = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const bytes = await readFile(path.join(path.dirname(bgPath), "schema_engine_bg.wasm"));
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(inst.exports);
  (inst.exports as Any).__wbindgen_start();
  return bg.SchemaEngine;
}

export interface SchemaEngineHandle {
  engine: Any;
  close(): Promise<void>;
  unwrap(e: unknown): unknown;
}

export async function createSchemaEngine(opts: { url: string; schemaPath: string; schema: string; log?: (m: string) => void }): Promise<SchemaEngineHandle> {
  // max: 1 = one session, like the native engine (advisory lock and unlock on one connection).
  const config: Any = { ...parse(opts.url), max: 1, Client: CharAwareClient };
  const main = new PrismaPg(config);
  const open: Any[] = [];
  const factory: Any = bindMigrationAwareSqlAdapterFactory({
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => {
      const a = patchAdapter(await main.connect());
      open.push(a);
      return a;
    },
    // Pitfall 3: a fresh throw-away shadow database per use, created and dropped here.
    async connectToShadowDb() {
      const admin = new pg.Client(parse(opts.url) as pg.ClientConfig);
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0`);
        const adapter = patchAdapter(await new PrismaPg({ ...config, database: name }).connect());
        const dispose = adapter.dispose.bind(adapter);
        adapter.dispose = async () => {
          try {
            await dispose();
            await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          } finally {
            await admin.end();
          }
        };
        return adapter;
      } catch (e) {
        await admin.end().catch(() => {});
        throw e;
      }
    },
  } as Any);
  SchemaEngineClass ??= await loadWasm();
  const unwrap = (e: unknown) => {
    const m = /External error id#(\d+)/.exec(String((e as Error)?.message));
    return m ? (factory.errorRegistry.consumeError(Number(m[1]))?.error ?? e) : e;
  };
  try {
    const engine = await SchemaEngineClass.new({ datamodels: [[opts.schemaPath, opts.schema]] }, opts.log ?? (() => {}), factory);
    return {
      engine,
      unwrap,
      async close() {
        engine.free();
        // engine.free() leaves the adapters open: end them or Node waits for the pool's idle timeout.
        await Promise.all(open.splice(0).map((a) => a.dispose()));
      },
    };
  } catch (e) {
    throw unwrap(e);
  }
}

/** The MigrationList the Prisma CLI builds: subfolders sorted by name, each with migration.sql. */
export async function readMigrations(dir: string) {
  const lock = await readFile(path.join(dir, "migration_lock.toml"), "utf8").catch(() => null);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const dirs = entries.filter((d) => d.isDirectory()).map((d) => d.name).sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    dirs.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: await readFile(path.join(dir, name, "migration.sql"), "utf8").then(
          (value) => ({ tag: "ok", value }),
          (e: Error) => ({ tag: "error", value: e.message }),
        ),
      },
    })),
  );
  return { baseDir: dir, lockfile: { path: "migration_lock.toml", content: lock }, migrationDirectories, shadowDbInitScript: "" };
}
