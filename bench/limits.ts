// What the limits cost the hot path, in both layouts (embedded: PGlite and counters in memory;
// scale-out: PostgreSQL and counters in Redis), in this process through `app.inject`: no sockets, so
// the figures are the service's own cost without the network's. Run with `npm run bench:limits`.
//
// 1. A signed-in cheap /cv/ read, GET /cv/questionnaire/?limit=10 (counted on the per-address and the
//    api_calls counters), with the limits on but set far above the load, against the same service
//    with them off (RATE_LIMIT_PER_IP_PER_HOUR=0 and the Free plan's api_calls 0, so nothing is
//    counted): the ceiling. Both services are open at once and measured in alternating rounds, so a
//    busy moment of the shared machine falls on both. The list route knows no `limit` (its paging is
//    `page`/`page_size`) and drops it, so the person owns exactly ten questionnaires: the answer is ten.
// 2. The counter store alone: counts through CounterStore's plugin store, in memory and in Redis,
//    against the engine under it (the plugin's LocalStore, a bare ioredis INCR on a connection made
//    as the service makes its own): the ceiling of the per-request cost.
// 3. The daily-allowance charge: a transaction inserting a questionnaire and charging it, as
//    POST /cv/questionnaire/ does, against one inserting it alone (the ceiling; turning the charge off
//    in the service would need a switch in its code), alternating, for a person with 0, 1 000 and
//    10 000 usage rows in the last 24 hours and one with 10 000 older ones; beside it, the whole POST.
//
// Scale-out needs BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and
// BENCH_REDIS_URL (default redis://127.0.0.1:6379); without them only the embedded layout runs.
// About two minutes on a 2-core machine.
import { randomUUID } from 'node:crypto';
import { availableParallelism, cpus, loadavg } from 'node:os';
import LocalStore from '@fastify/rate-limit/store/LocalStore.js';
import type { InjectOptions } from 'fastify';
import { buildApp, type App } from '../src/app.js';
import { updatePlanAllowances } from '../src/features/plans/repository.js';
import { insertQuestionnaire } from '../src/features/questionnaires/repository.js';
import type { DbOrTx } from '../src/infra/db/database.js';
import { jobs, usageRecords, type UsageScope } from '../src/infra/db/schema.js';
import { CounterStore, type PluginStore } from '../src/infra/rate-limit/counter-store.js';
import { connectRedis, readyWithin } from '../src/infra/redis/connection.js';
import { createLogger } from '../src/logger.js';
import { registerPerson } from '../test/support/browser.js';
import {
  ascending,
  benchRedis,
  deleteRedisKeys,
  injectExpecting,
  openLayout,
  percentile,
  printColumns,
  runConcurrently,
  scaleOutProblem,
  timeSequential,
  type Layout,
  type LayoutName,
} from './support.js';

// Load shedding off (as in the tests): the load is made in the service's own process, whose event
// loop lag is then the benchmark's as much as the service's, and a 503 would end the run.
const SERVICE_ENV = { OVERLOAD_EVENT_LOOP_DELAY_MS: '0' } as const;
const READ_URL = '/cv/questionnaire/?limit=10';
const READ_ITEMS = 10;
const READ_WARMUP_REQUESTS = 200;
// Many short rounds: the limits' cost is a few per cent at most, and the shared machine's load
// changes from second to second, so each round is a near-simultaneous pair.
const READ_ROUNDS = 20;
const READ_SEQUENTIAL_PER_ROUND = 60;
const READ_CONCURRENT_PER_ROUND = 120;
const READ_CONCURRENCY = 16;

const COUNT_WARMUP = 2000;
const COUNTS_SEQUENTIAL = 10_000;
const COUNTS_CONCURRENT = 20_000;
const COUNT_CONCURRENCY = 64;
// The counts a request makes on a counter of an hour, far from its limit.
const COUNT_WINDOW_MS = 3_600_000;
const COUNT_MAX = 999_999_999;

const CHARGE_WARMUP_PAIRS = 10;
const CHARGE_PAIRS = 150;
const POST_WARMUP = 10;
const POSTS = 100;
const DAY_MS = 24 * 3_600_000;
const SEED_BATCH = 500;

const QUESTIONNAIRE_BODY = {
  position: 'Backend engineer',
  industry: 'Technology',
  experience_level: '3-5',
  company_size: 'medium',
  location: 'Remote',
  application_timeline: 'immediate',
  job_description: 'Builds and runs the services behind a web product.',
} as const;

