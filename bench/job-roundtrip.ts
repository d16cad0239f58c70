// Job round-trip and health-check figures for the two storage layouts: embedded (PGlite in memory,
// in-process queue) and scale-out (PostgreSQL + Redis, BullMQ). Run with `npm run bench:jobs`.
//
// Scale-out needs BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and
// BENCH_REDIS_URL (default redis://127.0.0.1:6379); without them only the embedded layout runs.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { and, eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { queueProbeJob } from '../src/features/health/jobs.js';
import { jobs } from '../src/infra/db/schema.js';
import type { JobHandler } from '../src/jobs/job-handler.js';
import { findJob } from '../src/jobs/job-repository.js';
import { jobHandlersByKind } from '../src/jobs/registry.js';
import { createLogger } from '../src/logger.js';
import { startWorker } from '../src/process/worker-role.js';
import { createServices, type Services } from '../src/services.js';

const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const BENCH_KIND = 'bench_noop';
// Unmeasured: the first jobs pay for JIT, connection set-up and BullMQ's blocking connection.
const LATENCY_WARMUP_JOBS = 10;
const LATENCY_JOBS = 200;
const LATENCY_POLL_MS = 2;
const THROUGHPUT_JOBS = 2000;
const THROUGHPUT_SUBMITTERS = 50;
const THROUGHPUT_POLL_MS = 10;
const HEALTH_WARMUP_REQUESTS = 50;
const HEALTH_REQUESTS = 2000;
// Bounds every wait, so a stuck queue fails the run instead of hanging it.
const JOB_TIMEOUT_MS = 10_000;
const THROUGHPUT_TIMEOUT_MS = 60_000;

const COMMON_ENV = {
  SECRET_KEY: 'bench-secret-key-long-enough-to-sign-tokens-0123456789',
  LOG_LEVEL: 'silent',
  JOB_LEASE_SECONDS: '30',
  WORKER_CONCURRENCY: '8',
} as const;

const benchNoopJob: JobHandler<Services> = {
  kind: BENCH_KIND,
  maxAttempts: 1,
  async perform() {},
};

type LayoutName = 'embedded' | 'scale-out';

interface Layout {
  name: LayoutName;
  services: Services;
  close(): Promise<void>;
}

interface LayoutResult {
  latencyP50: number;
  latencyP95: number;
  latencyP99: number;
  jobsPerSecond: number;
  healthPerSecond: number;
  healthP50: number;
  healthP99: number;
}

function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Nearest-rank percentile of an ascending list. */
function percentile(sorted: readonly number[], p: number): number {
  const value = sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  if (value === undefined) throw new Error('percentile of an empty list');
  return value;
}

function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

async function submitJob(services: Services, phase: string): Promise<string> {
  return services.jobs.transactionWithJobs(async (_tx, addJob) => (await addJob({ kind: BENCH_KIND, payload: { phase } })).id);
}

async function waitForSucceeded(services: Services, jobId: string): Promise<void> {
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const row = await findJob(services.database.db, jobId);
    if (row?.status === 'succeeded') return;
    if (row?.status === 'failed') throw new Error(`job ${jobId} failed: ${row.errorCode ?? ''} ${row.error ?? ''}`);
    if (Date.now() > deadline) throw new Error(`job ${jobId} not succeeded after ${JOB_TIMEOUT_MS} ms (status ${row?.status ?? 'missing'})`);
    await sleep(LATENCY_POLL_MS);
  }
}

/** Milliseconds from the start of the transaction that commits the job until its row is seen succeeded. */
async function roundTripMs(services: Services, phase: string): Promise<number> {
  const started = performance.now();
  const jobId = await submitJob(services, phase);
  await waitForSucceeded(services, jobId);
  return performance.now() - started;
}

async function countByStatus(services: Services, phase: string): Promise<{ succeeded: number; failed: number }> {
  const [row] = await services.database.db
    .select({
      succeeded: sql<number>`count(*) filter (where ${jobs.status} = 'succeeded')`.mapWith(Number),
      failed: sql<number>`count(*) filter (where ${jobs.status} = 'failed')`.mapWith(Number),
    })
    .from(jobs)
    .where(and(eq(jobs.kind, BENCH_KIND), sql`${jobs.payload}->>'phase' = ${phase}`));
  return row ?? { succeeded: 0, failed: 0 };
}

