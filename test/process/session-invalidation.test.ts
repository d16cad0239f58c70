import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from '../support/cli-process.js';
import { TEST_SECRET_KEY, createTestDatabase, storageTargets, uniqueName } from '../support/harness.js';
import { testRedisUrl } from '../support/test-env.js';

/** How soon every process must refuse a sign-in that one process ended. */
const WITHIN_MS = 1000;

interface Tokens {
  access: string;
  refresh: string;
}

/**
 * Two API processes sharing PostgreSQL and Redis, each caching sign-ins in memory: a sign-in ended on
 * one (logout, or a refresh token presented twice) is refused by the other within a second.
 */
describe.runIf(storageTargets()[1]?.available)('a sign-in ended on one API process', () => {
  let drop: () => Promise<void>;
  let dataDir: string;
  let first: CliProcess;
  let second: CliProcess;
  let firstUrl: string;
  let secondUrl: string;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    dataDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-two-apis-'));
    const env = { DATABASE_URL: database.url, REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: uniqueName('cvitest'), SECRET_KEY: TEST_SECRET_KEY, DATA_DIR: dataDir, PORT: '0' };
    first = new CliProcess(['serve'], env);
    second = new CliProcess(['serve'], env);
    [firstUrl, secondUrl] = await Promise.all([first.baseUrl(), second.baseUrl()]);
  });
  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()]);
    await drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const post = (base: string, url: string, body: object, access?: string) =>
    fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(access ? { authorization: `Bearer ${access}` } : {}) },
      body: JSON.stringify(body),
    });
  const me = (base: string, access: string) => fetch(`${base}/auth/user/`, { headers: { authorization: `Bearer ${access}` } });

  /** Polls the second process until it refuses the token; returns how long that took after `since`. */
  async function refusedAfter(access: string, since: number): Promise<number> {
    for (;;) {
      const status = (await me(secondUrl, access)).status;
      const elapsed = performance.now() - since;
      if (status === 401) return elapsed;
      expect(status).toBe(200);
      if (elapsed > 5000) throw new Error('the second process still accepts the token after 5 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function signUp(prefix: string): Promise<Tokens> {
    const username = uniqueName(prefix);
    const password = 'Lantern-9-quartz-meadow';
    const response = await post(firstUrl, '/auth/registration/', { username, email: `${username}@example.org`, password1: password, password2: password });
    expect(response.status).toBe(201);
    const tokens = (await response.json()) as Tokens;
    // Both processes have the sign-in in their caches now.
    expect((await me(firstUrl, tokens.access)).status).toBe(200);
    expect((await me(secondUrl, tokens.access)).status).toBe(200);
    expect((await me(secondUrl, tokens.access)).status).toBe(200);
    return tokens;
  }

  it('is refused by the other process within a second after a logout', async () => {
    const tokens = await signUp('logout');
    const loggedOut = performance.now();
    expect((await post(firstUrl, '/auth/logout/', {}, tokens.access)).status).toBe(200);
    expect(await refusedAfter(tokens.access, loggedOut)).toBeLessThan(WITHIN_MS);
    expect((await me(firstUrl, tokens.access)).status).toBe(401);
  });

  it('is refused by the other process within a second after its refresh token is presented twice', async () => {
    const tokens = await signUp('reuse');
    const rotated = await post(firstUrl, '/auth/token/refresh/', { refresh: tokens.refresh });
    expect(rotated.status).toBe(200);
    const { access } = (await rotated.json()) as Tokens;
    expect((await me(secondUrl, access)).status).toBe(200);
    const reused = performance.now();
    expect((await post(firstUrl, '/auth/token/refresh/', { refresh: tokens.refresh })).status).toBe(401);
    // Every token of that sign-in is refused: the stolen copy's and the legitimate one's alike.
    expect(await refusedAfter(access, reused)).toBeLessThan(WITHIN_MS);
    expect(await refusedAfter(tokens.access, reused)).toBeLessThan(WITHIN_MS);
  });
});
