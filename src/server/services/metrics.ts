/**
 * Prometheus metrics (prom-client), gathered from PostgreSQL at scrape time.
 *
 * Why the database and not each process's registry: the web app, `npm start`'s worker and any
 * number of `npm run worker` hosts are separate processes, and everything worth counting is
 * already written to PostgreSQL where it happens — queue jobs (graphile-worker's tables),
 * renders with their status, start/finish times and per-stage timings, provider calls and
 * outcomes per provider/model/day (ProviderDailyStat, written by every host), breaker rows,
 * clip-cache entries and each render's cache hits and misses. So one scrape of one endpoint is
 * right for the whole installation, counters survive restarts, and no host needs a port of its
 * own or service discovery. Counters are sums over rows that are only ever added to (deleting a
 * campaign deletes its renders: Prometheus sees that as a counter reset). Histograms are
 * bucketed in SQL over the finished renders. Each scrape builds a fresh Registry, so a label set
 * that no longer exists (a breaker row removed) disappears instead of going stale.
 *
 * Metric names: `reelfarm_*`; durations in seconds, sizes in bytes, money in USD.
 */
import { Counter, Gauge, Histogram, Registry, type LabelValues, type MetricObjectWithValues, type MetricValueWithName } from "prom-client";
import { env } from "~/env";
import { type Db } from "~/server/db";

/** Render wall time, queue start to finish (s): a 6 s preview takes ~10 s, a 60 s final with Veo minutes. */
export const RENDER_BUCKETS_S = [5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1200];
/** One stage of a render (s): script and QA take under a second, assets and the encode tens of seconds. */
export const STAGE_BUCKETS_S = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

const RENDER_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
const BREAKER_STATES = ["closed", "open", "half_open"] as const;

type BucketRow = { labels: Record<string, string>; le: number; below: number; count: number; sum: number };

/**
 * A histogram whose buckets are counted in SQL. prom-client's Histogram only learns values one
 * observe() at a time; this one exposes precomputed cumulative bucket counts in the same
 * format, through the registry's metric interface (`get()`); its metadata (type, aggregator)
 * comes from a real prom-client Histogram of the same name.
 */
class SqlHistogram {
  readonly name: string;
  private readonly meta: Histogram<string>;
  constructor(
    cfg: { name: string; help: string; labelNames: string[]; buckets: number[] },
    private readonly rows: BucketRow[],
  ) {
    this.name = cfg.name;
    this.meta = new Histogram({ ...cfg, registers: [] });
  }
  async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const base = await this.meta.get();
    const groups = new Map<string, BucketRow[]>();
    for (const r of this.rows) {
      const k = JSON.stringify(r.labels);
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    const values: MetricValueWithName<string>[] = [];
    for (const rows of groups.values()) {
      const { labels, count, sum } = rows[0]!;
      for (const r of rows.sort((a, b) => a.le - b.le)) values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: r.le } as LabelValues<string>, value: r.below });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: "+Inf" } as LabelValues<string>, value: count });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    return { ...base, values };
  }
}

/**
 * One scrape: a fresh Registry filled from the database. Returns the registry (its
 * `metrics()` is the text exposition format) and how long the queries took (ms).
 * Throws when the database cannot be read.
 */
