import { createDb, type Db } from "~/server/db";

let shared: Db | undefined;

/** The test database (created and migrated by test/global-setup.ts). */
export function testDb(): Db {
  shared ??= createDb(process.env.TEST_DATABASE_URL!);
  return shared;
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
