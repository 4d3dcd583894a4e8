/**
 * One asset through its provider chain, behind the breaker, with every decision recorded.
 *
 * Invariants:
 * - Nothing sleeps. A per-minute quota or a 5xx reschedules this job (runAt) and returns; a Veo
 *   generation stores its operation handle and schedules asset:poll.
 * - A daily quota opens the breaker and falls back in the same job, at once.
 * - A succeeded asset is never generated again (retries and duplicate jobs are no-ops), so a
 *   retried render calls no provider for what it already has.
 * - Before a paid provider is called, the same request (content key) already made in the team is
 *   reused, or waited for while another asset is paying for it (asset-reuse.ts); a render queued
 *   with `regenerate` skips both and calls the provider.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { ProviderError, type AssetResult, type Provider, type ProviderLogger, type VideoStatus } from "~/plugins/spec";
import { type Script } from "~/plugins/spec/schemas";
import { type Db } from "~/server/db";
import { enqueue } from "~/server/jobs";
import { storage } from "~/server/storage";
import { type RenderAsset } from "~/server/generated/prisma/client";
import * as breaker from "../breaker";
import { getProvider, providerChain, providerContext } from "../providers";
import { renderSettingsSchema, type RenderSettings } from "../renders";
import { decide } from "./retry-policy";
import { imageForScene, imageInput, musicInput, scriptInput, videoInput, voiceoverInput, applyVariant } from "./inputs";
import { onAssetSettled } from "./fanout";
import { finalizeScript } from "./script-fit";
import { providerSlots } from "./limits";
import { checkGeneratedAsset, type Expected } from "./asset-checks";
import { claim, contentKeyOf, findReusable, releaseClaim, reuseScopeOf, WAIT_RECHECK_MS, type RequestDescription } from "./asset-reuse";

/** What the asset's provider was asked for, as the checks need it. */
function expectedOf({ asset, settings, script }: Loaded): Expected {
  const scene = script?.scenes[asset.sceneIndex];
  if (asset.kind === "voiceover" && scene) return { text: scene.narration, language: settings.campaign.language };
  if (asset.kind === "video" && script) return { durationSec: videoInput(script, asset.sceneIndex).durationSec };
  return {};
}

export const ASSET_ATTEMPTS = 3;
export const POLL_ATTEMPTS = 3;

interface AttemptRecord {
  providerId: string;
  model: string;
  outcome: "succeeded" | "retry" | "failed" | "skipped" | "pending" | "reused";
  code?: string;
  message?: string;
  at: string;
  ms?: number;
  /** The worker host that made the call. */
  host?: string;
  /** When the breaker was asked (ISO): the call's admission. */
  admittedAt?: string;
}

export interface AssetJobContext {
  signal: AbortSignal;
  logger: ProviderLogger;
  /** Identifies this worker host for the breaker's half-open trial. */
  caller: string;
}

type Loaded = { asset: RenderAsset; settings: RenderSettings; script: Script | null; scope: string };

async function load(db: Db, renderId: string, assetId: string): Promise<Loaded | null> {
  const render = await db.render.findUnique({ where: { id: renderId } });
  const asset = await db.renderAsset.findUnique({ where: { id: assetId } });
  if (!render || !asset || render.status !== "running") return null;
  const settings = renderSettingsSchema.parse(render.settings);
  const scriptRow = asset.kind === "script" ? null : await db.renderAsset.findFirst({ where: { renderId, kind: "script", status: "succeeded" } });
  const script = scriptRow ? (scriptRow.data as unknown as Script) : null;
  const campaign = await db.campaign.findUniqueOrThrow({ where: { id: render.campaignId }, select: { id: true, teamId: true, createdById: true } });
  return { asset, settings, script, scope: reuseScopeOf(campaign) };
}

/** The providers to try for this asset, in order. */
function chainFor({ asset, settings }: Loaded): Provider[] {
  if (asset.kind === "image" && settings.images.length > 0) return [getProvider("local-card")];
  if (asset.kind === "clip") throw new Error("clip assets are made by the assembly, not by providers");
  return providerChain(asset.kind);
}

/** What a `do…` call resolves to (script and voiceover results extend AssetResult). */
type ProviderResult = AssetResult | VideoStatus;

