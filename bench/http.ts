// HTTP load figures over real sockets, with autocannon at 32 connections: a bare node:http server (the
// floor of HTTP's cost), a Fastify server running one prepared PostgreSQL select (the ceiling for a
// route that reads the database), and the built service in its scale-out layout (`serve` + `worker`
// on PostgreSQL and Redis) and its embedded one (`serve --with-worker` on PGlite). Each server is a
// child process of its own, logging to a file at its default level; the load is generated here. Every
// figure is also given as a ratio to the ceiling measured in the same run. Run with `npm run bench:http`.
//
// Needs PostgreSQL at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), where it
// creates and then drops a database, and Redis at BENCH_REDIS_URL (default redis://127.0.0.1:6379),
// where it deletes its keys afterwards. BENCH_HTTP_SECONDS (default 10) is the measured time per
// route, BENCH_HTTP_WARMUP_SECONDS (default 2) the unmeasured load before it.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { packageRoot } from '../src/paths.js';
import { buildService, Cleanup, cleanUpOnSignals, listeningAddress, READY, Run, waitUntilHealthy, type Env, type LoggedChild } from './service-process.js';
import { ascending, BENCH_SECRET_KEY, benchRedis, createBenchDatabase, deleteRedisKeys, percentile, printColumns, scaleOutProblem } from './support.js';

const CONNECTIONS = 32;
const MEASURED_SECONDS = secondsFromEnv('BENCH_HTTP_SECONDS', 10);
const WARMUP_SECONDS = secondsFromEnv('BENCH_HTTP_WARMUP_SECONDS', 2);
const PASSWORD = 'Lantern-7-quartz-meadow';
const BARE_SERVER = path.join(packageRoot, 'bench', 'servers', 'bare-http.ts');
const CEILING_SERVER = path.join(packageRoot, 'bench', 'servers', 'ceiling.ts');
const CEILING_TARGET = 'ceiling';


/** One route under load: what the table calls it, its path, and what proves a sample answer right. */
interface Route {
  label: string;
  path: string;
  headers?: Record<string, string>;
  verify?: (body: unknown) => string | undefined;
}

interface RouteFigures {
  target: string;
  route: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Responses per status code, to say what went wrong when not all are 2xx. */
  statusCodes: Record<string, number>;
}

interface Person {
  username: string;
  access: string;
  /** `access-token=<value>`, as a browser would send it. */
  accessCookie: string;
}

function secondsFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`${name} must be a positive number of seconds, not ${JSON.stringify(raw)}`);
  return seconds;
}

