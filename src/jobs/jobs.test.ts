import { setTimeout as sleep } from 'node:timers/promises';
import { eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { Type } from 'typebox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jobs, queueProbes } from '../infra/db/schema.js';
import { startWorker, type RunningWorker } from '../process/worker-role.js';
import type { Services } from '../services.js';
import { createTestEnvironment, storageTargets, type TestEnvironment } from '../../test/support/harness.js';
import { testRedisUrl } from '../../test/support/test-env.js';
import { memoryLog } from '../../test/support/memory-log.js';
import { waitFor } from '../../test/support/wait-for.js';
import { JobError, type JobHandler, type JobKind } from './job-handler.js';
import { findJob, insertJob, type JobRow } from './job-repository.js';
import { JobRunner } from './job-runner.js';
import { jobHandlersByKind } from './registry.js';

const noPayload = Type.Object({});

/** A kind of job with an empty payload. */
function kindNamed(kind: string, maxAttempts = 3): JobKind<typeof noPayload> {
  return { kind, payload: noPayload, maxAttempts };
}

/** For jobs whose retries are not what a test is about: the next attempt comes at once. */
const noWait = { backoffMs: () => 0 };

/** A job whose subject is a probe row; its committed effect increments `completions`. */
function countingJob(
  kind: JobKind<typeof noPayload> | string,
  behaviour: (attempt: number, signal: AbortSignal) => Promise<void>,
  extra: Partial<JobHandler<typeof noPayload>> = {},
): JobHandler<typeof noPayload> {
  return {
    ...(typeof kind === 'string' ? kindNamed(kind) : kind),
    async perform(context) {
      await behaviour(context.job.attempts, context.signal);
      context.commit(async (tx) => {
        await tx
          .update(queueProbes)
          .set({ completions: sql`${queueProbes.completions} + 1` })
          .where(eq(queueProbes.jobId, context.job.id));
      });
    },
    ...extra,
  };
}

async function submit(services: Services, kind: JobKind<typeof noPayload> | string): Promise<string> {
  return services.jobs.transactionWithJobs(async (tx, addJob) => {
    const job = await addJob(typeof kind === 'string' ? kindNamed(kind) : kind, {});
    await tx.insert(queueProbes).values({ jobId: job.id, requestedBy: 'test' });
    return job.id;
  });
}

async function completionsOf(services: Services, jobId: string): Promise<number | undefined> {
  const [row] = await services.database.db.select().from(queueProbes).where(eq(queueProbes.jobId, jobId));
  return row?.completions;
}

function settled(services: Services, jobId: string): Promise<JobRow> {
  return waitFor(
    async () => {
      const job = await findJob(services.database.db, jobId);
      return job && (job.status === 'succeeded' || job.status === 'failed') ? job : undefined;
    },
    15_000,
    `job ${jobId} to settle`,
  );
}

for (const target of storageTargets()) {
  describe.runIf(target.available)(`background jobs on ${target.name}`, () => {
    // One store for the suite: each test has kinds of its own, so the jobs another test left behind
    // (failed, or handed back queued) never reach its handlers.
    let environment: TestEnvironment;
    let worker: RunningWorker | undefined;
    const start = (handlers: JobHandler<typeof noPayload>[]) => {
      worker = startWorker(environment.services, { jobHandlers: handlers, periodicTasks: [] });
    };

    beforeAll(async () => {
      environment = await createTestEnvironment(target.name);
    });
    afterEach(async () => {
      await worker?.stop(500);
      worker = undefined;
    });
    afterAll(async () => {
      await environment.close();
    });

    it('runs a committed job once and records its success', async () => {
      let performed = 0;
      start([countingJob('count', async () => void performed++)]);
      const jobId = await submit(environment.services, 'count');
      const job = await settled(environment.services, jobId);
      expect(job).toMatchObject({ status: 'succeeded', attempts: 1, progress: 100, error: null });
      expect(job.finishedAt).not.toBeNull();
      expect(performed).toBe(1);
      expect(await completionsOf(environment.services, jobId)).toBe(1);
    });

    it('enqueues nothing when the transaction that adds the job rolls back', async () => {
      let performed = 0;
      start([countingJob('count-once', async () => void performed++)]);
      let addedId: string | undefined;
      await expect(
        environment.services.jobs.transactionWithJobs(async (_tx, addJob) => {
          addedId = (await addJob(kindNamed('count-once'), {})).id;
          throw new Error('subject was invalid');
        }),
      ).rejects.toThrow('subject was invalid');
      // A job of the same kind committed after it has run: had the first been enqueued, it would have run too.
      const committedId = await submit(environment.services, 'count-once');
      expect((await settled(environment.services, committedId)).status).toBe('succeeded');
      expect(addedId).toBeDefined();
      expect(await findJob(environment.services.database.db, addedId as string)).toBeUndefined();
      expect(performed).toBe(1);
    });

    it('retries a failing job with backoff, then succeeds', async () => {
      start([
        countingJob('flaky', async (attempt) => {
          if (attempt === 1) throw new Error('provider timed out');
        }),
      ]);
      const jobId = await submit(environment.services, 'flaky');
      const job = await settled(environment.services, jobId);
      expect(job).toMatchObject({ status: 'succeeded', attempts: 2, error: null, errorCode: null });
      expect(await completionsOf(environment.services, jobId)).toBe(1);
    });

    it('fails at once on a non-retryable error and runs the failure hook once', async () => {
      const failures: string[] = [];
      start([
        countingJob(
          'doomed',
          async () => {
            throw new JobError('cv_unreadable', 'The file is not a CV.', false);
          },
          { onFailed: async (job, failure) => void failures.push(`${job.id}:${failure.code}`) },
        ),
      ]);
      const jobId = await submit(environment.services, 'doomed');
      const job = await settled(environment.services, jobId);
      expect(job).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'cv_unreadable', error: 'The file is not a CV.' });
      expect(failures).toEqual([`${jobId}:cv_unreadable`]);
      expect(await completionsOf(environment.services, jobId)).toBe(0);
    });

    it('gives up after the last attempt', async () => {
      const broken = kindNamed('broken', 2);
      start([
        countingJob(
          broken,
          async () => {
            throw new Error('always');
          },
          noWait,
        ),
      ]);
      const jobId = await submit(environment.services, broken);
      const job = await settled(environment.services, jobId);
      expect(job).toMatchObject({ status: 'failed', attempts: 2, errorCode: 'job_error', error: 'always' });
    });

    it('does an external effect once, however often the job runs: a later attempt gets its recorded outcome', async () => {
      let performed = 0;
      const outcomes: string[] = [];
      start([
        countingJob('effectful', async () => undefined, {
          ...noWait,
          async perform(context) {
            const outcome = await context.once('notify', async (key) => {
              performed++;
              return `sent under ${key}`;
            });
            outcomes.push(outcome);
            // The first attempt crashes after its effect, before it commits.
            if (context.job.attempts === 1) throw new Error('crashed before commit');
          },
        }),
      ]);
      const jobId = await submit(environment.services, 'effectful');
      expect(await settled(environment.services, jobId)).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(performed).toBe(1);
      expect(outcomes).toEqual([`sent under job-${jobId}-notify`, `sent under job-${jobId}-notify`]);
    });

    it('fails a job whose kind has no handler instead of losing it', async () => {
      start([]);
      const jobId = await submit(environment.services, 'nobody-handles-this');
      const job = await settled(environment.services, jobId);
      expect(job).toMatchObject({ status: 'failed', errorCode: 'unknown_job_kind' });
    });

    it('runs a job whose delivery was lost: the reconciler sends it again', async () => {
      let performed = 0;
      // The row is committed but never enqueued, as when Redis was flushed or the process died after commit.
      const [row] = await environment.services.database.db.insert(jobs).values({ kind: 'count-lost' }).returning();
      const jobId = (row as JobRow).id;
      await environment.services.database.db.insert(queueProbes).values({ jobId, requestedBy: 'test' });
      start([countingJob('count-lost', async () => void performed++)]);
      const job = await settled(environment.services, jobId);
      expect(job.status).toBe('succeeded');
      expect(performed).toBe(1);
    });

    it('discards the result of an attempt whose lease was taken over, so the effect happens once', async () => {
      let releaseFirst: () => void = () => undefined;
      const firstMayFinish = new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      const handlers = jobHandlersByKind([
        countingJob('contested', async (attempt) => {
          // The first attempt hangs past its lease (a paused or cut-off worker), then tries to commit anyway.
          if (attempt === 1) await firstMayFinish;
        }),
      ]);
      const services = environment.services;
      const runner = (workerId: string) => new JobRunner({ database: services.database, handlers, workerId, leaseSeconds: 30, logger: services.logger });
      const jobId = await services.jobs.transactionWithJobs(async (tx) => {
        const job = await insertJob(tx, kindNamed('contested'), {});
        await tx.insert(queueProbes).values({ jobId: job.id, requestedBy: 'test' });
        return job.id;
      });
      const db = services.database.db;
      const first = runner('first').deliver(jobId);
      try {
        await waitFor(async () => (await findJob(db, jobId))?.status === 'running', 5000, 'first attempt to start');
        await db.update(jobs).set({ leaseUntil: sql`now() - interval '1 second'` }).where(eq(jobs.id, jobId));
        await runner('second').deliver(jobId);
        expect(await findJob(db, jobId)).toMatchObject({ status: 'succeeded', attempts: 2, lockedBy: 'second' });
      } finally {
        releaseFirst();
      }
      expect(await first).toEqual({});
      expect(await completionsOf(services, jobId)).toBe(1);
      expect(await findJob(db, jobId)).toMatchObject({ status: 'succeeded', attempts: 2 });
    });

    it('hands a job in flight back at shutdown without counting the attempt', async () => {
      start([
        countingJob('slow', async (_attempt, signal) => {
          await sleep(60_000, undefined, { signal });
        }),
      ]);
      const jobId = await submit(environment.services, 'slow');
      const db = environment.services.database.db;
      await waitFor(async () => (await findJob(db, jobId))?.status === 'running', 5000, 'job to start');
      await worker?.stop(100);
      worker = undefined;
      const job = await findJob(db, jobId);
      expect(job).toMatchObject({ status: 'queued', attempts: 0, leaseUntil: null });
      expect(await completionsOf(environment.services, jobId)).toBe(0);
    });
  });
}

