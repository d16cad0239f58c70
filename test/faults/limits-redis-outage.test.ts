import { answeredWithin } from '../support/answered-within.js';
import { describe, expect, it, type TestContext } from 'vitest';
import type { RateLimitStatusBody } from '../../src/features/limits/schema.js';
import { newPerson } from '../support/browser.js';
import { createTestApp, storageTargets, type TestApp } from '../support/harness.js';
import { questionnaireFields } from '../support/improvements.js';
import { memoryLog } from '../support/memory-log.js';
import { redisServerInstalled, startOwnRedis, type OwnRedis } from '../support/own-redis.js';
import { waitFor } from '../support/wait-for.js';

const available = storageTargets()[1]?.available === true && (process.env.CI === 'true' || (await redisServerInstalled()));
/** Low enough to pass during the outage, to see that nothing counts it then. */
const PER_HOUR = 50;
/** The seeded Free plan's questionnaires a day. */
const FREE_QUESTIONNAIRES = 5;
const FAIL_OPEN_WARNING = 'rate limits are not enforced';

/** Where each kind of request comes from: the per-address counts of one never reach another's. */
const PERSON_ADDRESS = '198.51.100.1';
const OUTAGE_ADDRESS = '198.51.100.2';
const RECOVERY_ADDRESS = '198.51.100.3';

interface Outage {
  redis: OwnRedis;
  testApp: TestApp;
  auth: Record<string, string>;
  /** How many times the fail-open warning has been logged. */
  warnings: () => number;
}

/**
 * Redis killed, and Redis hung (SIGSTOP), under the request-rate limits: requests are answered in
 * time and let through uncounted (fail open, logged once), the daily allowances, kept in PostgreSQL,
 * still hold, and counting starts again once Redis is back.
 */
