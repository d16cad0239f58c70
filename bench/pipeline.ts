// Improvements end to end through the HTTP API of a listening service (API and worker in this
// process, real sockets, signed-in people, questionnaires with an imported JSON Resume CV), with
// LLM_PROVIDER=openai against a fake OpenAI-compatible model on 127.0.0.1, for the two storage
// layouts: embedded (PGlite, in-process queue) and scale-out (PostgreSQL + Redis, BullMQ). Run with
// `npm run bench:pipeline`.
//
// 1. Throughput with a model that answers at once: improvements per second, each a POST with
//    `Prefer: wait=60` that must answer 201 succeeded. Ceiling: the same HTTP round trip on
//    GET /core/health/ at the same concurrency, measured before and after, in the same run.
// 2. Overlap: 50 improvements at once against a model that takes 2 s a call, with the default
//    WORKER_CONCURRENCY. The wall time must stay under 10 s, or the run fails: one call after
//    another would take 100 s. The ceiling is one call's 2 s, as if all 50 overlapped.
//
// Load shedding is off (OVERLOAD_EVENT_LOOP_DELAY_MS=0, as in the tests): the figures are the
// pipeline's capacity, and the event loop's delay during the throughput phase is printed beside them,
// to show where the default threshold (300 ms) would start refusing requests with 503.
//
// Scale-out needs BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and
// BENCH_REDIS_URL (default redis://127.0.0.1:6379); without them only the embedded layout runs.
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../src/app.js';
import { startWorker } from '../src/process/worker-role.js';
import type { FakeLlmRequest, FakeReply } from '../test/support/fake-llm-server.js';
import { startFakeOpenAi } from '../test/support/fake-openai.js';
import { ascending, benchmarkLayouts, percentile, runConcurrently, type Layout, type TableRow } from './support.js';
import { tailoringModel } from './tailoring-model.js';

const CLIENTS = 20;
const WARMUP_IMPROVEMENTS = 20;
const IMPROVEMENTS = 200;
const HEALTH_WARMUP_REQUESTS = 200;
const HEALTH_REQUESTS = 2000;
const OVERLAP_IMPROVEMENTS = 50;
const SLOW_MODEL_MS = 2000;
const OVERLAP_LIMIT_MS = 10_000;
const PREFER_WAIT_SECONDS = 60;
// Bounds every wait: one request may take the whole Prefer wait and a little more; a phase has its own deadline.
const REQUEST_TIMEOUT_MS = (PREFER_WAIT_SECONDS + 10) * 1000;
const PHASE_TIMEOUT_MS = 120_000;
const HEALTHY_TIMEOUT_MS = 30_000;
const WORKER_GRACE_MS = 5000;
const CLOSE_AFTER_FAILURE_MS = 2000;
const FAKE_API_KEY = 'bench-fake-openai-key';
const PASSWORD = 'Lantern-7-quartz-meadow';
const RESUME_FILE = 'test/fixtures/cvs/jsonresume_sample.resume.json';
const JOB_FOLDER = 'test/fixtures/jobs';
const PROMPT = 'Please tailor my CV to this job advert, keeping everything true.';

interface LayoutResult {
  healthPerSecond: number;
  improvementsPerSecond: number;
  throughputVsCeiling: number;
  improvementP50: number;
  improvementP99: number;
  loopDelayMean: number;
  loopDelayMax: number;
  overlapSeconds: number;
  overlapVsIdeal: number;
  peakModelCalls: number;
}

/** A signed-in person with a questionnaire whose CV is imported. */
interface Client {
  authorization: string;
  questionnaire: number;
}

/**
 * The fake model behind both phases: it tailors as `tailoringModel` does and waits `latencyMs`
 * first, counting the calls it holds at once (how far the worker overlaps them).
 */
class BenchModel {
  private latencyMs = 0;
  private inFlight = 0;
  private peak = 0;
  private calls = 0;
  private readonly tailor = tailoringModel();

  readonly respond = async (request: FakeLlmRequest): Promise<FakeReply> => {
    this.calls += 1;
    this.inFlight += 1;
    this.peak = Math.max(this.peak, this.inFlight);
    try {
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      return this.tailor(request);
    } finally {
      this.inFlight -= 1;
    }
  };