/** A prepared provider call: the request itself, and what it asks for (its content key's description). */
interface Prepared {
  request: () => Promise<ProviderResult>;
  /** The request with input files named by sha256 (see asset-reuse.ts). */
  description: RequestDescription;
  /** The provider cost model's estimate of the request (USD): what a reuse saves. */
  estimatedUsd: number;
  /** True when `request` checks an operation this asset already started (a Veo poll). */
  resumed: boolean;
}

/**
 * Everything a call needs is read and built first; the returned thunk only makes the request,
 * so the breaker's admission (taken right before it runs) is as close to the request as it can be.
 */
async function prepare(
  db: Db,
  p: Provider,
  l: Loaded,
  outputDir: string,
  ctx: AssetJobContext,
  resume: boolean,
  fetch: typeof globalThis.fetch,
): Promise<Prepared> {
  const pctx = providerContext(p, { signal: ctx.signal, outputDir, logger: ctx.logger, fetch });
  const s = l.settings;
  const scene = l.asset.sceneIndex;
  /** `files`: the input's file fields named by sha256 instead of their local paths. */
  const describe = (input: unknown, files: Record<string, unknown> = {}, resumed = false): Omit<Prepared, "request"> => {
    const requestKey = p.requestKey as ((i: unknown, o: unknown) => unknown) | undefined;
    const keyInput = { ...(requestKey ? (requestKey(input, pctx.options) as object) : (input as object)), ...files };
    let estimatedUsd = 0;
    try {
      estimatedUsd = Math.max(0, (p.costModel.estimateUsd as (i: unknown, o: unknown) => number)(input, pctx.options));
    } catch {
      // An estimate is informative only (the money a reuse saved).
    }
    return { description: { kind: p.kind, providerId: p.id, model: p.model, options: pctx.options, input: keyInput }, estimatedUsd, resumed };
  };
  switch (p.kind) {
    case "script": {
      const input = scriptInput(s);
      return { request: () => p.doGenerateScript(input, pctx), ...describe(input) };
    }
    case "voiceover": {
      const input = voiceoverInput(p, s, l.script!, scene);
      return { request: () => p.doSynthesize(input, pctx), ...describe(input) };
    }
    case "music": {
      const input = musicInput(s, l.script!);
      return { request: () => p.doGenerateMusic(input, pctx), ...describe(input) };
    }
    case "image": {
      const up = imageForScene(s.images, scene);
      const ref = up ? { file: await (await storage()).localPath(up.file), mimeType: up.mimeType } : undefined;
      const input = imageInput(s, l.script!, scene, ref);
      const files = up ? { referenceImage: { sha256: up.sha256, mimeType: up.mimeType } } : {};
      return { request: () => p.doGenerateImage(input, pctx), ...describe(input, files) };
    }
    case "video": {
      const still = await db.renderAsset.findFirst({ where: { renderId: l.asset.renderId, kind: "image", sceneIndex: scene, status: "succeeded" } });
      const image = still?.file ? { file: await (await storage()).localPath(still.file), mimeType: still.mimeType ?? "image/png" } : undefined;
      const input = videoInput(l.script!, scene, image);
      const files = image ? { image: { sha256: still!.sha256, mimeType: image.mimeType } } : {};
      // A poll checks the operation of the provider that started it; a fallback starts afresh.
      const handle = (l.asset.data as { handle?: { providerId?: string } } | null)?.handle;
      if (resume && handle?.providerId === p.id) return { request: () => p.doCheckVideo(handle as never, pctx), ...describe(input, files, true) };
      return { request: () => p.doStartVideo(input, pctx), ...describe(input, files) };
    }
  }
}

/** A finished script asset's provider script: what a reuse re-finalizes for its own render. */
function providerScriptOf(a: RenderAsset): Script {
  const d = a.data as unknown as Script & { providerScript?: Script };
  return d.providerScript ?? d;
}

/**
 * The reuse step before a paid call: the team's intact copy of this request (reused), another
 * asset paying for it right now (wait), or the claim to pay for it (call).
 */
async function reuseOrClaim(db: Db, l: Loaded, key: string): Promise<{ reuse: RenderAsset } | { waitFor: string } | { call: true }> {
  for (let round = 0; round < 2; round++) {
    const from = await findReusable(db, l.scope, key, l.asset.id);
    if (from) return { reuse: from };
    const c = await claim(db, l.asset.id, l.scope, key);
    if (c.claimed) return { call: true };
    if ("leaderId" in c) return { waitFor: c.leaderId };
  }
  // Succeeded rows keep appearing and none is usable: pay for it.
  return { call: true };
}

