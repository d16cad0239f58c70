import { rm } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { registerPerson } from '../../../test/support/browser.js';
import { embeddedDataDir } from '../../../test/support/embedded-data.js';
import { createTestApp, createTestDatabase, storageTargets, type StorageName, type TestApp } from '../../../test/support/harness.js';
import { questionnaireFields } from '../../../test/support/improvements.js';
import { testRedisUrl } from '../../../test/support/test-env.js';
import type { RateLimitStatusBody } from './schema.js';

/** The seeded Free plan's questionnaires a day. */
const FREE_QUESTIONNAIRES = 5;

/** Storage that outlives an app: the same database opened by two apps, one after the other. */
interface LastingStorage {
  open(): Promise<TestApp>;
  /** Deletes every key the app keeps in Redis, as a cache flush would; how many went. Absent without Redis. */
  flush?: (testApp: TestApp) => Promise<number>;
  close(): Promise<void>;
}

/**
 * A PostgreSQL database of the test's own, and Redis keys deleted by prefix: never FLUSHALL, as the
 * Redis server is shared with other test files running meanwhile.
 */
async function postgresStorage(): Promise<LastingStorage> {
  const database = await createTestDatabase();
  return {
    open: () => createTestApp('postgres+redis', { DATABASE_URL: database.url }, { allowances: 'seeded' }),
    async flush(testApp) {
      const redis = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      let deleted = 0;
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${testApp.services.config.redisKeyPrefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) deleted += await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
      return deleted;
    },
    close: () => database.drop(),
  };
}

/** The embedded database on disk in a DATA_DIR reopened by the second app; its counters live in the first app's memory. */
async function pgliteStorage(): Promise<LastingStorage> {
  const dataDir = await embeddedDataDir('migrated', 'cvimprover-durability-');
  return {
    // Its request counters are in the app's memory, which closing the app ends.
    open: () => createTestApp('pglite', {}, { allowances: 'seeded', dataDir }),
    close: () => rm(dataDir, { recursive: true, force: true }),
  };
}

const storages: Record<StorageName, () => Promise<LastingStorage>> = { pglite: pgliteStorage, 'postgres+redis': postgresStorage };

for (const target of storageTargets()) {
  describe.runIf(target.available)(`daily allowances across a cache flush and a restart on ${target.name}`, () => {
    it('still refuses an allowance used up before the flush and the restart, and reports it used', async () => {
      const storage = await storages[target.name]();
      let testApp: TestApp | undefined;
      try {
        testApp = await storage.open();
        const first = testApp;
        const person = await registerPerson(first.app, 'durable');
        const newQuestionnaire = (app: TestApp) => app.app.inject({ method: 'POST', url: '/cv/questionnaire/', headers: person.auth, payload: questionnaireFields });
        const status = async (app: TestApp) => {
          const response = await app.app.inject({ method: 'GET', url: '/core/rate-limits/status/', headers: person.auth });
          expect(response.statusCode, response.body).toBe(200);
          return response.json<RateLimitStatusBody>();
        };
        const expectRefused = async (app: TestApp) => {
          const refused = await newQuestionnaire(app);
          expect(refused.statusCode, refused.body).toBe(429);
          expect(refused.json()).toMatchObject({ code: 'quota_exceeded', scope: 'questionnaires', limit_info: { limit: FREE_QUESTIONNAIRES, used: FREE_QUESTIONNAIRES, remaining: 0 } });
        };
        const usedUp = { limit: FREE_QUESTIONNAIRES, used: FREE_QUESTIONNAIRES, remaining: 0, percentage_used: 100, status: 'critical' };

        for (let i = 0; i < FREE_QUESTIONNAIRES; i++) {
          const response = await newQuestionnaire(first);
          expect(response.statusCode, response.body).toBe(201);
        }
        await expectRefused(first);
        expect((await status(first)).rate_limits.api_calls.used).toBe(FREE_QUESTIONNAIRES + 1);

        if (storage.flush) {
          expect(await storage.flush(first)).toBeGreaterThan(0);
          // The flush did reach the counters kept in Redis: the hourly count starts again...
          expect((await status(first)).rate_limits.api_calls.used).toBe(0);
          // ...but the daily allowance is the ledger's.
          expect((await status(first)).rate_limits.questionnaires).toMatchObject(usedUp);
          await expectRefused(first);
        }

        await first.close();
        testApp = undefined;
        // A new process on the same database (and, for PostgreSQL, a Redis prefix of its own: nothing carried over).
        testApp = await storage.open();
        const second = testApp;
        expect((await status(second)).rate_limits.questionnaires).toMatchObject(usedUp);
        await expectRefused(second);
        const listed = await second.app.inject({ method: 'GET', url: '/cv/questionnaire/', headers: person.auth });
        expect(listed.json<unknown[]>()).toHaveLength(FREE_QUESTIONNAIRES);
      } finally {
        await testApp?.close();
        await storage.close();
      }
    });
  });
}
