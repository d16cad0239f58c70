import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson } from '../support/browser.js';
import { createTestApp, storageTargets, type TestApp } from '../support/harness.js';
import { redisServerInstalled, startOwnRedis, type OwnRedis } from '../support/own-redis.js';
import { waitFor } from '../support/wait-for.js';

const available = storageTargets()[1]?.available === true && (process.env.CI === 'true' || (await redisServerInstalled()));
/** No request may wait longer than this on Redis, however it fails. */
const BOUND_MS = 2000;

type Person = Awaited<ReturnType<typeof registerPerson>>;

/**
 * Redis killed and Redis hung (SIGSTOP): sign-in keeps working (its counters live in PostgreSQL),
 * signed-in requests are answered from the database (the session cache steps aside, so a logout is
 * still refused everywhere), and nothing waits on Redis for more than two seconds.
 */
describe.runIf(available)('with Redis down or hung', () => {
  let redis: OwnRedis;
  let testApp: TestApp;
  let person: Person;

  beforeAll(async () => {
    redis = await startOwnRedis();
    testApp = await createTestApp('postgres+redis', { REDIS_URL: redis.url });
    person = await registerPerson(testApp.app, 'outage');
  });
  afterAll(async () => {
    await testApp.close();
    await redis.close();
  });

  /** Sends a request and checks it was answered within the bound. */
  async function timed(request: InjectOptions): Promise<LightMyRequestResponse> {
    const started = performance.now();
    const response = await testApp.app.inject(request);
    const elapsed = performance.now() - started;
    expect(elapsed, `${JSON.stringify(request).slice(0, 80)} took ${elapsed.toFixed(0)} ms`).toBeLessThan(BOUND_MS);
    return response;
  }

  async function everythingStillWorks(): Promise<void> {
    const login = await timed({ method: 'POST', url: '/auth/login/', payload: { username: person.username, password: person.password } });
    expect(login.statusCode).toBe(200);
    const { access } = login.json<{ access: string }>();
    const me = await timed({ method: 'GET', url: '/auth/user/', headers: { authorization: `Bearer ${access}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: person.username });
    // The job row is committed; its delivery waits for Redis (or the reconciler), not the request.
    const reset = await timed({ method: 'POST', url: '/auth/password/reset/', payload: { email: person.email } });
    expect(reset.statusCode).toBe(200);
    const plans = await timed({ method: 'GET', url: '/core/plans/' });
    expect(plans.statusCode).toBe(200);
    // A logout is refused at once, even though no invalidation can travel.
    expect((await timed({ method: 'POST', url: '/auth/logout/', headers: { authorization: `Bearer ${access}` }, payload: {} })).statusCode).toBe(200);
    expect((await timed({ method: 'GET', url: '/auth/user/', headers: { authorization: `Bearer ${access}` } })).statusCode).toBe(401);
    const health = await timed({ method: 'GET', url: '/core/health/' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ services: { db: 'healthy', redis: 'unhealthy' } });
  }

  async function recovers(): Promise<void> {
    // No worker runs here, so the queue probe cannot pass: Redis's own check is what must recover.
    const redisHealthy = async () => (await testApp.app.inject({ method: 'GET', url: '/core/health/' })).json<{ services: { redis: string } }>().services.redis === 'healthy';
    await waitFor(redisHealthy, 20_000, 'Redis to be healthy again');
    const login = await testApp.app.inject({ method: 'POST', url: '/auth/login/', payload: { username: person.username, password: person.password } });
    expect(login.statusCode).toBe(200);
  }

  it('keeps signing people in when Redis is killed, and recovers when it is back', async () => {
    // Warm the session cache first: it must not serve what it held once Redis is gone.
    expect((await testApp.app.inject({ method: 'GET', url: '/auth/user/', headers: person.auth })).statusCode).toBe(200);
    await redis.stop();
    await everythingStillWorks();
    await redis.start();
    await recovers();
  });

  it('keeps signing people in when Redis hangs, and recovers when it answers again', async () => {
    await redis.pause();
    try {
      await everythingStillWorks();
    } finally {
      await redis.resume();
    }
    await recovers();
  });
});