/** Appends one attempt to the asset's record (one statement: no read-modify-write). */
async function record(db: Db, assetId: string, a: AttemptRecord) {
  await db.$executeRaw`update "RenderAsset" set attempts = attempts || jsonb_build_array(${JSON.stringify(a)}::jsonb) where id = ${assetId}`;
}

/** Stores a provider's output file and marks the asset succeeded. */
export async function storeResult(
  db: Db,
  asset: RenderAsset,
  p: Provider,
  result: { file: string; mimeType: string; durationSec?: number; costUsd: number; warnings: unknown[]; words?: unknown; script?: unknown },
  fallbackReason: string | null,
  index?: { scope: string; key: string },
) {
  const bytes = await fs.readFile(result.file);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const ext = path.extname(result.file).replace(/[^.a-z0-9]/gi, "") || ".bin";
  const key = `renders/${asset.renderId}/assets/${asset.kind}${asset.sceneIndex >= 0 ? `-${asset.sceneIndex}` : ""}-${sha256.slice(0, 12)}${ext}`;
  await (await storage()).putFile(key, result.file, { move: true });
  const data = result.script ?? (result.words ? { words: result.words, warnings: result.warnings } : { warnings: result.warnings });
  await db.renderAsset.update({
    where: { id: asset.id },
    data: {
      status: "succeeded",
      providerId: p.id,
      file: key,
      mimeType: result.mimeType,
      sha256,
      durationSec: result.durationSec ?? null,
      data: data as object,
      costUsd: result.costUsd,
      fallbackReason,
      finishedAt: new Date(),
      error: null,
      ...(index ? { reuseScope: index.scope, contentKey: index.key } : {}),
    },
  });
}

/** Marks `asset` succeeded with `from`'s stored file (no provider call), recording where it came from and what it saved. */
async function storeReused(db: Db, asset: RenderAsset, from: RenderAsset, index: { scope: string; key: string }, savedUsd: number) {
  await db.renderAsset.update({
    where: { id: asset.id },
    data: {
      status: "succeeded",
      providerId: from.providerId,
      file: from.file,
      mimeType: from.mimeType,
      sha256: from.sha256,
      durationSec: from.durationSec,
      data: (from.data ?? undefined) as object | undefined,
      costUsd: 0,
      savedUsd,
      reusedFromAssetId: from.id,
      reusedFromRenderId: from.renderId,
      reuseScope: index.scope,
      contentKey: index.key,
      fallbackReason: from.fallbackReason,
      finishedAt: new Date(),
      error: null,
    },
  });
}

/**
 * The settled row; a script is first finalized for this render (variant hook, fit) from its
 * provider script, which is kept beside it (`providerScript`) so a reuse can finalize it again.
 */
async function finalizeIfScript(db: Db, assetId: string, l: Loaded, p: Provider): Promise<RenderAsset> {
  const settled = await db.renderAsset.findUniqueOrThrow({ where: { id: assetId } });
  if (settled.kind !== "script") return settled;
  const raw = providerScriptOf(settled);
  const script = finalizeScript(applyVariant(raw, l.settings), l.settings, p.displayName);
  // The fan-out must count the finalized script's scenes (it may drop optional ones), not the provider's.
  return db.renderAsset.update({ where: { id: assetId }, data: { data: { ...script, providerScript: raw } as object } });
}

/**
 * Runs asset:generate (and, with `resume`, asset:poll) for one asset.
 * Returns what happened, for logs and tests.
 */
