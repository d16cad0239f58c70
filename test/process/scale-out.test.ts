import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { openDatabase, type Database } from '../../src/infra/db/database.js';
import { queueProbes } from '../../src/infra/db/schema.js';
import { CliProcess, runCli } from '../support/cli-process.js';
import { TEST_SECRET_KEY, createTestDatabase, storageTargets, uniqueName } from '../support/harness.js';
import { testRedisUrl } from '../support/test-env.js';
import { waitFor } from '../support/wait-for.js';

describe.runIf(storageTargets()[1]?.available)('scale-out: migrate, then serve and worker as separate processes', () => {
  let drop: () => Promise<void>;
  let dataDir: string;
  let env: Record<string, string>;
  let database: Database;

  beforeAll(async () => {
    const created = await createTestDatabase({ empty: true });
    drop = created.drop;
    dataDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-scale-out-'));
    env = {
      DATABASE_URL: created.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: uniqueName('cvitest'),
      SECRET_KEY: TEST_SECRET_KEY,
      DATA_DIR: dataDir,
      PORT: '0',
      JOB_LEASE_SECONDS: '3',
    };
    database = await openDatabase({ databaseUrl: created.url, dataDir, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await database.close();
    await drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('passes the health check, and the job the API enqueues is run by the worker process', async () => {
    // Before the schema exists, no role starts: it says what to run instead.
    const early = await Promise.all(['serve', 'worker'].map((role) => runCli([role], env)));
    for (const { code, output } of early) {
      expect(code, output).toBe(6);
      expect(output).toContain('run `cvimprover migrate` first');
    }
    const migrate = await runCli(['migrate'], env);
    expect(migrate.code, migrate.output).toBe(0);
    // Running it again is harmless.
    expect((await runCli(['migrate'], env)).code).toBe(0);

    const api = new CliProcess(['serve'], env);
    const worker = new CliProcess(['worker'], env);
    try {
      const base = await api.baseUrl();
      await worker.waitForLog('worker started');
      // The first probe starts the worker's thread (at batch priority): asked again until it has gone through.
      const response = await waitFor(
        async () => {
          const answer = await fetch(`${base}/core/health/`);
          return answer.status === 200 ? answer : undefined;
        },
        20_000,
        'a healthy answer',
        200,
      );
      const body = (await response.json()) as { overall: string; services: Record<string, string>; engines: Record<string, string> };
      expect(response.status).toBe(200);
      expect(body.overall).toBe('healthy');
      expect(body.services).toMatchObject({ db: 'healthy', redis: 'healthy', queue: 'healthy' });
      expect(body.engines).toMatchObject({ db: 'postgres', queue: 'bullmq', cache: 'redis' });

      const probes = await database.db.select().from(queueProbes);
      expect(probes).toHaveLength(1);
      expect(probes[0]?.requestedBy).toMatch(new RegExp(`:${api.pid}:api$`));
      expect(probes[0]?.completedBy).toMatch(new RegExp(`:${worker.pid}:worker$`));
    } finally {
      expect(await api.stop()).toBe(0);
      expect(await worker.stop()).toBe(0);
    }
  });
});