  /** The calls of the phase so far, and the most it held at once. */
  counts(): { calls: number; peak: number } {
    return { calls: this.calls, peak: this.peak };
  }

  /** Starts a phase: the model's latency, and its counts from zero. */
  reset(latencyMs: number): void {
    this.latencyMs = latencyMs;
    this.peak = 0;
    this.calls = 0;
  }
}

/** One HTTP request, bounded in time; any other status than `status` fails the run, with the body. */
async function call(
  baseUrl: string,
  method: 'GET' | 'POST',
  url: string,
  status: number,
  options: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<unknown> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const response = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
  });
  const text = await response.text();
  if (response.status !== status) throw new Error(`${method} ${url} answered ${response.status}, not ${status}: ${text.slice(0, 500)}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/**
 * Runs `task` for indexes 0 to total-1, `concurrency` at once, failing when the phase outlasts its
 * deadline. The first failure aborts every request still waiting (through the signal), so a failed
 * run ends at once instead of waiting out each Prefer wait. Answers the phase's milliseconds.
 */
async function runPhase(name: string, total: number, concurrency: number, task: (index: number, signal: AbortSignal) => Promise<unknown>): Promise<number> {
  const abort = new AbortController();
  const deadline = AbortSignal.timeout(PHASE_TIMEOUT_MS);
  const signal = AbortSignal.any([abort.signal, deadline]);
  const started = performance.now();
  try {
    await runConcurrently(total, concurrency, async (index) => {
      if (deadline.aborted) throw new Error(`${name}: not done within ${PHASE_TIMEOUT_MS} ms`);
      signal.throwIfAborted();
      await task(index, signal);
    });
  } catch (error) {
    abort.abort(error);
    throw new Error(`${name} failed: ${(error as Error).message}`, { cause: error });
  }
  return performance.now() - started;
}

async function waitUntilHealthy(baseUrl: string): Promise<void> {
  const deadline = Date.now() + HEALTHY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${baseUrl}/core/health/`, { signal: AbortSignal.timeout(HEALTHY_TIMEOUT_MS) });
    last = `${response.status} ${await response.text()}`;
    if (response.ok) return;
    await sleep(200);
  }
  throw new Error(`GET /core/health/ not healthy within ${HEALTHY_TIMEOUT_MS} ms; last answer ${last}`);
}

/** Signs a person up, and gives them a questionnaire for `advert` with the JSON Resume sample imported as its CV. */
async function newClient(baseUrl: string, resume: unknown, advert: string): Promise<Client> {
  const username = `bench${randomBytes(5).toString('hex')}`;
  const registered = (await call(baseUrl, 'POST', '/auth/registration/', 201, {
    body: { username, email: `${username}@example.org`, password1: PASSWORD, password2: PASSWORD },
  })) as { access?: unknown };
  if (typeof registered.access !== 'string') throw new Error('registration gave no access token');
  const authorization = `Bearer ${registered.access}`;
  const position = advert.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 200) ?? 'Engineer';
  const questionnaire = (await call(baseUrl, 'POST', '/cv/questionnaire/', 201, {
    headers: { authorization },
    body: { position, industry: 'Technology', experience_level: '3-5', company_size: 'medium', location: 'Remote', application_timeline: 'immediate', job_description: advert },
  })) as { id?: unknown };
  if (typeof questionnaire.id !== 'number') throw new Error('the questionnaire has no id');
  await call(baseUrl, 'POST', `/cv/questionnaire/${questionnaire.id}/cv/import/`, 201, { headers: { authorization }, body: resume });
  return { authorization, questionnaire: questionnaire.id };
}