/** Earlier usage of the person a charge is measured for. */
interface UsageHistory {
  label: string;
  rows: number;
  /** Rows from before the 24-hour window: they no longer count, but stay in the table. */
  old: boolean;
}

const HISTORIES: UsageHistory[] = [
  { label: '0', rows: 0, old: false },
  { label: '1 000 in 24 h', rows: 1_000, old: false },
  { label: '10 000 in 24 h', rows: 10_000, old: false },
  { label: '10 000 older', rows: 10_000, old: true },
];

interface Latencies {
  perSecond: number;
  /** Milliseconds per call, ascending. */
  sorted: number[];
}

interface ReadFigures {
  sequential: Latencies;
  concurrent: Latencies;
  sequentialRounds: number[];
  concurrentRounds: number[];
}

interface CountFigures {
  label: string;
  sequential: Latencies;
  concurrentPerSecond: number;
  /** The engine this count is compared with, by label. */
  versus?: string;
}

interface ChargeFigures {
  history: string;
  insert: Latencies;
  charged: Latencies;
}

interface PostFigures {
  timing: Latencies;
}

interface LayoutFigures {
  layout: LayoutName;
  readOn: ReadFigures;
  readOff: ReadFigures;
  counts: CountFigures[];
  charges: ChargeFigures[];
  post: PostFigures;
}

const logger = createLogger('silent');