function printMachine(): void {
  const processors = cpus();
  console.log(`machine: ${processors.length} CPUs (${availableParallelism()} available), ${processors[0]?.model ?? 'unknown model'}`);
  console.log(`node ${process.version}, load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  console.log(`autocannon in this process, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${MEASURED_SECONDS} s measured per route, one target at a time`);
}

/** One request, checked before any load: a wrong header or an empty answer would make every figure meaningless. */
async function checkRoute(baseUrl: string, route: Route): Promise<void> {
  const response = await fetch(`${baseUrl}${route.path}`, { headers: route.headers ?? {} });
  const text = await response.text();
  if (!response.ok) throw new Error(`${route.label} answered ${response.status} before the load: ${text}`);
  const problem = route.verify?.(JSON.parse(text) as unknown);
  if (problem) throw new Error(`${route.label}: ${problem}: ${text}`);
}

/** One autocannon run; `onResponse` gets each response's latency in milliseconds. */
function runLoad(url: string, route: Route, seconds: number, onResponse?: (milliseconds: number) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: route.headers ?? {} }, (error: unknown, result: autocannon.Result) => {
      if (error instanceof Error) reject(error);
      else if (error) reject(new Error(`autocannon failed: ${JSON.stringify(error)}`));
      else resolve(result);
    });
    if (onResponse) instance.on('response', (_client, _statusCode, _bytes, milliseconds) => onResponse(milliseconds));
  });
}

/**
 * Loads one route: unmeasured first, to warm the JIT, the pools and the caches, then measured.
 * Latencies come from each response rather than autocannon's histogram, which keeps whole milliseconds.
 */
async function measureRoute(target: string, baseUrl: string, route: Route): Promise<RouteFigures> {
  await checkRoute(baseUrl, route);
  const url = `${baseUrl}${route.path}`;
  await runLoad(url, route, WARMUP_SECONDS);
  const latencies: number[] = [];
  const result = await runLoad(url, route, MEASURED_SECONDS, (milliseconds) => latencies.push(milliseconds));
  const sorted = ascending(latencies);
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]));
  const figures: RouteFigures = {
    target,
    route: route.label,
    requestsPerSecond: result.requests.total / result.duration,
    p50: sorted.length > 0 ? percentile(sorted, 50) : Number.NaN,
    p99: sorted.length > 0 ? percentile(sorted, 99) : Number.NaN,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
  };
  console.log(
    `${target}: ${route.label}  ${figures.requestsPerSecond.toFixed(0)} req/s  p50 ${figures.p50.toFixed(2)} ms  p99 ${figures.p99.toFixed(2)} ms` +
      (figures.non2xx + figures.errors > 0 ? `  NOT ALL 2xx: ${figures.non2xx} non-2xx, ${figures.errors} errors` : ''),
  );
  return figures;
}

async function measureRoutes(target: string, baseUrl: string, routes: readonly Route[]): Promise<RouteFigures[]> {
  const figures: RouteFigures[] = [];
  for (const route of routes) figures.push(await measureRoute(target, baseUrl, route));
  return figures;
}

async function benchmarkBare(run: Run): Promise<RouteFigures[]> {
  const server = await run.startChild('bare', ['--import', 'tsx', BARE_SERVER], { PORT: '0' });
  try {
    return await measureRoutes('bare node:http', await listeningAddress(server), [{ label: 'GET /', path: '/' }]);
  } finally {
    await server.stop();
  }
}

async function benchmarkCeiling(run: Run, databaseUrl: string, when: 'before' | 'after'): Promise<RouteFigures[]> {
  const server = await run.startChild(`${CEILING_TARGET}-${when}`, ['--import', 'tsx', CEILING_SERVER], { PORT: '0', DATABASE_URL: databaseUrl });
  try {
    const route: Route = { label: 'GET /plans/1 (one prepared select)', path: '/plans/1' };
    return await measureRoutes(`${CEILING_TARGET} (${when})`, await listeningAddress(server), [route]);
  } finally {
    await server.stop();
  }
}

async function registerPerson(baseUrl: string): Promise<Person> {
  const username = `bench${randomBytes(4).toString('hex')}`;
  const response = await fetch(`${baseUrl}/auth/registration/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, email: `${username}@example.org`, password1: PASSWORD, password2: PASSWORD }),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST /auth/registration/ answered ${response.status}: ${text}`);
  const { access } = JSON.parse(text) as { access?: unknown };
  const accessCookie = response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0] ?? '')
    .find((cookie) => cookie.startsWith('access-token='));
  if (typeof access !== 'string' || !accessCookie) throw new Error(`registration gave no access token and access-token cookie: ${text}`);
  return { username, access, accessCookie };
}

function serviceRoutes(person: Person): Route[] {
  // Proves the caller was recognised: an anonymous answer would be cheaper and mean nothing.
  const isPerson = (body: unknown) => ((body as { username?: unknown }).username === person.username ? undefined : `not ${person.username}`);
  return [
    { label: 'GET /core/health/', path: '/core/health/' },
    { label: 'GET /auth/user/ (bearer)', path: '/auth/user/', headers: { authorization: `Bearer ${person.access}` }, verify: isPerson },
    { label: 'GET /auth/user/ (cookie)', path: '/auth/user/', headers: { cookie: person.accessCookie }, verify: isPerson },
    // An empty list would be cheaper to serve than the real one.
    { label: 'GET /core/plans/', path: '/core/plans/', verify: (body) => (Array.isArray(body) && body.length > 0 ? undefined : 'no plans listed') },
  ];
}

async function benchmarkService(target: string, api: LoggedChild): Promise<RouteFigures[]> {
  const baseUrl = await listeningAddress(api);
  await api.waitForLog(READY);
  await waitUntilHealthy(baseUrl);
  return measureRoutes(target, baseUrl, serviceRoutes(await registerPerson(baseUrl)));
}

async function benchmarkScaleOut(run: Run, databaseUrl: string, redis: { url: string; keyPrefix: string }): Promise<RouteFigures[]> {
  // A data directory for uploaded files, shared by API and worker as a volume would be.
  const env: Env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix,
    SECRET_KEY: BENCH_SECRET_KEY,
    DATA_DIR: path.join(run.dir, 'scale-out-files'),
    PORT: '0',
  };
  await (await run.startService('scale-out-migrate', ['migrate'], env)).waitForSuccess();
  await run.liftFreePlan(env);
  const worker = await run.startService('scale-out-worker', ['worker'], env);
  try {
    await worker.waitForLog(READY);
    const api = await run.startService('scale-out-serve', ['serve'], env);
    try {
      return await benchmarkService('scale-out', api);
    } finally {
      await api.stop();
    }
  } finally {
    await worker.stop();
  }
}

async function benchmarkEmbedded(run: Run): Promise<RouteFigures[]> {
  await run.liftFreePlan({ DATA_DIR: path.join(run.dir, 'embedded-data') });
  const api = await run.startService('embedded', ['serve', '--with-worker'], { DATA_DIR: path.join(run.dir, 'embedded-data'), PORT: '0' });
  try {
    return await benchmarkService('embedded', api);
  } finally {
    await api.stop();
  }
}

function ratio(value: number, reference: number | undefined): string {
  return reference === undefined || !Number.isFinite(value / reference) ? '-' : `${(value / reference).toFixed(2)}x`;
}

/**
 * The ceiling as the mean of its two measurements, one before the service's layouts and one after:
 * on a shared machine one measurement alone can be taken in a quiet or a busy moment.
 */
function ceilingOf(figures: readonly RouteFigures[]): { requestsPerSecond: number; p99: number } | undefined {
  const runs = figures.filter((row) => row.target.startsWith(CEILING_TARGET));
  if (runs.length === 0) return undefined;
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return { requestsPerSecond: mean(runs.map((row) => row.requestsPerSecond)), p99: mean(runs.map((row) => row.p99)) };
}

function printTable(figures: readonly RouteFigures[]): void {
  const ceiling = ceilingOf(figures);
  if (ceiling) console.log(`\nceiling: ${ceiling.requestsPerSecond.toFixed(0)} req/s, p99 ${ceiling.p99.toFixed(2)} ms (mean of its measurement before and after the service)`);
  const header = ['target', 'route', 'req/s', 'req/s vs ceiling', 'p50 ms', 'p99 ms', 'ceiling p99 ms', 'non-2xx', 'errors'];
  const lines = figures.map((row) => [
    row.target,
    row.route,
    row.requestsPerSecond.toFixed(0),
    ratio(row.requestsPerSecond, ceiling?.requestsPerSecond),
    row.p50.toFixed(2),
    row.p99.toFixed(2),
    ceiling ? ceiling.p99.toFixed(2) : '-',
    String(row.non2xx),
    String(row.errors),
  ]);
  console.log('');
  printColumns(header, lines, 2);
}

/** Says loudly when any measured answer was not a 2xx: then the figures are those of failures. */
function reportFailures(figures: readonly RouteFigures[]): boolean {
  const failed = figures.filter((row) => row.non2xx + row.errors > 0);
  if (failed.length === 0) {
    console.log('\nevery measured response was a 2xx');
    return false;
  }
  console.error('\n!!! THIS RUN HAD FAILURES: ITS FIGURES MEAN NOTHING !!!');
  for (const row of failed) {
    const codes = Object.entries(row.statusCodes)
      .map(([code, count]) => `${code}: ${count}`)
      .join(', ');
    console.error(`  ${row.target} ${row.route}: ${row.non2xx} non-2xx, ${row.errors} errors (status codes ${codes || 'none'})`);
  }
  return true;
}

async function main(): Promise<void> {
  const problem = await scaleOutProblem();
  if (problem) throw new Error(`the ceiling and the scale-out layout need PostgreSQL and Redis: ${problem}`);
  await buildService();
  printMachine();
  const cleanup = new Cleanup();
  cleanUpOnSignals(cleanup);
  const figures: RouteFigures[] = [];
  try {
    const dir = await mkdtemp(path.join(tmpdir(), 'cvimprover-bench-http-'));
    cleanup.add(`the directory ${dir}`, () => rm(dir, { recursive: true, force: true }));
    const database = await createBenchDatabase();
    cleanup.add('the database', () => database.drop());
    const redis = benchRedis();
    cleanup.add(`the Redis keys ${redis.keyPrefix}:*`, () => deleteRedisKeys(redis.keyPrefix));
    const run = new Run(dir, cleanup);
    // One after another, never at once: on a shared 2-core machine each target needs all of it.
    figures.push(...(await benchmarkBare(run)));
    figures.push(...(await benchmarkCeiling(run, database.url, 'before')));
    figures.push(...(await benchmarkScaleOut(run, database.url, redis)));
    figures.push(...(await benchmarkEmbedded(run)));
    figures.push(...(await benchmarkCeiling(run, database.url, 'after')));
  } finally {
    await cleanup.run();
  }
  printTable(figures);
  if (reportFailures(figures)) process.exitCode = 1;
}

await main();