/** One improvement that must be done within the request: 201, succeeded, made by the model. Answers its milliseconds. */
async function improve(baseUrl: string, client: Client, signal: AbortSignal): Promise<number> {
  const started = performance.now();
  const body = (await call(baseUrl, 'POST', '/cv/ai-responses/', 201, {
    headers: { authorization: client.authorization, prefer: `wait=${PREFER_WAIT_SECONDS}` },
    body: { questionnaire: client.questionnaire, prompt: PROMPT },
    signal,
  })) as { status?: unknown; usage?: { provider?: unknown } | null; response_text?: unknown };
  const elapsed = performance.now() - started;
  if (body.status !== 'succeeded') throw new Error(`an improvement answered 201 with status ${String(body.status)}`);
  if (body.usage?.provider !== 'openai') throw new Error(`an improvement was made by ${String(body.usage?.provider)}, not the openai provider`);
  if (typeof body.response_text !== 'string' || body.response_text === '') throw new Error('an improvement has no response_text');
  return elapsed;
}

function clientAt(clients: readonly Client[], index: number): Client {
  const client = clients[index % clients.length];
  if (!client) throw new Error('no clients');
  return client;
}

async function healthPerSecond(baseUrl: string): Promise<number> {
  const health = (_index: number, signal: AbortSignal) => call(baseUrl, 'GET', '/core/health/', 200, { signal });
  await runPhase('health warm-up', HEALTH_WARMUP_REQUESTS, CLIENTS, health);
  const ms = await runPhase('health', HEALTH_REQUESTS, CLIENTS, health);
  return HEALTH_REQUESTS / (ms / 1000);
}

function benchmarkWith(model: BenchModel, resume: unknown, adverts: readonly string[], overlapFailures: string[]) {
  return async (layout: Layout): Promise<LayoutResult> => {
    const app = await buildApp(layout.services, layout.features);
    const worker = startWorker(layout.services, layout.features);
    let finished = false;
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      await waitUntilHealthy(baseUrl);
      const clients: Client[] = [];
      for (let i = 0; i < CLIENTS; i++) clients.push(await newClient(baseUrl, resume, adverts[i % adverts.length] ?? ''));

      const healthBefore = await healthPerSecond(baseUrl);
      model.reset(0);
      await runPhase('improvement warm-up', WARMUP_IMPROVEMENTS, CLIENTS, (index, signal) => improve(baseUrl, clientAt(clients, index), signal));
      model.reset(0);
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      const latencies: number[] = [];
      const throughputMs = await runPhase('throughput', IMPROVEMENTS, CLIENTS, async (index, signal) => latencies.push(await improve(baseUrl, clientAt(clients, index), signal)));
      loopDelay.disable();
      const throughputCalls = model.counts().calls;
      if (throughputCalls !== IMPROVEMENTS) throw new Error(`${IMPROVEMENTS} improvements made ${throughputCalls} model calls`);
      const healthAfter = await healthPerSecond(baseUrl);
      // The mean of before and after: one measurement alone may fall in a quiet or a busy moment of the shared machine.
      const health = (healthBefore + healthAfter) / 2;
      const sorted = ascending(latencies);
      const improvementsPerSecond = IMPROVEMENTS / (throughputMs / 1000);
      console.log(
        `${layout.name}: ${IMPROVEMENTS} improvements from ${CLIENTS} clients (Prefer: wait=${PREFER_WAIT_SECONDS}, model without latency)  ` +
          `${improvementsPerSecond.toFixed(1)} improvements/s  p50 ${percentile(sorted, 50).toFixed(1)} ms  p99 ${percentile(sorted, 99).toFixed(1)} ms; ` +
          `GET /core/health/ ${health.toFixed(0)} req/s (before ${healthBefore.toFixed(0)}, after ${healthAfter.toFixed(0)}); ratio ${(improvementsPerSecond / health).toFixed(4)}; ` +
          `event loop delay mean ${(loopDelay.mean / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`,
      );

      model.reset(SLOW_MODEL_MS);
      const overlapMs = await runPhase('overlap', OVERLAP_IMPROVEMENTS, OVERLAP_IMPROVEMENTS, (index, signal) => improve(baseUrl, clientAt(clients, index), signal));
      const overlapCalls = model.counts();
      if (overlapCalls.calls !== OVERLAP_IMPROVEMENTS) throw new Error(`${OVERLAP_IMPROVEMENTS} improvements made ${overlapCalls.calls} model calls`);
      const concurrency = layout.services.config.workerConcurrency;
      console.log(
        `${layout.name}: ${OVERLAP_IMPROVEMENTS} improvements at once, model taking ${SLOW_MODEL_MS} ms a call, WORKER_CONCURRENCY ${concurrency} (default)  ` +
          `wall ${(overlapMs / 1000).toFixed(2)} s (ideal ${(SLOW_MODEL_MS / 1000).toFixed(0)} s, ${(overlapMs / SLOW_MODEL_MS).toFixed(2)}x; ` +
          `${Math.ceil(OVERLAP_IMPROVEMENTS / concurrency)} rounds of calls at this concurrency take at least ${((Math.ceil(OVERLAP_IMPROVEMENTS / concurrency) * SLOW_MODEL_MS) / 1000).toFixed(0)} s)  ` +
          `peak ${overlapCalls.peak} model calls at once`,
      );
      if (overlapMs >= OVERLAP_LIMIT_MS) overlapFailures.push(`${layout.name}: ${OVERLAP_IMPROVEMENTS} slow improvements took ${(overlapMs / 1000).toFixed(2)} s, not under ${OVERLAP_LIMIT_MS / 1000} s`);

      finished = true;
      return {
        healthPerSecond: health,
        improvementsPerSecond,
        throughputVsCeiling: improvementsPerSecond / health,
        improvementP50: percentile(sorted, 50),
        improvementP99: percentile(sorted, 99),
        loopDelayMean: loopDelay.mean / 1e6,
        loopDelayMax: loopDelay.max / 1e6,
        overlapSeconds: overlapMs / 1000,
        overlapVsIdeal: overlapMs / SLOW_MODEL_MS,
        peakModelCalls: overlapCalls.peak,
      };
    } finally {
      await worker.stop(WORKER_GRACE_MS);
      // After a failure, requests of the aborted phase may still be waiting on the server, up to their
      // Prefer wait (the service does not notice a client that went away): the run stops without them.
      await (finished ? app.close() : Promise.race([app.close(), sleep(CLOSE_AFTER_FAILURE_MS)]));
    }
  };
}