function printMachine(): void {
  const processors = cpus();
  console.log(`machine: ${processors.length} CPUs (${availableParallelism()} available), ${processors[0]?.model ?? 'unknown model'}`);
  console.log(`node ${process.version}, load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  console.log('in-process (app.inject, no sockets); each figure beside its ceiling from the same run');
}

/** Runs `task` `count` times, `concurrency` at once, timing each call. */
async function timeCalls(count: number, concurrency: number, task: () => Promise<unknown>): Promise<{ seconds: number; samples: number[] }> {
  const samples: number[] = [];
  const started = performance.now();
  await runConcurrently(count, concurrency, async () => {
    const before = performance.now();
    await task();
    samples.push(performance.now() - before);
  });
  return { seconds: (performance.now() - started) / 1000, samples };
}

/** Rounds measured apart, taken together: calls over the time they took, and every call's latency. */
class Accumulated {
  private seconds = 0;
  private readonly samples: number[] = [];
  /** Calls per second of each round. */
  readonly rounds: number[] = [];

  add(run: { seconds: number; samples: number[] }): void {
    this.seconds += run.seconds;
    this.samples.push(...run.samples);
    this.rounds.push(run.samples.length / run.seconds);
  }

  result(): Latencies {
    return { perSecond: this.samples.length / this.seconds, sorted: ascending(this.samples) };
  }
}

/** The median of on/off over the rounds, each pair measured moments apart: steadier than the ratio of the totals. */
function medianRoundRatio(on: readonly number[], off: readonly number[]): number {
  return percentile(
    ascending(on.map((rate, round) => rate / (off[round] ?? Number.NaN))),
    50,
  );
}

// ---- 1. the cheap /cv/ read, limits on and off ------------------------------------------------

interface ReadTarget {
  limits: 'on' | 'off';
  layout: Layout;
  app: App;
  request: InjectOptions & { url: string };
}

/** A service with a signed-in person owning READ_ITEMS questionnaires, the limits on (lifted) or off. */
async function openReadTarget(name: LayoutName, limits: 'on' | 'off'): Promise<ReadTarget> {
  // 0 turns a limit off: nothing is counted for it.
  const layout = await openLayout(name, { ...SERVICE_ENV, ...(limits === 'off' ? { RATE_LIMIT_PER_IP_PER_HOUR: '0' } : {}) });
  try {
    // Before anyone signs in, so every session holds the plan as measured.
    if (limits === 'off') await updatePlanAllowances(layout.services.database.db, 'Free', { apiCallsPerHour: 0 });
    const app = await buildApp(layout.services, layout.features);
    const person = await registerPerson(app, 'bench');
    for (let i = 0; i < READ_ITEMS; i++) {
      await injectExpecting(app, { method: 'POST', url: '/cv/questionnaire/', headers: person.auth, payload: QUESTIONNAIRE_BODY }, 201);
    }
    const target: ReadTarget = { limits, layout, app, request: { method: 'GET', url: READ_URL, headers: person.auth } };
    await checkRead(target);
    return target;
  } catch (error) {
    await layout.close();
    throw error;
  }
}

/** Proves the read is what it should be: the whole list, counted on both counters or on none. */
async function checkRead(target: ReadTarget): Promise<void> {
  const response = await injectExpecting(target.app, target.request, 200);
  const items = response.json<unknown>();
  if (!Array.isArray(items) || items.length !== READ_ITEMS) throw new Error(`${target.layout.name}: ${READ_URL} listed ${Array.isArray(items) ? items.length : 'no'} questionnaires, not ${READ_ITEMS}`);
  const policy = response.headers['ratelimit-policy'];
  if (target.limits === 'off' && policy !== undefined) throw new Error(`${target.layout.name}: limits off, yet the read was counted (${String(policy)})`);
  if (target.limits === 'on' && !(typeof policy === 'string' && policy.includes('"ip"') && policy.includes('"api_calls"'))) {
    throw new Error(`${target.layout.name}: limits on, yet the read was not counted on ip and api_calls (${String(policy)})`);
  }
}

async function closeApp(target: ReadTarget): Promise<void> {
  try {
    await target.app.close();
  } finally {
    await target.layout.close();
  }
}

/** Both targets, round after round, the one first then the other, so neither gets the quieter moments. */
async function measureReads(on: ReadTarget, off: ReadTarget): Promise<{ on: ReadFigures; off: ReadFigures }> {
  const read = (target: ReadTarget) => () => injectExpecting(target.app, target.request, 200);
  for (const target of [on, off]) await timeCalls(READ_WARMUP_REQUESTS, 1, read(target));
  const sums = new Map([on, off].map((target) => [target, { sequential: new Accumulated(), concurrent: new Accumulated() }]));
  const sumOf = (target: ReadTarget) => {
    const sum = sums.get(target);
    if (!sum) throw new Error('unknown read target');
    return sum;
  };
  for (let round = 0; round < READ_ROUNDS; round++) {
    const order = round % 2 === 0 ? [on, off] : [off, on];
    for (const target of order) sumOf(target).sequential.add(await timeCalls(READ_SEQUENTIAL_PER_ROUND, 1, read(target)));
    for (const target of order) sumOf(target).concurrent.add(await timeCalls(READ_CONCURRENT_PER_ROUND, READ_CONCURRENCY, read(target)));
  }
  const figures = (target: ReadTarget): ReadFigures => {
    const sum = sumOf(target);
    return { sequential: sum.sequential.result(), concurrent: sum.concurrent.result(), sequentialRounds: sum.sequential.rounds, concurrentRounds: sum.concurrent.rounds };
  };
  for (const target of [on, off]) await checkRead(target);
  return { on: figures(on), off: figures(off) };
}

// ---- 2. the counter store alone ---------------------------------------------------------------

function countOn(store: PluginStore, key: string): Promise<void> {
  return new Promise((resolve, reject) => {
    store.incr(key, (error) => (error ? reject(error) : resolve()), COUNT_WINDOW_MS, COUNT_MAX);
  });
}

function countOnLocal(store: LocalStore, key: string): Promise<void> {
  return new Promise((resolve, reject) => {
    store.incr(key, (error) => (error ? reject(error) : resolve()), COUNT_WINDOW_MS, COUNT_MAX);
  });
}

/** A store as @fastify/rate-limit makes one per limiter: the class's child under a namespace of its own. */
function pluginStoreOf(counters: CounterStore): PluginStore {
  const Store = counters.pluginStore();
  return new Store({ nameSpace: 'bench-' }).child({ nameSpace: 'bench-ip-' });
}

async function measureCount(label: string, count: () => Promise<unknown>, versus?: string): Promise<CountFigures> {
  const sequential = await timeSequential(COUNTS_SEQUENTIAL, count, COUNT_WARMUP);
  const started = performance.now();
  await runConcurrently(COUNTS_CONCURRENT, COUNT_CONCURRENCY, count);
  const concurrentPerSecond = COUNTS_CONCURRENT / ((performance.now() - started) / 1000);
  return { label, sequential, concurrentPerSecond, ...(versus ? { versus } : {}) };
}

async function measureMemoryCounts(): Promise<CountFigures[]> {
  const store = pluginStoreOf(CounterStore.inMemory(logger));
  const local = new LocalStore(false, false, 100_000);
  const engine = 'memory: @fastify/rate-limit LocalStore.incr';
  return [await measureCount('memory: CounterStore count', () => countOn(store, 'ip:127.0.0.1'), engine), await measureCount(engine, () => countOnLocal(local, 'ip:127.0.0.1'))];
}

async function measureRedisCounts(): Promise<CountFigures[]> {
  const { url, keyPrefix } = benchRedis();
  const redis = connectRedis(url, 'bench-counters', logger);
  try {
    if (!(await readyWithin(redis, 3000))) throw new Error(`Redis at ${url} is not ready`);
    const store = pluginStoreOf(CounterStore.inRedis(redis, keyPrefix, logger));
    const engine = 'redis: bare ioredis INCR';
    const bareKey = `${keyPrefix}:bare`;
    return [await measureCount('redis: CounterStore count', () => countOn(store, 'ip:127.0.0.1'), engine), await measureCount(engine, () => redis.incr(bareKey))];
  } finally {
    redis.disconnect();
    await deleteRedisKeys(keyPrefix);
  }
}

// ---- 3. the daily-allowance charge -----------------------------------------------------------

/** Spreads `rows` usage rows over the four scopes, with a finished job behind each but questionnaires (which have none). */
async function seedUsage(db: DbOrTx, userId: number, history: UsageHistory): Promise<void> {
  const scopes: UsageScope[] = ['questionnaires', 'ai_responses', 'uploads', 'cv_uploads'];
  const now = Date.now();
  // In the window: spread over its first 23 hours. Older: over the 30 days before it.
  const span = history.old ? 30 * DAY_MS : DAY_MS - 3_600_000;
  const newest = history.old ? now - DAY_MS - 3_600_000 : now - 60_000;
  for (let start = 0; start < history.rows; start += SEED_BATCH) {
    const usage: (typeof usageRecords.$inferInsert)[] = [];
    const work: (typeof jobs.$inferInsert)[] = [];
    for (let i = start; i < Math.min(history.rows, start + SEED_BATCH); i++) {
      const scope = scopes[i % scopes.length] ?? 'questionnaires';
      const createdAt = new Date(newest - Math.floor((i / history.rows) * span));
      let jobId: string | null = null;
      if (scope !== 'questionnaires') {
        jobId = randomUUID();
        work.push({ id: jobId, kind: 'bench_seed', status: 'succeeded', ownerId: userId, createdAt, finishedAt: createdAt });
      }
      usage.push({ userId, scope, jobId, createdAt });
    }
    if (work.length > 0) await db.insert(jobs).values(work);
    await db.insert(usageRecords).values(usage);
  }
}

async function measureCharge(layout: Layout, app: App, history: UsageHistory): Promise<ChargeFigures> {
  const { database } = layout.services;
  const { quotas } = layout.features;
  const person = await registerPerson(app, 'bench');
  await seedUsage(database.db, person.id, history);
  const row = {
    userId: person.id,
    position: QUESTIONNAIRE_BODY.position,
    industry: QUESTIONNAIRE_BODY.industry,
    experienceLevel: QUESTIONNAIRE_BODY.experience_level,
    companySize: QUESTIONNAIRE_BODY.company_size,
    location: QUESTIONNAIRE_BODY.location,
    applicationTimeline: QUESTIONNAIRE_BODY.application_timeline,
    jobDescription: QUESTIONNAIRE_BODY.job_description,
  };
  // Both write a row and commit, so both pay for the commit as the accepting transaction does.
  const insertAlone = () => database.db.transaction(async (tx) => void (await insertQuestionnaire(tx, row)));
  const insertCharged = () =>
    database.db.transaction(async (tx) => {
      await insertQuestionnaire(tx, row);
      await quotas.charge(tx, person.id, 'questionnaires', null);
    });
  const time = async (task: () => Promise<unknown>, into: number[]) => {
    const before = performance.now();
    await task();
    into.push(performance.now() - before);
  };
  const discarded: number[] = [];
  for (let i = 0; i < CHARGE_WARMUP_PAIRS; i++) {
    await time(insertAlone, discarded);
    await time(insertCharged, discarded);
  }
  const alone: number[] = [];
  const charged: number[] = [];
  let aloneMs = 0;
  let chargedMs = 0;
  for (let i = 0; i < CHARGE_PAIRS; i++) {
    // Each first every other time, so neither always follows the other.
    const order = i % 2 === 0 ? [false, true] : [true, false];
    for (const withCharge of order) await time(withCharge ? insertCharged : insertAlone, withCharge ? charged : alone);
  }
  for (const ms of alone) aloneMs += ms;
  for (const ms of charged) chargedMs += ms;
  return {
    history: history.label,
    insert: { perSecond: alone.length / (aloneMs / 1000), sorted: ascending(alone) },
    charged: { perSecond: charged.length / (chargedMs / 1000), sorted: ascending(charged) },
  };
}

/** The whole request the charge is part of, for scale. */
async function measurePost(app: App): Promise<PostFigures> {
  const person = await registerPerson(app, 'bench');
  const post = () => injectExpecting(app, { method: 'POST', url: '/cv/questionnaire/', headers: person.auth, payload: QUESTIONNAIRE_BODY }, 201);
  return { timing: await timeSequential(POSTS, post, POST_WARMUP) };
}

// ---- a layout, and the tables -----------------------------------------------------------------

/** Both read targets of a layout, opened side by side (opening PGlite takes seconds); none left open if either fails. */
async function openReadTargets(name: LayoutName): Promise<{ on: ReadTarget; off: ReadTarget }> {
  const [on, off] = await Promise.allSettled([openReadTarget(name, 'on'), openReadTarget(name, 'off')]);
  if (on.status === 'fulfilled' && off.status === 'fulfilled') return { on: on.value, off: off.value };
  for (const opened of [on, off]) if (opened.status === 'fulfilled') await closeApp(opened.value);
  throw on.status === 'rejected' ? on.reason : off.status === 'rejected' ? off.reason : new Error('unreachable');
}

async function benchmarkLayout(name: LayoutName): Promise<LayoutFigures> {
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(0);
  const { on, off } = await openReadTargets(name);
  console.log(`${name}: opened with limits on and off (${seconds()} s)`);
  try {
    let reads: { on: ReadFigures; off: ReadFigures };
    try {
      reads = await measureReads(on, off);
    } finally {
      await closeApp(off);
    }
    console.log(`${name}: reads measured (${seconds()} s)`);
    const counts = name === 'embedded' ? await measureMemoryCounts() : await measureRedisCounts();
    console.log(`${name}: counts measured (${seconds()} s)`);
    const charges: ChargeFigures[] = [];
    for (const history of HISTORIES) charges.push(await measureCharge(on.layout, on.app, history));
    const post = await measurePost(on.app);
    console.log(`${name}: charges measured (${seconds()} s)`);
    return { layout: name, readOn: reads.on, readOff: reads.off, counts, charges, post };
  } finally {
    await closeApp(on);
  }
}

const ms = (value: number) => value.toFixed(2);
const us = (value: number) => (value * 1000).toFixed(1);
const ratio = (value: number, ceiling: number) => `${(value / ceiling).toFixed(2)}x`;

function printReads(all: readonly LayoutFigures[]): void {
  console.log(`\n1. GET ${READ_URL}, signed in: limits on (ip + api_calls counted, never refusing) vs. limits off (the ceiling)`);
  console.log(`   ${READ_ROUNDS} alternating rounds of ${READ_SEQUENTIAL_PER_ROUND} one at a time and ${READ_CONCURRENT_PER_ROUND} ${READ_CONCURRENCY} at a time`);
  const lines: string[][] = [];
  for (const figures of all) {
    const { readOn: on, readOff: off } = figures;
    const line = (label: string, a: number, b: number, digits: number) => [figures.layout, label, a.toFixed(digits), b.toFixed(digits), ratio(a, b)];
    lines.push(
      line('req/s, one at a time', on.sequential.perSecond, off.sequential.perSecond, 0),
      [figures.layout, '  median of the rounds\' on/off', '', '', `${medianRoundRatio(on.sequentialRounds, off.sequentialRounds).toFixed(2)}x`],
      line('p50 ms, one at a time', percentile(on.sequential.sorted, 50), percentile(off.sequential.sorted, 50), 3),
      line('p99 ms, one at a time', percentile(on.sequential.sorted, 99), percentile(off.sequential.sorted, 99), 3),
      line(`req/s, ${READ_CONCURRENCY} at a time`, on.concurrent.perSecond, off.concurrent.perSecond, 0),
      [figures.layout, '  median of the rounds\' on/off', '', '', `${medianRoundRatio(on.concurrentRounds, off.concurrentRounds).toFixed(2)}x`],
      line(`p50 ms, ${READ_CONCURRENCY} at a time`, percentile(on.concurrent.sorted, 50), percentile(off.concurrent.sorted, 50), 3),
      line(`p99 ms, ${READ_CONCURRENCY} at a time`, percentile(on.concurrent.sorted, 99), percentile(off.concurrent.sorted, 99), 3),
    );
  }
  printColumns(['layout', 'figure', 'limits on', 'limits off (ceiling)', 'on/off'], lines, 2);
}

function printCounts(all: readonly LayoutFigures[]): void {
  console.log(`\n2. The counter store alone (CounterStore via pluginStore() incr) vs. the engine under it`);
  const lines: string[][] = [];
  for (const figures of all) {
    for (const count of figures.counts) {
      const engine = figures.counts.find((other) => other.label === count.versus);
      lines.push([
        count.label,
        count.sequential.perSecond.toFixed(0),
        us(percentile(count.sequential.sorted, 50)),
        us(percentile(count.sequential.sorted, 99)),
        count.concurrentPerSecond.toFixed(0),
        engine ? ratio(count.sequential.perSecond, engine.sequential.perSecond) : '-',
        engine ? ratio(count.concurrentPerSecond, engine.concurrentPerSecond) : '-',
      ]);
    }
  }
  printColumns(['counter', 'counts/s, 1 at a time', 'p50 µs', 'p99 µs', `counts/s, ${COUNT_CONCURRENCY} at a time`, 'vs engine, 1', `vs engine, ${COUNT_CONCURRENCY}`], lines);
  // What the limits add to a request, beside what its two counts cost alone (they run side by side).
  const cost: string[][] = all.map((figures) => {
    const { readOn: on, readOff: off } = figures;
    const mean = 1000 / on.sequential.perSecond - 1000 / off.sequential.perSecond;
    const median = percentile(on.sequential.sorted, 50) - percentile(off.sequential.sorted, 50);
    const store = figures.counts[0];
    const count = store ? percentile(store.sequential.sorted, 50) : Number.NaN;
    return [figures.layout, us(mean), us(median), us(count), `${(median / count).toFixed(1)}x`];
  });
  console.log('');
  console.log('   what the limits add to one read (one at a time), beside one count alone (a read makes two, side by side)');
  printColumns(['layout', 'added µs, mean', 'added µs, p50', 'one count p50 µs', 'added p50 / one count'], cost);
}

function printCharges(all: readonly LayoutFigures[]): void {
  console.log(`\n3. Charging a daily allowance: a transaction inserting a questionnaire and charging it vs. the insert alone (the ceiling)`);
  console.log(`   ${CHARGE_PAIRS} alternating pairs per person; earlier usage spread over the four scopes; the whole POST /cv/questionnaire/ for scale`);
  const lines: string[][] = [];
  for (const figures of all) {
    for (const charge of figures.charges) {
      const p = (latencies: Latencies, at: number) => percentile(latencies.sorted, at);
      lines.push([
        figures.layout,
        charge.history,
        ms(p(charge.insert, 50)),
        ms(p(charge.charged, 50)),
        ms(p(charge.charged, 50) - p(charge.insert, 50)),
        ms(p(charge.insert, 99)),
        ms(p(charge.charged, 99)),
        ms(p(charge.charged, 99) - p(charge.insert, 99)),
        ratio(charge.charged.perSecond, charge.insert.perSecond),
      ]);
    }
  }
  printColumns(['layout', 'earlier rows', 'insert p50', '+charge p50', 'added p50 ms', 'insert p99', '+charge p99', 'added p99 ms', 'tx/s charged/alone'], lines, 2);
  console.log('');
  const posts = all.map((figures) => {
    const first = figures.charges[0];
    const added = first ? percentile(first.charged.sorted, 50) - percentile(first.insert.sorted, 50) : Number.NaN;
    const postP50 = percentile(figures.post.timing.sorted, 50);
    return [figures.layout, figures.post.timing.perSecond.toFixed(0), ms(postP50), ms(percentile(figures.post.timing.sorted, 99)), `${((added / postP50) * 100).toFixed(0)}%`];
  });
  printColumns(['layout', 'POST /cv/questionnaire/ per s (one at a time)', 'p50 ms', 'p99 ms', 'charge (0 rows, p50) share of p50'], posts);
}

async function main(): Promise<void> {
  printMachine();
  const problem = await scaleOutProblem();
  if (problem) console.log(`scale-out services unreachable, benchmarking the embedded layout only (${problem})`);
  const started = performance.now();
  const all: LayoutFigures[] = [await benchmarkLayout('embedded')];
  if (!problem) all.push(await benchmarkLayout('scale-out'));
  printReads(all);
  printCounts(all);
  printCharges(all);
  console.log(`\nrun took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
