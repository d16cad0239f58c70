import type { InjectOptions } from 'fastify';
import { answeredWithin } from '../support/answered-within.js';
import { describe, expect, it, type TestContext } from 'vitest';
import { registerPerson } from '../support/browser.js';
import { createTestApp, storageTargets, type TestApp } from '../support/harness.js';
import { redisServerInstalled, startOwnRedis, type OwnRedis } from '../support/own-redis.js';
import { waitFor } from '../support/wait-for.js';

const available = storageTargets()[1]?.available === true && (process.env.CI === 'true' || (await redisServerInstalled()));
/** No request may wait longer than this on Redis, however it fails. */

type Person = Awaited<ReturnType<typeof registerPerson>>;

/**
 * Redis killed and Redis hung (SIGSTOP): sign-in keeps working (its counters live in PostgreSQL),
 * signed-in requests are answered from the database (the session cache steps aside, so a logout is
 * still refused everywhere), and nothing waits on Redis for more than two seconds.
 */
describe.runIf(available).concurrent('with Redis down or hung', () => {
  // Each test has a Redis server and an app of its own, and mostly waits on what Redis does not answer:
  // they run side by side.
  async function setUp({ onTestFinished }: TestContext): Promise<{ redis: OwnRedis; testApp: TestApp; person: Person }> {
    const redis = await startOwnRedis();
    const started: { testApp?: TestApp } = {};
    // The app goes before its Redis server does.
    onTestFinished(async () => {
      await started.testApp?.close();
      await redis.close();
    });
    const testApp = await createTestApp('postgres+redis', { REDIS_URL: redis.url });
    started.testApp = testApp;
    const person = await registerPerson(testApp.app, 'outage');
    return { redis, testApp, person };
  }


  async function everythingStillWorks({ testApp, person }: { testApp: TestApp; person: Person }): Promise<void> {
    const timed = (request: InjectOptions) => answeredWithin(testApp.app, request);
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

  async function recovers({ testApp, person }: { testApp: TestApp; person: Person }): Promise<void> {
    // No worker runs here, so the queue probe cannot pass: Redis's own check is what must recover.
    const redisHealthy = async () => (await testApp.app.inject({ method: 'GET', url: '/core/health/' })).json<{ services: { redis: string } }>().services.redis === 'healthy';
    await waitFor(redisHealthy, 20_000, 'Redis to be healthy again');
    const login = await testApp.app.inject({ method: 'POST', url: '/auth/login/', payload: { username: person.username, password: person.password } });
    expect(login.statusCode).toBe(200);
  }

  it('keeps signing people in when Redis is killed, and recovers when it is back', async (context) => {
    const { redis, ...service } = await setUp(context);
    // Warm the session cache first: it must not serve what it held once Redis is gone.
    expect((await service.testApp.app.inject({ method: 'GET', url: '/auth/user/', headers: service.person.auth })).statusCode).toBe(200);
    await redis.stop();
    await everythingStillWorks(service);
    await redis.start();
    await recovers(service);
  });

  it('keeps signing people in when Redis hangs, and recovers when it answers again', async (context) => {
    const { redis, ...service } = await setUp(context);
    await redis.pause();
    try {
      await everythingStillWorks(service);
    } finally {
      await redis.resume();
    }
    await recovers(service);
  });
});
