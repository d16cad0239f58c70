import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { openDatabase } from '../../src/infra/db/database.js';
import { queueProbes } from '../../src/infra/db/schema.js';
import { CliProcess, runCli } from '../support/cli-process.js';
import { embeddedDataDir } from '../support/embedded-data.js';
import { waitFor } from '../support/wait-for.js';

interface HealthBody {
  overall: string;
  services: Record<string, string>;
  engines: Record<string, string>;
}

async function health(base: string): Promise<{ status: number; body: HealthBody }> {
  const response = await fetch(`${base}/core/health/`);
  return { status: response.status, body: (await response.json()) as HealthBody };
}

/** Health, asked again until it is 200 (the first probe starts a worker thread) or 15 s have passed. */
function healthy(base: string): Promise<{ status: number; body: HealthBody }> {
  return waitFor(
    async () => {
      const answer = await health(base);
      return answer.status === 200 ? answer : undefined;
    },
    15_000,
    'a healthy answer',
    200,
  );
}

function postJson(base: string, path: string, body: object): Promise<Response> {
  return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** A DATA_DIR for each test, empty or copied from the run's migrated one; all are removed at the end. */
const dataDirs: string[] = [];
async function freshDataDir(from: 'nothing' | 'migrated' = 'nothing'): Promise<string> {
  const dataDir = from === 'nothing' ? await mkdtemp(path.join(tmpdir(), 'cvimprover-embedded-')) : await embeddedDataDir('migrated');
  dataDirs.push(dataDir);
  return dataDir;
}
afterAll(async () => {
  for (const dataDir of dataDirs) await rm(dataDir, { recursive: true, force: true });
});

describe('embedded start: no database, no Redis, no configuration', () => {

  it('becomes healthy, and keeps its data across a restart', async () => {
    const dataDir = await freshDataDir();
    const env = { DATA_DIR: dataDir, PORT: '0' };
    const person = { username: 'restarter', email: 'restarter@example.org', password1: 'Granite-orbit-42-lamp', password2: 'Granite-orbit-42-lamp' };
    const first = new CliProcess(['serve', '--with-worker'], env);
    let firstPid: number;
    let access: string;
    try {
      const base = await first.baseUrl();
      const { status, body } = await healthy(base);
      expect(status).toBe(200);
      expect(body.services.db).toBe('healthy');
      expect(body.services.queue).toBe('healthy');
      expect(body.engines).toEqual({ db: 'pglite', queue: 'in-process', cache: 'memory', llm: 'offline' });
      firstPid = first.pid;
      const registration = await postJson(base, '/auth/registration/', person);
      expect(registration.status).toBe(201);
      access = ((await registration.json()) as { access: string }).access;
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const secretKey = await readFile(path.join(dataDir, 'secret-key'), 'utf8');

    const second = new CliProcess(['serve'], env);
    try {
      const base = await second.baseUrl();
      expect((await healthy(base)).status).toBe(200);
      // The account is still there, and so is the key: a token issued before the restart still works.
      const me = await fetch(`${base}/auth/user/`, { headers: { authorization: `Bearer ${access}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ username: person.username, plan: { name: 'Free' } });
      const login = await postJson(base, '/auth/login/', { username: person.username, password: person.password1 });
      expect(login.status).toBe(200);
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(await readFile(path.join(dataDir, 'secret-key'), 'utf8')).toBe(secretKey);

    // With both processes gone, the embedded database holds what each of them wrote.
    const database = await openDatabase({ databaseUrl: undefined, dataDir, logger: createLogger('silent') });
    try {
      const probes = await database.db.select().from(queueProbes);
      expect(probes.some((probe) => probe.requestedBy.includes(`:${firstPid}:`) && probe.completedAt !== null)).toBe(true);
    } finally {
      await database.close();
    }
  });
});

// Each test below has its own data directory and processes. They run side by side, after the start above:
// that one is timed, and must not share the machine with them.
describe.concurrent('embedded store safety', () => {

  it('keeps a committed account when the process is killed, and refuses a second process on the same data', async () => {
    const dataDir = await freshDataDir('migrated');
    const env = { DATA_DIR: dataDir, PORT: '0' };
    const person = { username: 'survivor', email: 'survivor@example.org', password1: 'Granite-orbit-43-lamp', password2: 'Granite-orbit-43-lamp' };
    const first = new CliProcess(['serve'], env);
    try {
      const base = await first.baseUrl();
      const registration = await postJson(base, '/auth/registration/', person);
      expect(registration.status).toBe(201);

      // A second process on the same directory would corrupt it: it must refuse, and say why.
      const rival = await runCli(['serve'], env);
      expect(rival.code).toBe(7);
      expect(rival.output).toContain('is in use by another cvimprover process');
    } finally {
      first.kill('SIGKILL');
      expect(await first.exited).toBeNull();
    }

    // After the crash the next start takes over the dead process's lock, and has everything it committed.
    const second = new CliProcess(['serve'], env);
    try {
      const base = await second.baseUrl(30_000);
      const login = await postJson(base, '/auth/login/', { username: person.username, password: person.password1 });
      expect(login.status).toBe(200);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 60_000);
});

describe.concurrent('command line', () => {
  it('refuses a bad variable, naming it, with exit code 2', async () => {
    const result = await runCli(['serve'], { PORT: 'http' });
    expect(result.code).toBe(2);
    expect(result.output).toContain('Invalid configuration: PORT must be a whole number');
  });

  it('refuses to run a separate worker on the embedded database', async () => {
    const result = await runCli(['worker'], {});
    expect(result.code).toBe(2);
    expect(result.output).toContain('cvimprover worker needs DATABASE_URL');
  });

  it('has help for each command', async () => {
    const commands = ['serve', 'worker', 'migrate'];
    const results = await Promise.all(commands.map((command) => runCli([command, '--help'], {})));
    for (const [index, command] of commands.entries()) {
      expect(results[index]?.code).toBe(0);
      expect(results[index]?.output).toContain(`Usage: cvimprover ${command}`);
    }
  });
});
