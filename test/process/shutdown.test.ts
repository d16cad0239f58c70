import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { CliProcess } from '../support/cli-process.js';
import { embeddedDataDir } from '../support/embedded-data.js';

const IN_FLIGHT = 8;

describe('SIGTERM with requests in flight', () => {
  const dataDirs: string[] = [];
  afterAll(async () => {
    for (const dataDir of dataDirs) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers every request it had taken, then exits 0', async () => {
    const dataDir = await embeddedDataDir('migrated', 'cvimprover-shutdown-');
    dataDirs.push(dataDir);
    const server = new CliProcess(['serve'], { DATA_DIR: dataDir, PORT: '0' });
    try {
      const base = await server.baseUrl(30_000);
      const post = (url: string, body: object) => fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      // One person per login: the lockout would refuse a sixth sign-in of one account in flight at once.
      const people = Array.from({ length: IN_FLIGHT }, (_, index) => ({ username: `leaving${index}`, password: `Granite-orbit-44-lamp-${index}` }));
      const registrations = await Promise.all(
        people.map((person) => post('/auth/registration/', { ...person, email: `${person.username}@example.org`, password1: person.password, password2: person.password })),
      );
      expect(registrations.map((registration) => registration.status)).toEqual(people.map(() => 201));

      // Logins take a while (argon2): these are all sent when the signal arrives.
      const logins = people.map((person) =>
        post('/auth/login/', { username: person.username, password: person.password }).then(
          (response) => response.status,
          (error: unknown) => `no answer: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : String(error)}`,
        ),
      );
      await sleep(40);
      server.kill('SIGTERM');
      expect(await Promise.all(logins), server.lines.join('\n')).toEqual(Array.from({ length: IN_FLIGHT }, () => 200));
      expect(await server.exited).toBe(0);
      // Once it has stopped, nothing is listening any more.
      await expect(fetch(`${base}/core/health/`)).rejects.toThrow();
    } finally {
      await server.stop();
    }
  }, 60_000);
});