describe.runIf(available).concurrent('limits with Redis down or hung', () => {
  // Each test has a Redis server and an app of its own, and mostly waits on Redis: they run side by side.
  async function setUp({ onTestFinished }: TestContext): Promise<Outage> {
    const redis = await startOwnRedis();
    const started: { testApp?: TestApp } = {};
    // The app goes before its Redis server does.
    onTestFinished(async () => {
      await started.testApp?.close();
      await redis.close();
    });
    const log = memoryLog('warn');
    const testApp = await createTestApp('postgres+redis', { REDIS_URL: redis.url, RATE_LIMIT_PER_IP_PER_HOUR: String(PER_HOUR) }, { allowances: 'seeded', logger: log.logger });
    started.testApp = testApp;
    const person = newPerson('outage');
    const registered = await testApp.app.inject({
      method: 'POST',
      url: '/auth/registration/',
      payload: { username: person.username, email: person.email, password1: person.password, password2: person.password },
      remoteAddress: PERSON_ADDRESS,
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const auth = { authorization: `Bearer ${registered.json<{ access: string }>().access}` };
    const warnings = () => log.entries().filter((entry) => String(entry.msg).startsWith(FAIL_OPEN_WARNING)).length;
    return { redis, testApp, auth, warnings };
  }

  const newQuestionnaire = (testApp: TestApp, auth: Record<string, string>) =>
    answeredWithin(testApp.app, { method: 'POST', url: '/cv/questionnaire/', headers: auth, payload: questionnaireFields, remoteAddress: PERSON_ADDRESS });

  /** Four of the Free plan's five questionnaires of the day, used while Redis is still there; counted as usual. */
  async function beforeTheOutage({ testApp, auth, warnings }: Outage): Promise<void> {
    for (let i = 0; i < FREE_QUESTIONNAIRES - 1; i++) {
      const response = await newQuestionnaire(testApp, auth);
      expect(response.statusCode, response.body).toBe(201);
      expect(response.headers['ratelimit-policy']).toContain(`"ip";q=${PER_HOUR};w=3600`);
    }
    const counted = await testApp.app.inject({ method: 'GET', url: '/core/plans/', remoteAddress: OUTAGE_ADDRESS });
    expect(counted.headers.ratelimit).toMatch(new RegExp(`^"ip";r=${PER_HOUR - 1};t=\\d+$`));
    expect(warnings()).toBe(0);
  }

  const statusOf = async (testApp: TestApp, auth: Record<string, string>): Promise<RateLimitStatusBody> => {
    const status = await answeredWithin(testApp.app, { method: 'GET', url: '/core/rate-limits/status/', headers: auth, remoteAddress: PERSON_ADDRESS });
    expect(status.statusCode, status.body).toBe(200);
    return status.json<RateLimitStatusBody>();
  };

  async function duringTheOutage({ testApp, auth, warnings }: Outage): Promise<void> {
    // The first request to meet the outage, and one that would read a counter of Redis's too.
    expect((await statusOf(testApp, auth)).rate_limits.questionnaires).toMatchObject({ limit: FREE_QUESTIONNAIRES, used: FREE_QUESTIONNAIRES - 1, remaining: 1 });
    // Past the hourly number for the address: nothing counts, nothing is refused, nothing says a count.
    for (let i = 0; i < PER_HOUR + 10; i++) {
      const response = await answeredWithin(testApp.app, { method: 'GET', url: '/core/plans/', remoteAddress: OUTAGE_ADDRESS });
      expect(response.statusCode, `request ${i + 1}: ${response.body}`).toBe(200);
      expect(response.headers['ratelimit-policy']).toBeUndefined();
      expect(response.headers.ratelimit).toBeUndefined();
    }
    // The daily allowance is the ledger's: the fifth questionnaire is accepted, the sixth refused.
    const fifth = await newQuestionnaire(testApp, auth);
    expect(fifth.statusCode, fifth.body).toBe(201);
    expect(fifth.headers.ratelimit).toBeUndefined();
    const sixth = await newQuestionnaire(testApp, auth);
    expect(sixth.statusCode, sixth.body).toBe(429);
    expect(sixth.json()).toMatchObject({ code: 'quota_exceeded', scope: 'questionnaires', limit_info: { limit: FREE_QUESTIONNAIRES, used: FREE_QUESTIONNAIRES, remaining: 0, current_plan: 'Free' } });
    const body = await statusOf(testApp, auth);
    expect(body.user.plan).toBe('Free');
    expect(body.rate_limits.questionnaires).toMatchObject({ limit: FREE_QUESTIONNAIRES, used: FREE_QUESTIONNAIRES, remaining: 0, status: 'critical' });
    expect(body.rate_limits.ai_responses).toMatchObject({ limit: 3, used: 0, remaining: 3 });
    expect(body.rate_limits.uploads).toMatchObject({ limit: 3, used: 0, remaining: 3 });
    // Said once for the whole outage, not once per request let through.
    expect(warnings()).toBe(1);
  }

  /** Counting starts again within seconds, and the hourly number is enforced once more. */
  async function afterTheOutage({ testApp }: Outage): Promise<void> {
    const request = () => testApp.app.inject({ method: 'GET', url: '/core/plans/', remoteAddress: RECOVERY_ADDRESS });
    const first = await waitFor(
      async () => {
        const response = await request();
        return response.headers.ratelimit === undefined ? undefined : response;
      },
      20_000,
      'RateLimit headers to come back',
      200,
    );
    expect(first.headers['ratelimit-policy']).toBe(`"ip";q=${PER_HOUR};w=3600`);
    const remaining = Number(/^"ip";r=(\d+);t=\d+$/.exec(String(first.headers.ratelimit))?.[1]);
    expect(remaining).toBeLessThan(PER_HOUR);
    for (let i = 0; i < remaining; i++) expect((await request()).statusCode).toBe(200);
    const refused = await request();
    expect(refused.statusCode, refused.body).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'throttled', scope: 'ip' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  }

  it('lets requests through uncounted while Redis is killed, keeps the daily allowances, and counts again once it is back', async (context) => {
    const outage = await setUp(context);
    await beforeTheOutage(outage);
    await outage.redis.stop();
    await duringTheOutage(outage);
    await outage.redis.start();
    await afterTheOutage(outage);
  });

  it('lets requests through uncounted while Redis hangs, keeps the daily allowances, and counts again once it answers', async (context) => {
    const outage = await setUp(context);
    await beforeTheOutage(outage);
    await outage.redis.pause();
    try {
      await duringTheOutage(outage);
    } finally {
      await outage.redis.resume();
    }
    await afterTheOutage(outage);
  });
});
