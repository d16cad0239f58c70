import type { Logger } from 'pino';
import type { Database } from '../infra/db/database.js';
import type { DeliveryOutcome } from '../infra/queue/job-queue.js';
import type { DbOrTx } from '../infra/db/database.js';
import { JobError, backoffMs, type JobContext, type JobHandler } from './job-handler.js';
import {
  claimJob,
  markFailed,
  markSucceeded,
  releaseJob,
  renewLease,
  scheduleRetry,
  setProgress,
  type ClaimedJob,
} from './job-repository.js';

class LeaseLostError extends Error {
  constructor() {
    super('the job was taken over by another attempt');
  }
}

export interface JobRunnerOptions<Services> {
  database: Database;
  handlers: ReadonlyMap<string, JobHandler<Services>>;
  services: Services;
  workerId: string;
  leaseSeconds: number;
  logger: Logger;
}

/** Runs delivered jobs: claims the row, keeps its lease alive, records the outcome. */
export class JobRunner<Services> {
  private readonly inFlight = new Map<string, AbortController>();
  private stopping = false;

  constructor(private readonly options: JobRunnerOptions<Services>) {}

  /** Handles one delivery of a job id. Never throws: every outcome is written to the row. */
  readonly deliver = async (jobId: string): Promise<DeliveryOutcome> => {
    if (this.stopping) return {};
    const { database, leaseSeconds, workerId } = this.options;
    const job = await claimJob(database.db, jobId, workerId, leaseSeconds).catch((error: unknown) => {
      this.options.logger.warn({ err: error, jobId }, 'could not claim job');
      return undefined;
    });
    if (!job) return {}; // done, not due yet, or held by a live worker: nothing to do here
    return this.run(job);
  };

  private async run(job: ClaimedJob): Promise<DeliveryOutcome> {
    const { database, handlers, leaseSeconds, logger } = this.options;
    const log = logger.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    const handler = handlers.get(job.kind);
    if (!handler) {
      await markFailed(database.db, job.id, job.attempts, { code: 'unknown_job_kind', message: `No handler for job kind ${job.kind}` });
      log.error('job has no handler');
      return {};
    }
    if (job.attempts > job.maxAttempts) {
      await this.fail(handler, job, { code: 'attempts_exhausted', message: 'The job was interrupted too many times.' });
      return {};
    }

    const controller = new AbortController();
    this.inFlight.set(job.id, controller);
    const heartbeat = setInterval(() => {
      renewLease(database.db, job.id, job.attempts, leaseSeconds)
        .then((held) => {
          if (!held) controller.abort(new LeaseLostError());
        })
        .catch((error: unknown) => log.warn({ err: error }, 'lease renewal failed'));
    }, Math.max(500, (leaseSeconds * 1000) / 3));
    heartbeat.unref();

    let resultWrite: ((tx: DbOrTx) => Promise<void>) | undefined;
    const context: JobContext = {
      job,
      workerId: this.options.workerId,
      signal: controller.signal,
      commit: (write) => {
        resultWrite = write;
      },
      setProgress: (percent) => setProgress(database.db, job.id, job.attempts, Math.max(0, Math.min(99, Math.round(percent)))),
    };

    const started = performance.now();
    try {
      await handler.perform(context, this.options.services);
      controller.signal.throwIfAborted();
      await database.db.transaction(async (tx) => {
        if (resultWrite) await resultWrite(tx);
        if (!(await markSucceeded(tx, job.id, job.attempts))) throw new LeaseLostError();
      });
      log.info({ ms: Math.round(performance.now() - started) }, 'job succeeded');
      return {};
    } catch (error) {
      return await this.settleFailure(handler, job, controller.signal, error, log);
    } finally {
      clearInterval(heartbeat);
      this.inFlight.delete(job.id);
    }
  }

  private async settleFailure(
    handler: JobHandler<Services>,
    job: ClaimedJob,
    signal: AbortSignal,
    error: unknown,
    log: Logger,
  ): Promise<DeliveryOutcome> {
    const { database } = this.options;
    if (error instanceof LeaseLostError || signal.reason instanceof LeaseLostError) {
      log.warn('job lease lost; its result was discarded');
      return {};
    }
    if (signal.aborted) {
      // Stopping: hand the job back so another worker starts it now, not after the lease.
      await releaseJob(database.db, job.id, job.attempts);
      log.info('job released at shutdown');
      return {};
    }
    const failure =
      error instanceof JobError
        ? { code: error.code, message: error.message }
        : { code: 'job_error', message: error instanceof Error ? error.message : String(error) };
    const retryable = !(error instanceof JobError) || error.retryable;
    if (retryable && job.attempts < job.maxAttempts) {
      const delay = backoffMs(job.attempts);
      await scheduleRetry(database.db, job.id, job.attempts, delay, failure);
      log.warn({ err: error, retryInMs: delay }, 'job failed; will retry');
      return { redeliverInMs: delay };
    }
    log.error({ err: error }, 'job failed');
    await this.fail(handler, job, failure);
    return {};
  }

  private async fail(handler: JobHandler<Services>, job: ClaimedJob, failure: { code: string; message: string }): Promise<void> {
    if (await markFailed(this.options.database.db, job.id, job.attempts, failure)) {
      await handler.onFailed?.(job, failure, this.options.services);
    }
  }

  /** Waits up to `graceMs` for jobs in flight, then aborts the rest so they are released. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const deadline = Date.now() + graceMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const controller of this.inFlight.values()) controller.abort(new Error('worker stopping'));
  }
}