export async function runAsset(db: Db, renderId: string, assetId: string, ctx: AssetJobContext, resume?: { polls: number }): Promise<string> {
  const l = await load(db, renderId, assetId);
  if (!l) {
    // A cancelled render's asset that was still waiting (or running when the render was cancelled) ends cancelled.
    await db.$executeRaw`update "RenderAsset" a set status = 'cancelled', "finishedAt" = now() from "Render" r
      where a.id = ${assetId} and r.id = a."renderId" and r.status = 'cancelled' and a.status in ('pending', 'running')`;
    return "skipped: render not running";
  }
  if (l.asset.status === "succeeded" || l.asset.status === "failed") {
    await onAssetSettled(db, l.asset);
    return `already ${l.asset.status}`;
  }
  if (l.asset.kind !== "script" && !l.script) throw new Error(`render ${renderId} has no script yet`);
  await db.renderAsset.update({ where: { id: assetId }, data: { status: "running", startedAt: l.asset.startedAt ?? new Date() } });

  const chain = chainFor(l);
  const attempts = (l.asset.attempts as unknown as AttemptRecord[]) ?? [];
  // Providers already given up on for this asset are skipped; resume at the first one left.
  const givenUp = new Set(attempts.filter((a) => a.outcome === "failed" || a.outcome === "skipped").map((a) => a.providerId));
  let fallbackReason: string | null = attempts.filter((a) => a.outcome === "failed" || a.outcome === "skipped").map((a) => `${a.providerId}: ${a.code ?? a.message}`).at(-1) ?? null;
  const outputDir = await fs.mkdtemp(path.join(os.tmpdir(), `reelfarm-asset-`));
  try {
    for (const p of chain) {
      if (givenUp.has(p.id)) continue;
      if (ctx.signal.aborted) throw new Error("aborted");
      const call = new breaker.BreakerCall(db, p, ctx.caller);
      let admittedAt = "";
      let t0 = 0;
      // The content key this asset holds for p's request (its claim, or its index entry once stored).
      let key: string | undefined;
      try {
        const { request, description, estimatedUsd, resumed } = await prepare(db, p, l, outputDir, ctx, Boolean(resume), call.fetch);
        if (!p.local) {
          key = contentKeyOf(description);
          if (!resumed && !l.settings.regenerate) {
            const found = await reuseOrClaim(db, l, key);
            if ("waitFor" in found) {
              // Woken by the leader when its request ends; the recheck covers a leader that vanished.
              // preserve_run_at: a wake-up the leader queued meanwhile (run now) must not be pushed back.
              await enqueue("asset:generate", { renderId, assetId }, { jobKey: `asset:${assetId}`, jobKeyMode: "preserve_run_at", maxAttempts: ASSET_ATTEMPTS, runAt: new Date(Date.now() + WAIT_RECHECK_MS) });
              return `waiting for asset ${found.waitFor} (same ${p.id} request)`;
            }
            if ("reuse" in found) {
              const from = found.reuse;
              await storeReused(db, l.asset, from, { scope: l.scope, key }, estimatedUsd);
              await record(db, assetId, { providerId: p.id, model: p.model, outcome: "reused", message: `render ${from.renderId}, asset ${from.id}`, at: new Date().toISOString(), host: ctx.caller });
              await onAssetSettled(db, await finalizeIfScript(db, assetId, l, p));
              return `reused ${from.id} of render ${from.renderId}`;
            }
          }
        }
        // Inside the provider's concurrency slot: ask the breaker, then call at once (and the
        // breaker's fetch asks again as the request leaves).
        type Outcome = { refused: breaker.Refusal } | { res: ProviderResult };
        const outcome = await providerSlots(p.id, p.maxConcurrency).run(async (): Promise<Outcome> => {
          admittedAt = new Date().toISOString();
          const admission = await call.admit(ctx.signal);
          if (!admission.allowed) return { refused: admission };
          t0 = Date.now();
          try {
            return { res: await request() };
          } catch (e) {
            if (call.refusedAsSent) return { refused: call.refusedAsSent };
            throw e;
          }
        }, ctx.signal);
        if ("refused" in outcome && outcome.refused.state === "probing") {
          // Another host's first call of the quota window is out: ask again once it has answered.
          const a = outcome.refused;
          await db.renderAsset.update({ where: { id: assetId }, data: { status: "pending" } });
          const runAt = new Date(Date.now() + a.retryInMs);
          if (resume) await enqueue("asset:poll", { renderId, assetId, polls: resume.polls }, { jobKey: `asset:poll:${assetId}`, maxAttempts: POLL_ATTEMPTS, runAt });
          else await enqueue("asset:generate", { renderId, assetId }, { jobKey: `asset:${assetId}`, maxAttempts: ASSET_ATTEMPTS, runAt });
          return `held by ${p.id}'s ${a.reason}; again in ${a.retryInMs} ms`;
        }
        if ("refused" in outcome) {
          const a = outcome.refused;
          const why = `breaker ${a.state} until ${a.resetAt?.toISOString() ?? "?"}${a.reason ? ` (${a.reason})` : ""}`;
          await record(db, assetId, { providerId: p.id, model: p.model, outcome: "skipped", code: "breaker_open", message: why, at: new Date().toISOString(), host: ctx.caller, admittedAt });
          await breaker.countStat(db, p.id, p.model, "fallbacks");
          fallbackReason = `${p.id}: ${why}`;
          if (key) await releaseClaim(db, l.asset, l.scope, key, { drop: true, attempts: ASSET_ATTEMPTS });
          continue;
        }
        await breaker.countStat(db, p.id, p.model, "calls");
        const res = outcome.res;
        if (res && "status" in res && res.status === "pending") {
          // The operation was accepted: the quota answered, so the window is proven.
          await call.succeeded();
          await db.renderAsset.update({ where: { id: assetId }, data: { providerId: p.id, data: { handle: res.handle } as object } });
          await enqueue(
            "asset:poll",
            { renderId, assetId, polls: (resume?.polls ?? 0) + 1 },
            { jobKey: `asset:poll:${assetId}`, maxAttempts: POLL_ATTEMPTS, runAt: new Date(Date.now() + res.nextPollInMs) },
          );
          return `pending on ${p.id}`;
        }
        const result = res && "status" in res ? res.result : res;
        // An answer the assembly could not use is this provider's malformed_response: the catch below falls back.
        await checkGeneratedAsset(l.asset.kind, p.id, result, expectedOf(l), ctx.signal);
        await call.succeeded();
        await breaker.countStat(db, p.id, p.model, "successes", result.costUsd);
        await record(db, assetId, { providerId: p.id, model: p.model, outcome: "succeeded", at: new Date().toISOString(), host: ctx.caller, admittedAt, ms: Date.now() - t0 });
        await storeResult(db, l.asset, p, result as never, fallbackReason, key ? { scope: l.scope, key } : undefined);
        if (key) await releaseClaim(db, l.asset, l.scope, key, { drop: false, attempts: ASSET_ATTEMPTS });
        await onAssetSettled(db, await finalizeIfScript(db, assetId, l, p));
        return `succeeded on ${p.id}`;
      } catch (e) {
        if (!t0) throw e; // failed before reaching the provider (aborted, database): the job retries
        const err = ProviderError.wrap(e, p.id);
        const d = decide(err, l.asset.retries);
        await call.failed(err, d.action === "open-breaker" ? d.resetAt : undefined);
        await breaker.countStat(db, p.id, p.model, "calls");
        await breaker.countStat(db, p.id, p.model, err.code === "quota" || err.code === "rate_limited" ? "quotaErrors" : "errors");
        ctx.logger.warn(`${p.id} failed for asset ${assetId}: ${err.code} -> ${d.action}`, { message: err.message });
        if (d.action === "retry") {
          await record(db, assetId, { providerId: p.id, model: p.model, outcome: "retry", code: err.code, message: err.message.slice(0, 300), at: new Date().toISOString(), host: ctx.caller, admittedAt, ms: Date.now() - t0 });
          await db.renderAsset.update({ where: { id: assetId }, data: { retries: { increment: 1 }, status: "pending" } });
          await enqueue("asset:generate", { renderId, assetId }, { jobKey: `asset:${assetId}`, maxAttempts: ASSET_ATTEMPTS, runAt: new Date(Date.now() + d.delayMs) });
          return `retry ${p.id} in ${d.delayMs} ms (${d.why})`;
        }
        await breaker.countStat(db, p.id, p.model, "fallbacks");
        await record(db, assetId, { providerId: p.id, model: p.model, outcome: "failed", code: err.code, message: err.message.slice(0, 300), at: new Date().toISOString(), host: ctx.caller, admittedAt, ms: Date.now() - t0 });
        await db.renderAsset.update({ where: { id: assetId }, data: { retries: 0 } });
        if (key) await releaseClaim(db, l.asset, l.scope, key, { drop: true, attempts: ASSET_ATTEMPTS });
        fallbackReason = `${p.id}: ${d.why}${err.code === "malformed_response" ? ` (${err.message.slice(0, 200)})` : ""}`;
      } finally {
        await call.end(); // however the call ended (thrown before the provider, a 429 a plugin recovered from)
      }
    }
    const failed = await db.renderAsset.update({
      where: { id: assetId },
      data: { status: "failed", error: `every provider failed (${fallbackReason ?? "no provider configured"})`, finishedAt: new Date() },
    });
    await onAssetSettled(db, failed);
    return "failed";
  } finally {
    await fs.rm(outputDir, { recursive: true, force: true });
  }
}