async function measureLatency(services: Services): Promise<number[]> {
  for (let i = 0; i < LATENCY_WARMUP_JOBS; i++) await roundTripMs(services, 'warmup');
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_JOBS; i++) samples.push(await roundTripMs(services, 'latency'));
  return ascending(samples);
}

async function measureThroughput(services: Services): Promise<number> {
  const phase = 'throughput';
  const started = performance.now();
  let submitted = 0;
  await Promise.all(
    Array.from({ length: THROUGHPUT_SUBMITTERS }, async () => {
      while (submitted < THROUGHPUT_JOBS) {
        submitted++;
        await submitJob(services, phase);
      }
    }),
  );
  const deadline = Date.now() + THROUGHPUT_TIMEOUT_MS;
  for (;;) {
    const { succeeded, failed } = await countByStatus(services, phase);
    if (failed > 0) throw new Error(`${failed} throughput jobs failed`);
    if (succeeded >= THROUGHPUT_JOBS) break;
    if (Date.now() > deadline) throw new Error(`only ${succeeded}/${THROUGHPUT_JOBS} throughput jobs succeeded after ${THROUGHPUT_TIMEOUT_MS} ms`);
    await sleep(THROUGHPUT_POLL_MS);
  }
  return THROUGHPUT_JOBS / ((performance.now() - started) / 1000);
}

async function measureHealth(services: Services): Promise<{ perSecond: number; sorted: number[] }> {
  const app = await buildApp(services);
  try {
    const request = async (): Promise<void> => {
      const response = await app.inject({ method: 'GET', url: '/core/health/' });
      if (response.statusCode !== 200) throw new Error(`GET /core/health/ answered ${response.statusCode}: ${response.body}`);
    };
    for (let i = 0; i < HEALTH_WARMUP_REQUESTS; i++) await request();
    const samples: number[] = [];
    const started = performance.now();
    for (let i = 0; i < HEALTH_REQUESTS; i++) {
      const before = performance.now();
      await request();
      samples.push(performance.now() - before);
    }
    return { perSecond: HEALTH_REQUESTS / ((performance.now() - started) / 1000), sorted: ascending(samples) };
  } finally {
    await app.close();
  }
}

async function benchmark(layout: Layout): Promise<LayoutResult> {
  const { services } = layout;
  // The probe handler is registered too: without it every health check waits out its probe and answers 503.
  const worker = startWorker(services, jobHandlersByKind([queueProbeJob, benchNoopJob]));
  try {
    const latency = await measureLatency(services);
    const latencyResult = { latencyP50: percentile(latency, 50), latencyP95: percentile(latency, 95), latencyP99: percentile(latency, 99) };
    console.log(
      `${layout.name}: latency over ${LATENCY_JOBS} sequential jobs  p50 ${latencyResult.latencyP50.toFixed(2)} ms  ` +
        `p95 ${latencyResult.latencyP95.toFixed(2)} ms  p99 ${latencyResult.latencyP99.toFixed(2)} ms`,
    );
    const jobsPerSecond = await measureThroughput(services);
    console.log(`${layout.name}: throughput of ${THROUGHPUT_JOBS} jobs, ${THROUGHPUT_SUBMITTERS} submitters  ${jobsPerSecond.toFixed(0)} jobs/s`);
    const health = await measureHealth(services);
    const healthResult = { healthPerSecond: health.perSecond, healthP50: percentile(health.sorted, 50), healthP99: percentile(health.sorted, 99) };
    console.log(
      `${layout.name}: GET /core/health/ x${HEALTH_REQUESTS}  ${healthResult.healthPerSecond.toFixed(0)} req/s  ` +
        `p50 ${healthResult.healthP50.toFixed(2)} ms  p99 ${healthResult.healthP99.toFixed(2)} ms`,
    );
    return { ...latencyResult, jobsPerSecond, ...healthResult };
  } finally {
    await worker.stop(1000);
  }
}

