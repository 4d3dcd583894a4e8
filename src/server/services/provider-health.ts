/**
 * Start-up check of configured cloud providers' credentials. A refused key is a clear error in
 * the worker's log and opens those providers' breakers for an hour, so renders go straight to
 * the local fallbacks instead of each asset discovering the bad key on its own.
 */
import os from "node:os";
import path from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { ProviderError } from "~/plugins/spec";
import { type Db } from "~/server/db";
import * as breaker from "./breaker";
import { providerContext, providerRegistry } from "./providers";
import { env } from "~/env";

export const AUTH_FAILURE_OPEN_MS = 3_600_000;

export async function checkProviderCredentials(db: Db, log: (m: string) => void): Promise<{ ok: string[]; refused: string[] }> {
  const secrets = { GEMINI_API_KEY: env().GEMINI_API_KEY };
  const reg = providerRegistry();
  const targets = reg.configured(secrets).filter((p) => !p.local && p.doCheckCredentials);
  const ok: string[] = [];
  const refused: string[] = [];
  if (!targets.length) return { ok, refused };
  const dir = await mkdtemp(path.join(os.tmpdir(), "reelfarm-check-"));
  try {
    await Promise.all(
      targets.map(async (p) => {
        const ctx = providerContext(p, { signal: AbortSignal.timeout(10_000), outputDir: dir, logger: { debug() {}, info() {}, warn() {}, error() {} } });
        try {
          await p.doCheckCredentials!(ctx as never);
          ok.push(p.id);
        } catch (e) {
          const err = ProviderError.wrap(e, p.id);
          if (err.code === "auth") {
            refused.push(p.id);
            await breaker.open(db, p.id, p.model, new Date(Date.now() + AUTH_FAILURE_OPEN_MS), `auth: ${err.message.slice(0, 200)}`);
          } else log(`could not check ${p.id}'s credentials (${err.code}): ${err.message.slice(0, 200)}`);
        }
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (refused.length) {
    log(`ERROR: GEMINI_API_KEY was refused for ${refused.join(", ")}. Those providers are off for an hour (breaker open); local fallbacks will be used. Fix the key and restart, or reset the breakers in the admin page.`);
  }
  return { ok, refused };
}