describe.runIf(storageTargets()[1]?.available)('background jobs when Redis is flushed', () => {
  let environment: TestEnvironment;
  let worker: RunningWorker | undefined;
  beforeEach(async () => {
    environment = await createTestEnvironment('postgres+redis');
  });
  afterEach(async () => {
    await worker?.stop(500);
    await environment.close();
  });

  it('loses no job: what was enqueued runs after the queue keys are gone', async () => {
    const jobIds = await Promise.all([1, 2, 3].map(() => submit(environment.services, 'count')));
    const redis = new Redis(testRedisUrl);
    try {
      const keys = await redis.keys(`${environment.env.REDIS_KEY_PREFIX}:*`);
      expect(keys.length).toBeGreaterThan(0); // the jobs really were in Redis
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    let performed = 0;
    worker = startWorker(environment.services, { jobHandlers: [countingJob('count', async () => void performed++)], periodicTasks: [] });
    for (const jobId of jobIds) {
      expect((await settled(environment.services, jobId)).status).toBe('succeeded');
      expect(await completionsOf(environment.services, jobId)).toBe(1);
    }
    expect(performed).toBe(3);
  });
});

describe('a failed job in the log', () => {
  let environment: TestEnvironment;
  let log: ReturnType<typeof memoryLog>;
  beforeAll(async () => {
    environment = await createTestEnvironment('pglite');
  });
  beforeEach(() => {
    log = memoryLog();
  });
  afterAll(async () => environment.close());

  const runnerWith = (handler: JobHandler<typeof noPayload>) =>
    new JobRunner({ database: environment.services.database, handlers: jobHandlersByKind([handler]), workerId: 'test-worker', leaseSeconds: 30, logger: log.logger });

  it('is one line at error level with its id, kind, attempt and cause', async () => {
    const doomed = kindNamed('doomed', 1);
    const runner = runnerWith(
      countingJob(doomed, async () => {
        throw new Error('the provider refused the request', { cause: new Error('HTTP 400 from the provider') });
      }),
    );
    const jobId = await submit(environment.services, doomed);
    await runner.deliver(jobId);
    const aboutJob = log.entries().filter((line) => line.jobId === jobId);
    const problems = aboutJob.filter((line) => Number(line.level) >= 40);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ level: 50, msg: 'job failed', jobId, kind: 'doomed', attempt: 1, code: 'job_error' });
    const err = problems[0]?.err as { message: string; cause?: { message: string } };
    expect(err.message).toContain('the provider refused the request');
    expect(err.cause?.message).toBe('HTTP 400 from the provider');
    expect((await findJob(environment.services.database.db, jobId))?.status).toBe('failed');
  });

  it('is a warning per attempt that will be retried, with its cause', async () => {
    const flaky = kindNamed('flaky-logged', 3);
    const runner = runnerWith(
      countingJob(flaky, async () => {
        throw new JobError('provider_timeout', 'The provider did not answer in time.');
      }),
    );
    const jobId = await submit(environment.services, flaky);
    await runner.deliver(jobId);
    const problems = log.entries().filter((line) => line.jobId === jobId && Number(line.level) >= 40);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ level: 40, msg: 'job failed; will retry', jobId, kind: 'flaky-logged', attempt: 1, code: 'provider_timeout' });
    expect((problems[0]?.err as { message: string }).message).toBe('The provider did not answer in time.');
  });
});
