// Sign-up, sign-in and signed-in request figures for the two storage layouts: embedded (PGlite in
// memory, in-process queue, memory cache) and scale-out (PostgreSQL + Redis), through the whole HTTP
// stack without a network (`app.inject`). Run with `npm run bench:auth`.
//
// Scale-out needs BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and
// BENCH_REDIS_URL (default redis://127.0.0.1:6379); without them only the embedded layout runs.
import { buildApp, type App } from '../src/app.js';
import { registerPerson } from '../test/support/browser.js';
import { benchmarkLayouts, injectExpecting, percentile, runConcurrently, timeSequential, type Layout, type TableRow } from './support.js';

const REGISTRATIONS = 50;
// Registered unmeasured before the measured ones: they warm the sign-up path, and with the measured
// ones they give every login its own person, so no lockout counter is ever shared.
const SETUP_REGISTRATIONS = 50;
const LOGINS = SETUP_REGISTRATIONS + REGISTRATIONS;
// More than the 2 cores the run is sized for: hashing runs on libuv's threads, not the event loop, so
// logins overlap and the rate rises above the sequential one; were it on the event loop, it would not.
const LOGIN_CONCURRENCY = 8;
const USER_WARMUP_REQUESTS = 100;
const USER_REQUESTS = 3000;
const PLANS_WARMUP_REQUESTS = 100;
const PLANS_REQUESTS = 3000;

type Person = Awaited<ReturnType<typeof registerPerson>>;

interface LayoutResult {
  registrationP50: number;
  registrationP95: number;
  registrationsPerSecond: number;
  loginP50: number;
  loginP95: number;
  loginsPerSecond: number;
  concurrentLoginsPerSecond: number;
  userPerSecond: number;
  userP50: number;
  userP99: number;
  plansPerSecond: number;
  plansP50: number;
  plansP99: number;
}

function personAt(people: readonly Person[], index: number): Person {
  const person = people[index];
  if (!person) throw new Error(`no registered person #${index}`);
  return person;
}

async function login(app: App, person: Person): Promise<void> {
  await injectExpecting(app, { method: 'POST', url: '/auth/login/', payload: { username: person.username, password: person.password } }, 200);
}

async function measureRegistration(layout: Layout, app: App, people: Person[]): Promise<Pick<LayoutResult, 'registrationP50' | 'registrationP95' | 'registrationsPerSecond'>> {
  for (let i = 0; i < SETUP_REGISTRATIONS; i++) people.push(await registerPerson(app, 'bench'));
  const timing = await timeSequential(REGISTRATIONS, async () => people.push(await registerPerson(app, 'bench')));
  const result = { registrationP50: percentile(timing.sorted, 50), registrationP95: percentile(timing.sorted, 95), registrationsPerSecond: timing.perSecond };
  console.log(
    `${layout.name}: POST /auth/registration/ x${REGISTRATIONS} sequential  ${result.registrationsPerSecond.toFixed(1)} registrations/s  ` +
      `p50 ${result.registrationP50.toFixed(2)} ms  p95 ${result.registrationP95.toFixed(2)} ms`,
  );
  return result;
}

async function measureLogin(layout: Layout, app: App, people: readonly Person[]): Promise<Pick<LayoutResult, 'loginP50' | 'loginP95' | 'loginsPerSecond' | 'concurrentLoginsPerSecond'>> {
  const timing = await timeSequential(LOGINS, (index) => login(app, personAt(people, index)));
  const sequential = { loginP50: percentile(timing.sorted, 50), loginP95: percentile(timing.sorted, 95), loginsPerSecond: timing.perSecond };
  console.log(
    `${layout.name}: POST /auth/login/ x${LOGINS} sequential  ${sequential.loginsPerSecond.toFixed(1)} logins/s  ` +
      `p50 ${sequential.loginP50.toFixed(2)} ms  p95 ${sequential.loginP95.toFixed(2)} ms`,
  );
  const started = performance.now();
  await runConcurrently(LOGINS, LOGIN_CONCURRENCY, (index) => login(app, personAt(people, index)));
  const concurrentLoginsPerSecond = LOGINS / ((performance.now() - started) / 1000);
  console.log(
    `${layout.name}: POST /auth/login/ x${LOGINS}, ${LOGIN_CONCURRENCY} at a time  ${concurrentLoginsPerSecond.toFixed(1)} logins/s  ` +
      `(${(concurrentLoginsPerSecond / sequential.loginsPerSecond).toFixed(2)}x sequential)`,
  );
  return { ...sequential, concurrentLoginsPerSecond };
}

