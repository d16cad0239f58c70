import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/infra/db/database.js';
import { createLogger } from '../../src/logger.js';
import { prepareDatabase } from '../../src/process/prepare-database.js';
import { registerPerson } from '../support/browser.js';
import { createTestApp, storageTargets, type TestApp } from '../support/harness.js';
import { postgresServerInstalled, startOwnPostgres, type OwnPostgres } from '../support/own-postgres.js';
import { waitFor } from '../support/wait-for.js';

const available = storageTargets()[1]?.available === true && (process.env.CI === 'true' || (await postgresServerInstalled()));

/**
 * PostgreSQL stopped and restarted under the service: requests that need it answer 503 with
 * Retry-After in the error format (never a 500, never a hang), and the service recovers by itself.
 */
describe.runIf(available)('with PostgreSQL restarting', () => {
  let postgres: OwnPostgres;
  let testApp: TestApp;
  let person: Awaited<ReturnType<typeof registerPerson>>;

  beforeAll(async () => {
    postgres = await startOwnPostgres();
    const url = await postgres.createDatabase('service');
    const database = await openDatabase({ databaseUrl: url, dataDir: '', logger: createLogger('silent') });
    await prepareDatabase(database);
    await database.close();
    testApp = await createTestApp('postgres+redis', { DATABASE_URL: url });
    person = await registerPerson(testApp.app, 'restart');
  });
  afterAll(async () => {
    await testApp.close();
    await postgres.close();
  });

  const login = () => testApp.app.inject({ method: 'POST', url: '/auth/login/', payload: { username: person.username, password: person.password } });
  const plans = () => testApp.app.inject({ method: 'GET', url: '/core/plans/' });

  it('answers 503 with Retry-After while it is down, then recovers', async () => {
    expect((await plans()).statusCode).toBe(200);
    await postgres.stop();
    for (const request of [plans, login]) {
      const started = performance.now();
      const response = await request();
      expect(performance.now() - started).toBeLessThan(3000);
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toEqual({ detail: 'The database is unavailable; try again shortly.', code: 'service_unavailable' });
    }
    await postgres.start();
    await waitFor(async () => (await plans()).statusCode === 200, 10_000, 'plans to be served again');
    expect((await login()).statusCode).toBe(200);
  });

  it('answers every request during a restart with 200 or 503, never a 500', async () => {
    const statuses: number[] = [];
    let running = true;
    const traffic = (async () => {
      while (running) statuses.push((await plans()).statusCode, (await login()).statusCode);
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await postgres.restart();
      await waitFor(async () => (await plans()).statusCode === 200, 10_000, 'plans to be served again');
    } finally {
      running = false;
      await traffic;
    }
    expect(statuses.length).toBeGreaterThan(4);
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(statuses.at(-1)).toBe(200);
  });
});
