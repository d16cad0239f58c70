// Job round-trip and health-check figures for the two storage layouts: embedded (PGlite in memory,
// in-process queue) and scale-out (PostgreSQL + Redis, BullMQ). Run with `npm run bench:jobs`.
//
// Scale-out needs BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and
// BENCH_REDIS_URL (default redis://127.0.0.1:6379); without them only the embedded layout runs.
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, sql } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { jobs } from '../src/infra/db/schema.js';
import { Type } from 'typebox';
import type { JobHandler } from '../src/jobs/job-handler.js';
import { findJob } from '../src/jobs/job-repository.js';
import { startWorker } from '../src/process/worker-role.js';
import type { Services } from '../src/services.js';
import { ascending, benchmarkLayouts, injectExpecting, percentile, runConcurrently, timeSequential, type Layout, type TableRow, type Timing } from './support.js';

const benchNoopKind = { kind: 'bench_noop', payload: Type.Object({ phase: Type.String() }), maxAttempts: 1 } as const;
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

const JOB_ENV = {
  JOB_LEASE_SECONDS: '30',
  WORKER_CONCURRENCY: '8',
} as const;

const benchNoopJob: JobHandler<typeof benchNoopKind.payload> = {
  ...benchNoopKind,
  async perform() {},
};

interface LayoutResult {
  latencyP50: number;
  latencyP95: number;
  latencyP99: number;
  jobsPerSecond: number;
  healthPerSecond: number;
  healthP50: number;
  healthP99: number;
}

async function submitJob(services: Services, phase: string): Promise<string> {
  return services.jobs.transactionWithJobs(async (_tx, addJob) => (await addJob(benchNoopKind, { phase })).id);
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
    .where(and(eq(jobs.kind, benchNoopKind.kind), sql`${jobs.payload}->>'phase' = ${phase}`));
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
  await runConcurrently(THROUGHPUT_JOBS, THROUGHPUT_SUBMITTERS, () => submitJob(services, phase));
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

async function measureHealth(layout: Layout): Promise<Timing> {
  const app = await buildApp(layout.services, layout.features);
  try {
    return await timeSequential(HEALTH_REQUESTS, () => injectExpecting(app, { method: 'GET', url: '/core/health/' }, 200), HEALTH_WARMUP_REQUESTS);
  } finally {
    await app.close();
  }
}

async function benchmark(layout: Layout): Promise<LayoutResult> {
  const { services } = layout;
  // The service's own handlers too: without the probe's, every health check waits out its probe and answers 503.
  const worker = startWorker(services, layout.features, [...layout.features.jobHandlers, benchNoopJob]);
  try {
    const latency = await measureLatency(services);
    const latencyResult = { latencyP50: percentile(latency, 50), latencyP95: percentile(latency, 95), latencyP99: percentile(latency, 99) };
    console.log(
      `${layout.name}: latency over ${LATENCY_JOBS} sequential jobs  p50 ${latencyResult.latencyP50.toFixed(2)} ms  ` +
        `p95 ${latencyResult.latencyP95.toFixed(2)} ms  p99 ${latencyResult.latencyP99.toFixed(2)} ms`,
    );
    const jobsPerSecond = await measureThroughput(services);
    console.log(`${layout.name}: throughput of ${THROUGHPUT_JOBS} jobs, ${THROUGHPUT_SUBMITTERS} submitters  ${jobsPerSecond.toFixed(0)} jobs/s`);
    const health = await measureHealth(layout);
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

const TABLE: TableRow<LayoutResult>[] = [
  ['job latency p50 (ms)', 'latencyP50', 2],
  ['job latency p95 (ms)', 'latencyP95', 2],
  ['job latency p99 (ms)', 'latencyP99', 2],
  ['job throughput (jobs/s)', 'jobsPerSecond', 0],
  ['health (req/s)', 'healthPerSecond', 0],
  ['health p50 (ms)', 'healthP50', 2],
  ['health p99 (ms)', 'healthP99', 2],
];

await benchmarkLayouts(benchmark, TABLE, JOB_ENV);