async function measureUser(layout: Layout, app: App, person: Person): Promise<Pick<LayoutResult, 'userPerSecond' | 'userP50' | 'userP99'>> {
  const timing = await timeSequential(USER_REQUESTS, () => injectExpecting(app, { method: 'GET', url: '/auth/user/', headers: person.auth }, 200), USER_WARMUP_REQUESTS);
  const result = { userPerSecond: timing.perSecond, userP50: percentile(timing.sorted, 50), userP99: percentile(timing.sorted, 99) };
  console.log(
    `${layout.name}: GET /auth/user/ (bearer) x${USER_REQUESTS}  ${result.userPerSecond.toFixed(0)} req/s  ` +
      `p50 ${result.userP50.toFixed(2)} ms  p99 ${result.userP99.toFixed(2)} ms`,
  );
  return result;
}

async function measurePlans(layout: Layout, app: App): Promise<Pick<LayoutResult, 'plansPerSecond' | 'plansP50' | 'plansP99'>> {
  const request = { method: 'GET', url: '/core/plans/' } as const;
  // An empty list would be cheaper to serve, and the two layouts would no longer compare.
  if ((await injectExpecting(app, request, 200)).json<unknown[]>().length === 0) throw new Error(`${layout.name}: GET /core/plans/ lists no plans`);
  const timing = await timeSequential(PLANS_REQUESTS, () => injectExpecting(app, request, 200), PLANS_WARMUP_REQUESTS);
  const result = { plansPerSecond: timing.perSecond, plansP50: percentile(timing.sorted, 50), plansP99: percentile(timing.sorted, 99) };
  console.log(
    `${layout.name}: GET /core/plans/ (anonymous) x${PLANS_REQUESTS}  ${result.plansPerSecond.toFixed(0)} req/s  ` +
      `p50 ${result.plansP50.toFixed(2)} ms  p99 ${result.plansP99.toFixed(2)} ms`,
  );
  return result;
}

// No worker: none of these requests enqueues a job.
async function benchmark(layout: Layout): Promise<LayoutResult> {
  const app = await buildApp(layout.services, layout.features);
  try {
    const people: Person[] = [];
    const registration = await measureRegistration(layout, app, people);
    const logins = await measureLogin(layout, app, people);
    const user = await measureUser(layout, app, personAt(people, 0));
    const plans = await measurePlans(layout, app);
    return { ...registration, ...logins, ...user, ...plans };
  } finally {
    await app.close();
  }
}

const TABLE: TableRow<LayoutResult>[] = [
  ['registration p50 (ms)', 'registrationP50', 2],
  ['registration p95 (ms)', 'registrationP95', 2],
  ['registrations/s', 'registrationsPerSecond', 1],
  ['login p50 (ms)', 'loginP50', 2],
  ['login p95 (ms)', 'loginP95', 2],
  ['logins/s, sequential', 'loginsPerSecond', 1],
  [`logins/s, ${LOGIN_CONCURRENCY} at a time`, 'concurrentLoginsPerSecond', 1],
  ['GET /auth/user/ (req/s)', 'userPerSecond', 0],
  ['GET /auth/user/ p50 (ms)', 'userP50', 2],
  ['GET /auth/user/ p99 (ms)', 'userP99', 2],
  ['GET /core/plans/ (req/s)', 'plansPerSecond', 0],
  ['GET /core/plans/ p50 (ms)', 'plansP50', 2],
  ['GET /core/plans/ p99 (ms)', 'plansP99', 2],
];

await benchmarkLayouts(benchmark, TABLE);
