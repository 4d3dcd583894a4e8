/**
 * Seeds the bench database in a few set-based statements: renders spread over 60 days (mostly
 * succeeded, some failed/cancelled), 17 assets each (script, music, 5 scenes x voiceover/image/
 * video), provider stats for 14 days, cache entries.
 */
import { type Db } from "~/server/db";

export async function seedRenders(db: Db, opts: { renders: number; campaigns: string[]; users: string[] }) {
  const settings = {
    campaignId: "x",
    campaign: { name: "Bench", product: "Boots", audience: "Hikers", message: "Dry feet.", tone: "friendly", targetSeconds: 12, aspect: "9:16", fps: 24, voice: "slt", musicMood: "upbeat", brandColor: "#4f46e5", captionStyle: { preset: "karaoke" } },
    images: [],
    preset: "final",
    variant: { voice: "kal" },
    script: null,
  };
  const timings = { script: 120, assets: 9000, assemble: 21000, "assemble.validate": 300, "assemble.audio": 2500, "assemble.kenBurns": 9000, "assemble.assemble": 8700 };
  await db.$executeRaw`
    insert into "Render" (id, "campaignId", "queuedById", status, preset, progress, stage, settings, "outputFile", "outputBytes", "durationSec", encoder,
      "cacheHits", "cacheMisses", "costUsd", "stageTimings", attempt, "batchId", "createdAt", "startedAt", "finishedAt", "updatedAt")
    select 'bench' || lpad(g::text, 6, '0'),
      (${opts.campaigns}::text[])[1 + g % ${opts.campaigns.length}],
      (${opts.users}::text[])[1 + g % ${opts.users.length}],
      (case when g % 20 = 0 then 'failed' when g % 33 = 0 then 'cancelled' else 'succeeded' end)::"RenderStatus",
      (case when g % 3 = 0 then 'preview' else 'final' end)::"RenderPreset",
      100, case when g % 20 = 0 then 'failed' else 'done' end, ${JSON.stringify(settings)}::jsonb,
      'renders/bench' || g || '/output.mp4', 7000000, 12.4, 'libx264', g % 5, 5 - g % 5, 0.25, ${JSON.stringify(timings)}::jsonb, 1,
      case when g % 10 < 4 then 'batch-' || (g / 10) else null end,
      now() - (g * interval '518 seconds'), now() - (g * interval '518 seconds') + interval '1 second', now() - (g * interval '518 seconds') + interval '31 seconds', now()
    from generate_series(1, ${opts.renders}) g`;
  const attempts = [
    { providerId: "google-veo", model: "veo-3.1", outcome: "failed", code: "quota", message: "daily quota exhausted", at: new Date().toISOString(), ms: 300 },
    { providerId: "local-kenburns", model: "kenburns-v1", outcome: "succeeded", at: new Date().toISOString(), ms: 90 },
  ];
  await db.$executeRaw`
    insert into "RenderAsset" (id, "renderId", kind, "sceneIndex", status, "providerId", attempts, "fallbackReason", file, "mimeType", "durationSec", "costUsd", "startedAt", "finishedAt", "createdAt")
    select r.id || '-' || k.kind || '-' || s, r.id, k.kind::"AssetKind", s, 'succeeded'::"AssetStatus",
      case k.kind when 'video' then 'local-kenburns' when 'voiceover' then 'local-voice' when 'image' then 'local-card' when 'music' then 'local-music' else 'local-template' end,
      case k.kind when 'video' then ${JSON.stringify(attempts)}::jsonb else '[]'::jsonb end,
      case k.kind when 'video' then 'google-veo: daily quota exhausted' else null end,
      'renders/' || r.id || '/assets/' || k.kind || s, 'application/octet-stream', 2.4, 0.05,
      r."startedAt", r."startedAt" + interval '5 seconds', r."createdAt"
    from "Render" r
    cross join (values ('voiceover'), ('image'), ('video')) k(kind)
    cross join generate_series(0, 4) s
    where r.id like 'bench%'
    union all
    select r.id || '-' || k.kind, r.id, k.kind::"AssetKind", -1, 'succeeded'::"AssetStatus", 'local-' || k.kind, '[]'::jsonb, null, null, null, null, 0, r."startedAt", r."startedAt" + interval '1 second', r."createdAt"
    from "Render" r cross join (values ('script'), ('music')) k(kind) where r.id like 'bench%'`;
  await db.$executeRaw`
    insert into "ProviderDailyStat" ("providerId", model, day, calls, successes, "quotaErrors", errors, fallbacks, "costUsd")
    select p, 'm', (current_date - d), 200 + d, 180, d % 4, 1, d % 5, 3.5
    from unnest(array['google-veo', 'google-tts', 'google-lyria', 'google-gemini-script', 'local-kenburns', 'local-voice']) p cross join generate_series(0, 13) d`;
  await db.$executeRaw`
    insert into "CacheEntry" (key, file, bytes, sha256, hits, params, "buildMs", "createdAt", "lastUsedAt")
    select md5(g::text) || md5((g + 1)::text), 'cache/segments/' || left(md5(g::text), 2) || '/' || md5(g::text) || '.mp4', 250000, md5(g::text) || md5(g::text), g % 17, '{"kind":"body"}'::jsonb, 1800, now() - g * interval '1 minute', now() - g * interval '30 seconds'
    from generate_series(1, 300) g`;
  await db.$executeRaw`analyze`;
  const [r, a] = await Promise.all([db.render.count(), db.renderAsset.count()]);
  return { renders: r, assets: a };
}