const TABLE: TableRow<LayoutResult>[] = [
  ['ceiling: GET /core/health/ (req/s)', 'healthPerSecond', 0],
  ['improvements/s (model without latency)', 'improvementsPerSecond', 1],
  ['improvements/s ÷ health req/s', 'throughputVsCeiling', 4],
  ['improvement p50 (ms)', 'improvementP50', 1],
  ['improvement p99 (ms)', 'improvementP99', 1],
  ['event loop delay, mean (ms)', 'loopDelayMean', 1],
  ['event loop delay, max (ms)', 'loopDelayMax', 1],
  [`${OVERLAP_IMPROVEMENTS} slow improvements, wall (s)`, 'overlapSeconds', 2],
  [`wall ÷ ideal ${SLOW_MODEL_MS / 1000} s`, 'overlapVsIdeal', 2],
  ['peak model calls at once', 'peakModelCalls', 0],
];

async function main(): Promise<void> {
  const resume = JSON.parse(await readFile(RESUME_FILE, 'utf8')) as unknown;
  const advertFiles = (await readdir(JOB_FOLDER)).filter((name) => name.endsWith('.txt')).sort();
  const adverts = await Promise.all(advertFiles.map((file) => readFile(path.join(JOB_FOLDER, file), 'utf8')));
  if (adverts.length === 0) throw new Error(`no job adverts in ${JOB_FOLDER}`);
  const model = new BenchModel();
  const fake = await startFakeOpenAi({ respond: model.respond, apiKey: FAKE_API_KEY });
  const overlapFailures: string[] = [];
  try {
    await benchmarkLayouts(benchmarkWith(model, resume, adverts, overlapFailures), TABLE, { OVERLOAD_EVENT_LOOP_DELAY_MS: '0', LLM_PROVIDER: 'openai', OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: FAKE_API_KEY });
  } finally {
    await fake.close();
  }
  if (overlapFailures.length > 0) throw new Error(`the worker did not overlap the model's calls enough:\n${overlapFailures.join('\n')}`);
}

await main();
