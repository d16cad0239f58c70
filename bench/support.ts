// What every benchmark shares: the two storage layouts with their clean-up, a database and Redis keys of
// a run's own, timing, percentiles, and the summary table.
//
// Scale-out needs BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and
// BENCH_REDIS_URL (default redis://127.0.0.1:6379); without them only the embedded layout runs.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { BENCH_LIMITS_ENV, liftFreePlan } from './lifted-limits.js';
import { createLogger } from '../src/logger.js';
import { startServices } from '../src/process/start-services.js';
import type { Services } from '../src/services.js';
import { createFeatures, type Features } from '../src/features.js';

const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Signs the tokens of every benchmarked service; a benchmark's data is thrown away with it. */
export const BENCH_SECRET_KEY = 'bench-secret-key-long-enough-to-sign-tokens-0123456789';

const BASE_ENV = {
  SECRET_KEY: BENCH_SECRET_KEY,
  LOG_LEVEL: 'silent',
  ...BENCH_LIMITS_ENV,
} as const;

export type LayoutName = 'embedded' | 'scale-out';

export interface Layout {
  name: LayoutName;
  services: Services;
  features: Features;
  close(): Promise<void>;
}

/** Settings a benchmark adds to the shared ones, the same for both layouts. */
export type BenchEnv = Readonly<Record<string, string>>;

export interface Timing {
  perSecond: number;
  /** Milliseconds per call, ascending. */
  sorted: number[];
}

/** A line of the summary table: its label, the figure it shows and how many decimals. */
export type TableRow<R> = [label: string, key: keyof R, digits: number];

function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  const value = sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  if (value === undefined) throw new Error('percentile of an empty list');
  return value;
}

export function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * Runs `task` `count` times one after another, after `warmup` unmeasured runs that pay for JIT and
 * connection set-up. The index counts every run, warm-ups first.
 */
export async function timeSequential(count: number, task: (index: number) => Promise<unknown>, warmup = 0): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await task(i);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const before = performance.now();
    await task(warmup + i);
    samples.push(performance.now() - before);
  }
  return { perSecond: count / ((performance.now() - started) / 1000), sorted: ascending(samples) };
}

/** Runs `task` for indexes 0 to total-1, at most `concurrency` at once. */
export async function runConcurrently(total: number, concurrency: number, task: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

/** One injected request; any other status than `status` fails the run, since its timing would mean nothing. */
export async function injectExpecting(app: App, request: InjectOptions & { url: string }, status: number): Promise<LightMyRequestResponse> {
  const response = await app.inject(request);
  if (response.statusCode !== status) {
    throw new Error(`${request.method ?? 'GET'} ${request.url} answered ${response.statusCode}: ${response.body}`);
  }
  return response;
}

async function openEmbedded(env: BenchEnv): Promise<Layout> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-bench-'));
  try {
    // PGlite stays in memory only when it starts from a dump, so start from an empty one.
    const empty = await PGlite.create();
    const template = await empty.dumpDataDir('none');
    await empty.close();
    const config = loadConfig({ ...BASE_ENV, ...env, DATA_DIR: dataDir });
    const services = await startServices(config, { logger: createLogger(config.logLevel), role: 'bench', schema: 'migrate', pgliteTemplate: template });
    await liftFreePlan(services.database.db);
    return {
      name: 'embedded',
      services,
      features: createFeatures(services),
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
export async function scaleOutProblem(): Promise<string | undefined> {
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

/** A database of its own for one run, on the server at BENCH_DATABASE_URL. */
export interface BenchDatabase {
  url: string;
  /** Drops it, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = uniqueName('cvimprover_bench');
  await withAdmin((admin) => admin.query(`create database ${name}`).then(() => undefined));
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin((admin) => admin.query(`drop database if exists ${name} with (force)`).then(() => undefined)),
  };
}

/** Redis of the scale-out layout and a key prefix no other run uses, whose keys `deleteRedisKeys` removes. */
export function benchRedis(): { url: string; keyPrefix: string } {
  return { url: redisUrl, keyPrefix: uniqueName('cvibench') };
}

/** BullMQ and the cache leave keys behind; the random prefix makes them safe to delete. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
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

async function openScaleOut(env: BenchEnv): Promise<Layout> {
  const redis = benchRedis();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-bench-'));
  let services: Services | undefined;
  let database: BenchDatabase | undefined;
  const close = async (): Promise<void> => {
    try {
      await services?.close();
    } finally {
      await database?.drop();
      await deleteRedisKeys(redis.keyPrefix);
      await rm(dataDir, { recursive: true, force: true });
    }
  };
  try {
    database = await createBenchDatabase();
    const config = loadConfig({ ...BASE_ENV, ...env, DATA_DIR: dataDir, DATABASE_URL: database.url, REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix });
    // Migrations and plans, as `cvimprover migrate` would leave them: both layouts then start with the same rows.
    services = await startServices(config, { logger: createLogger(config.logLevel), role: 'bench', schema: 'migrate' });
    await liftFreePlan(services.database.db);
    return { name: 'scale-out', services, features: createFeatures(services), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Opens one layout with the shared settings and `env`, for a benchmark that runs several side by side
 * (to measure them in alternating rounds); the caller closes it.
 */
export function openLayout(name: LayoutName, env: BenchEnv = {}): Promise<Layout> {
  return name === 'embedded' ? openEmbedded(env) : openScaleOut(env);
}

/** Prints rows of cells under a header: the first `labelColumns` columns left-aligned, the figures right-aligned. */
export function printColumns(header: readonly string[], lines: readonly (readonly string[])[], labelColumns = 1): void {
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)));
  const format = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column < labelColumns ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  console.log(format(header));
  for (const line of lines) console.log(format(line));
}

function printTable<R extends { [K in keyof R]: number }>(rows: readonly TableRow<R>[], embedded: R, scaleOut: R | undefined): void {
  const header = ['figure', 'embedded', 'scale-out', 'scale-out/embedded'];
  const lines = rows.map(([label, key, digits]) => [
    label,
    embedded[key].toFixed(digits),
    scaleOut ? scaleOut[key].toFixed(digits) : '-',
    scaleOut ? `${(scaleOut[key] / embedded[key]).toFixed(2)}x` : '-',
  ]);
  console.log('');
  printColumns(header, lines);
}

async function run<R>(open: (env: BenchEnv) => Promise<Layout>, env: BenchEnv, benchmark: (layout: Layout) => Promise<R>): Promise<R> {
  const layout = await open(env);
  try {
    return await benchmark(layout);
  } finally {
    await layout.close();
  }
}

/**
 * Benchmarks the embedded layout, then the scale-out one when PostgreSQL and Redis answer (each
 * opened fresh and removed afterwards), and prints the table of both with their ratio.
 */
export async function benchmarkLayouts<R extends { [K in keyof R]: number }>(
  benchmark: (layout: Layout) => Promise<R>,
  rows: readonly TableRow<R>[],
  env: BenchEnv = {},
): Promise<void> {
  const problem = await scaleOutProblem();
  if (problem) console.log(`scale-out services unreachable, benchmarking the embedded layout only (${problem})`);
  const embedded = await run(openEmbedded, env, benchmark);
  const scaleOut = problem ? undefined : await run(openScaleOut, env, benchmark);
  printTable(rows, embedded, scaleOut);
}
