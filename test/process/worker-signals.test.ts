import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it, type TestContext } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { queueProbeKind } from '../../src/features/health/jobs.js';
import { insertProbe } from '../../src/features/health/repository.js';
import { queueProbes } from '../../src/infra/db/schema.js';
import { findJob } from '../../src/jobs/job-repository.js';
import { createLogger } from '../../src/logger.js';
import { startServices } from '../../src/process/start-services.js';
import type { Services } from '../../src/services.js';
import { CliProcess } from '../support/cli-process.js';
import { TEST_SECRET_KEY, createTestDatabase, storageTargets, uniqueName } from '../support/harness.js';
import { testRedisUrl } from '../support/test-env.js';
import { waitFor } from '../support/wait-for.js';

const queues = ['bullmq', 'in-process'] as const;

// Each test has its own database, Redis prefix and processes, and spends most of its time waiting on
// them (leases, a job holding on purpose): the tests run side by side.
describe.runIf(storageTargets()[1]?.available).concurrent('a worker stopped by a signal', () => {
  /** A fresh database (and Redis prefix), the API side's services, and a probe job holding for `holdMs`; all undone when the test ends. */
  async function setUp({ onTestFinished }: TestContext, queue: (typeof queues)[number], holdMs: number) {
    const cleanups: (() => Promise<unknown>)[] = [];
    // The test's own hook: side by side, the module-level one could attach to another test.
    onTestFinished(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-crash-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = {
      DATABASE_URL: database.url,
      SECRET_KEY: TEST_SECRET_KEY,
      DATA_DIR: dataDir,
      JOB_LEASE_SECONDS: '2',
      ...(queue === 'bullmq' ? { REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: uniqueName('cvitest') } : {}),
    };
    // This process plays the API: it commits the job and enqueues it.
    const services: Services = await startServices(loadConfig(env), { logger: createLogger('silent'), role: 'api', schema: 'as-is' });
    cleanups.push(() => services.close());
    expect(services.queue.kind).toBe(queue);
    const jobId = await services.jobs.transactionWithJobs(async (tx, addJob) => {
      const job = await addJob(queueProbeKind, {});
      await insertProbe(tx, { jobId: job.id, requestedBy: services.processLabel, holdMs });
      return job.id;
    });
    return { env, services, jobId, cleanups };
  }

  for (const queue of queues) {
    it(`with SIGTERM finishes the job in flight, then exits 0 (${queue} queue)`, async (context) => {
      const { env, services, jobId, cleanups } = await setUp(context, queue, 1500);
      const worker = new CliProcess(['worker'], env);
      cleanups.push(() => worker.stop());
      const db = services.database.db;
      await waitFor(async () => (await findJob(db, jobId))?.status === 'running', 20_000, 'the worker to take the job');
      worker.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(await findJob(db, jobId)).toMatchObject({ status: 'succeeded', attempts: 1 });
      const [probe] = await db.select().from(queueProbes).where(eq(queueProbes.jobId, jobId));
      expect(probe?.completions).toBe(1);
    });

    it(`with SIGKILL leaves its job to complete, exactly once, when a worker comes back (${queue} queue)`, async (context) => {
      const { env, services, jobId, cleanups } = await setUp(context, queue, 3000);

      const first = new CliProcess(['worker'], env);
      cleanups.push(() => first.stop());
      const db = services.database.db;
      await waitFor(async () => (await findJob(db, jobId))?.lockedBy?.endsWith(`:${first.pid}:worker`), 20_000, 'the first worker to take the job');
      first.kill('SIGKILL');
      expect(await first.exited).toBeNull(); // killed, not exited
      // The first attempt had to be in flight when it was killed; the next one need not hold.
      await db.update(queueProbes).set({ holdMs: 0 }).where(eq(queueProbes.jobId, jobId));

      const second = new CliProcess(['worker'], env);
      cleanups.push(() => second.stop());
      const job = await waitFor(
        async () => {
          const row = await findJob(db, jobId);
          return row?.status === 'succeeded' ? row : undefined;
        },
        30_000,
        'the job to succeed',
      );
      expect(job.attempts).toBe(2);
      expect(job.lockedBy).toMatch(new RegExp(`:${second.pid}:worker$`));
      const [probe] = await db.select().from(queueProbes).where(eq(queueProbes.jobId, jobId));
      expect(probe?.completions).toBe(1);
      expect(probe?.completedBy).toMatch(new RegExp(`:${second.pid}:worker$`));
      expect(await second.stop()).toBe(0);
    });
  }
});