export async function collectMetrics(db: Db): Promise<Registry> {
  const t0 = performance.now();
  const registry = new Registry();
  const registers = [registry];

  // Queue: graphile-worker's jobs by task and state (its schema exists once a worker or an enqueue has run).
  const [schema] = await db.$queryRaw<{ ok: boolean }[]>`select to_regclass('graphile_worker._private_jobs') is not null as ok`;
  const jobs = !schema?.ok ? [] : await db.$queryRaw<{ task: string; ready: number; scheduled: number; running: number; failed: number }[]>`
    select t.identifier as task,
      count(*) filter (where j.locked_at is null and j.attempts < j.max_attempts and j.run_at <= now())::int as ready,
      count(*) filter (where j.locked_at is null and j.attempts < j.max_attempts and j.run_at > now())::int as scheduled,
      count(*) filter (where j.locked_at is not null)::int as running,
      count(*) filter (where j.locked_at is null and j.attempts >= j.max_attempts)::int as failed
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    group by t.identifier`;
  const queueJobs = new Gauge({ name: "reelfarm_queue_jobs", help: "graphile-worker jobs by task and state (ready: due and waiting for a worker; scheduled: runAt in the future, e.g. Veo polls and backoff; running: locked by a worker; failed: out of attempts)", labelNames: ["task", "state"], registers });
  const depth = new Gauge({ name: "reelfarm_queue_depth", help: "Jobs due and waiting for a worker (all tasks)", registers });
  depth.set(jobs.reduce((a, j) => a + j.ready, 0));
  for (const j of jobs) for (const state of ["ready", "scheduled", "running", "failed"] as const) queueJobs.set({ task: j.task, state }, j[state]);

  // Renders by status (all zero-filled so a status that empties shows 0, not nothing).
  const byStatus = await db.render.groupBy({ by: ["status"], _count: { _all: true } });
  const renders = new Gauge({ name: "reelfarm_renders", help: "Renders by status", labelNames: ["status"], registers });
  for (const s of RENDER_STATUSES) renders.set({ status: s }, byStatus.find((r) => r.status === s)?._count._all ?? 0);
  const warned = await db.render.count({ where: { status: "succeeded", qaWarnings: { gt: 0 } } });
  new Gauge({ name: "reelfarm_renders_with_qa_warnings", help: "Succeeded renders whose automatic checks found something", registers }).set(warned);

  // Render and stage durations of finished renders, bucketed in SQL.
  const renderRows = await db.$queryRaw<{ status: string; preset: string; le: number; below: number; count: number; sum: number }[]>`
    with d as (
      select status::text as status, preset::text as preset, extract(epoch from ("finishedAt" - "startedAt"))::float8 as s
      from "Render" where "finishedAt" is not null and "startedAt" is not null and status in ('succeeded', 'failed', 'cancelled'))
    select status, preset, b.le, count(*) filter (where s <= b.le)::int as below, count(*)::int as count, coalesce(sum(s), 0)::float8 as sum
    from d cross join unnest(${RENDER_BUCKETS_S}::float8[]) as b(le)
    group by status, preset, b.le`;
  registry.registerMetric(
    new SqlHistogram(
      { name: "reelfarm_render_duration_seconds", help: "Finished renders' wall time from start to finish, by outcome and preset", labelNames: ["status", "preset"], buckets: RENDER_BUCKETS_S },
      renderRows.map((r) => ({ labels: { status: r.status, preset: r.preset }, le: r.le, below: r.below, count: r.count, sum: r.sum })),
    ) as unknown as Histogram<string>,
  );
  const stageRows = await db.$queryRaw<{ stage: string; le: number; below: number; count: number; sum: number }[]>`
    with d as (
      select e.key as stage, (e.value::text)::float8 / 1000 as s
      from "Render" r, jsonb_each(r."stageTimings") e
      where r."finishedAt" is not null and jsonb_typeof(e.value) = 'number')
    select stage, b.le, count(*) filter (where s <= b.le)::int as below, count(*)::int as count, coalesce(sum(s), 0)::float8 as sum
    from d cross join unnest(${STAGE_BUCKETS_S}::float8[]) as b(le)
    group by stage, b.le`;
  registry.registerMetric(
    new SqlHistogram(
      { name: "reelfarm_render_stage_duration_seconds", help: "Finished renders' time per stage (script, assets, assemble, encode, qa …)", labelNames: ["stage"], buckets: STAGE_BUCKETS_S },
      stageRows.map((r) => ({ labels: { stage: r.stage }, le: r.le, below: r.below, count: r.count, sum: r.sum })),
    ) as unknown as Histogram<string>,
  );

  // Provider calls per provider/model and outcome, summed over ProviderDailyStat's days.
  const stats = await db.providerDailyStat.groupBy({ by: ["providerId", "model"], _sum: { calls: true, successes: true, quotaErrors: true, errors: true, fallbacks: true, costUsd: true } });
  const requests = new Counter({ name: "reelfarm_provider_requests_total", help: "Requests sent to a provider (a Veo start and each of its polls count)", labelNames: ["provider", "model"], registers });
  const calls = new Counter({ name: "reelfarm_provider_calls_total", help: "Provider answers by outcome: success, quota_error (429: daily or per-minute quota), error (5xx, timeout, 4xx, filtered, malformed)", labelNames: ["provider", "model", "outcome"], registers });
  const fallbacks = new Counter({ name: "reelfarm_provider_fallbacks_total", help: "Assets that moved on from this provider to the next in the chain (its error, or its breaker open)", labelNames: ["provider", "model"], registers });
  const cost = new Counter({ name: "reelfarm_provider_cost_usd_total", help: "Cost of successful calls (USD, from the providers' cost models)", labelNames: ["provider", "model"], registers });
  for (const s of stats) {
    const l = { provider: s.providerId, model: s.model };
    requests.inc(l, s._sum.calls ?? 0);
    calls.inc({ ...l, outcome: "success" }, s._sum.successes ?? 0);
    calls.inc({ ...l, outcome: "quota_error" }, s._sum.quotaErrors ?? 0);
    calls.inc({ ...l, outcome: "error" }, s._sum.errors ?? 0);
    fallbacks.inc(l, s._sum.fallbacks ?? 0);
    cost.inc(l, s._sum.costUsd ?? 0);
  }

  // Breakers: one series per provider/model and state, 1 for the current state.
  const breakers = await db.providerBreaker.findMany();
  const breakerState = new Gauge({ name: "reelfarm_breaker_state", help: "Quota breaker per provider/model: 1 for its current state (closed, open, half_open), 0 for the others", labelNames: ["provider", "model", "state"], registers });
  const breakerFailures = new Gauge({ name: "reelfarm_breaker_failures", help: "Consecutive failures recorded by the breaker", labelNames: ["provider", "model"], registers });
  for (const b of breakers) {
    for (const state of BREAKER_STATES) breakerState.set({ provider: b.providerId, model: b.model, state }, b.state === state ? 1 : 0);
    breakerFailures.set({ provider: b.providerId, model: b.model }, b.failures);
  }

  // Clip cache: hits and misses counted on each render, entries and bytes in CacheEntry.
  const [cacheUse] = await db.$queryRaw<{ hits: number; misses: number }[]>`select coalesce(sum("cacheHits"), 0)::float8 as hits, coalesce(sum("cacheMisses"), 0)::float8 as misses from "Render"`;
  const [cacheSize] = await db.$queryRaw<{ entries: number; bytes: number }[]>`select count(*)::float8 as entries, coalesce(sum(bytes), 0)::float8 as bytes from "CacheEntry"`;
  new Counter({ name: "reelfarm_cache_hits_total", help: "Ken Burns clips streamed from the cache", registers }).inc(cacheUse!.hits);
  new Counter({ name: "reelfarm_cache_misses_total", help: "Ken Burns clips built (not in the cache)", registers }).inc(cacheUse!.misses);
  const lookups = cacheUse!.hits + cacheUse!.misses;
  new Gauge({ name: "reelfarm_cache_hit_ratio", help: "Cache hits / (hits + misses) over all renders (0 before the first lookup); for a recent rate use rate() of the two counters", registers }).set(lookups ? cacheUse!.hits / lookups : 0);
  new Gauge({ name: "reelfarm_cache_bytes", help: "Bytes held by the clip cache", registers }).set(cacheSize!.bytes);
  new Gauge({ name: "reelfarm_cache_entries", help: "Clips held by the clip cache", registers }).set(cacheSize!.entries);
  new Gauge({ name: "reelfarm_cache_max_bytes", help: "The cache's cap (CACHE_MAX_BYTES)", registers }).set(env().CACHE_MAX_BYTES);

  // Worker hosts, on the database's clock.
  const [hosts] = await db.$queryRaw<{ online: number; silent: number }[]>`
    select count(*) filter (where "lastHeartbeatAt" >= now() - make_interval(secs => ${env().WORKER_OFFLINE_AFTER_SECONDS}::int))::int as online,
           count(*) filter (where "lastHeartbeatAt" < now() - make_interval(secs => ${env().WORKER_OFFLINE_AFTER_SECONDS}::int))::int as silent
    from "WorkerHost" where "stoppedAt" is null`;
  const workers = new Gauge({ name: "reelfarm_worker_hosts", help: "Worker hosts not stopped: online (heartbeat within WORKER_OFFLINE_AFTER_SECONDS) or silent (not yet swept)", labelNames: ["state"], registers });
  workers.set({ state: "online" }, hosts!.online);
  workers.set({ state: "silent" }, hosts!.silent);

  new Gauge({ name: "reelfarm_metrics_collect_seconds", help: "Time this scrape spent reading the database", registers }).set((performance.now() - t0) / 1000);
  return registry;
}