async function openEmbedded(): Promise<Layout> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-bench-'));
  try {
    // createServices keeps PGlite in memory only when it starts from a dump, so start from an empty one.
    const empty = await PGlite.create();
    const template = await empty.dumpDataDir('none');
    await empty.close();
    const config = loadConfig({ ...COMMON_ENV, DATA_DIR: dataDir });
    const services = await createServices(config, { logger: createLogger(config.logLevel), role: 'bench', migrate: true, pgliteTemplate: template });
    return {
      name: 'embedded',
      services,
      async close() {
        try {
          await services.close();
        } finally {
          await rm(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Why the scale-out services cannot be used, or undefined when both answer. */
async function scaleOutProblem(): Promise<string | undefined> {
  const problems: string[] = [];
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    problems.push(`PostgreSQL at ${databaseUrl}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // connect() only says "Connection is closed"; the cause arrives as an error event.
  let cause: Error | undefined;
  redis.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    problems.push(`Redis at ${redisUrl}: ${(cause ?? (error as Error)).message}`);
  } finally {
    redis.disconnect();
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

async function withAdmin(work: (admin: pg.Client) => Promise<void>): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.end();
  }
}

/** BullMQ and the cache leave keys behind; the random prefix makes them safe to delete. */
async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function openScaleOut(): Promise<Layout> {
  const databaseName = uniqueName('cvimprover_bench');
  const redisKeyPrefix = uniqueName('cvibench');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-bench-'));
  let services: Services | undefined;
  let databaseCreated = false;
  const close = async (): Promise<void> => {
    try {
      await services?.close();
    } finally {
      if (databaseCreated) await withAdmin((admin) => admin.query(`drop database if exists ${databaseName} with (force)`).then(() => undefined));
      await deleteRedisKeys(redisKeyPrefix);
      await rm(dataDir, { recursive: true, force: true });
    }
  };
  try {
    await withAdmin((admin) => admin.query(`create database ${databaseName}`).then(() => undefined));
    databaseCreated = true;
    const url = new URL(databaseUrl);
    url.pathname = `/${databaseName}`;
    const config = loadConfig({ ...COMMON_ENV, DATA_DIR: dataDir, DATABASE_URL: url.toString(), REDIS_URL: redisUrl, REDIS_KEY_PREFIX: redisKeyPrefix });
    services = await createServices(config, { logger: createLogger(config.logLevel), role: 'bench', migrate: false });
    await services.database.migrate();
    return { name: 'scale-out', services, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function run(open: () => Promise<Layout>): Promise<LayoutResult> {
  const layout = await open();
  try {
    return await benchmark(layout);
  } finally {
    await layout.close();
  }
}

function printTable(embedded: LayoutResult, scaleOut: LayoutResult | undefined): void {
  const rows: [string, keyof LayoutResult, number][] = [
    ['job latency p50 (ms)', 'latencyP50', 2],
    ['job latency p95 (ms)', 'latencyP95', 2],
    ['job latency p99 (ms)', 'latencyP99', 2],
    ['job throughput (jobs/s)', 'jobsPerSecond', 0],
    ['health (req/s)', 'healthPerSecond', 0],
    ['health p50 (ms)', 'healthP50', 2],
    ['health p99 (ms)', 'healthP99', 2],
  ];
  const header = ['figure', 'embedded', 'scale-out', 'scale-out/embedded'];
  const lines = rows.map(([label, key, digits]) => [
    label,
    embedded[key].toFixed(digits),
    scaleOut ? scaleOut[key].toFixed(digits) : '-',
    scaleOut ? `${(scaleOut[key] / embedded[key]).toFixed(2)}x` : '-',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)));
  const format = (cells: string[]): string => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  console.log('');
  console.log(format(header));
  for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
  const problem = await scaleOutProblem();
  if (problem) console.log(`scale-out services unreachable, benchmarking the embedded layout only (${problem})`);
  const embedded = await run(openEmbedded);
  const scaleOut = problem ? undefined : await run(openScaleOut);
  printTable(embedded, scaleOut);
}

await main();
