import type { Logger } from 'pino';
import { Value } from 'typebox/value';
import type { Database, DbOrTx } from '../infra/db/database.js';
import type { DeliveryOutcome } from '../infra/queue/job-queue.js';
import { JobError, JobNotReady, exponentialBackoffMs, type JobContext, type JobFailure, type JobHandler } from './job-handler.js';
import {
  claimJob,
  deferJob,
  findEffect,
  markFailed,
  markSucceeded,
  releaseJob,
  renewLease,
  recordEffect,
  scheduleRetry,
  setProgress,
  type ClaimedJob,
} from './job-repository.js';

class LeaseLostError extends Error {
  constructor() {
    super('the job was taken over by another attempt');
  }
}

export interface JobRunnerOptions {
  database: Database;
  handlers: ReadonlyMap<string, JobHandler>;
  workerId: string;
  leaseSeconds: number;
  logger: Logger;
  /** Told after each committed change of a job's row (progress, outcome), so waiters need not poll. */
  onJobChanged?: (jobId: string) => void;
}

function failureOf(error: unknown): JobFailure {
  return error instanceof JobError ? { code: error.code, message: error.message } : { code: 'job_error', message: error instanceof Error ? error.message : String(error) };
}

/** Runs delivered jobs: claims the row, keeps its lease alive, records the outcome. */
export class JobRunner {
  private readonly inFlight = new Map<string, AbortController>();
  private stopping = false;

  constructor(private readonly options: JobRunnerOptions) {}

  /**
   * Handles one delivery of a job id. Never throws: every outcome is written to the row, and when
   * even that fails (the database is away) it is logged and the lease runs out, so the reconciler
   * delivers the job again.
   */
  readonly deliver = async (jobId: string): Promise<DeliveryOutcome> => {
    if (this.stopping) return {};
    const { database, leaseSeconds, workerId, logger } = this.options;
    try {
      const job = await claimJob(database.db, jobId, workerId, leaseSeconds);
      if (!job) return {}; // done, not due yet, or held by a live worker: nothing to do here
      return await this.run(job);
    } catch (error) {
      logger.error({ err: error, jobId }, 'job delivery failed; it is delivered again when its lease runs out');
      return {};
    }
  };

  private async run(job: ClaimedJob): Promise<DeliveryOutcome> {
    const { database, handlers, leaseSeconds, logger } = this.options;
    const log = logger.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    const handler = handlers.get(job.kind);
    if (!handler) {
      log.error('job failed: no handler for its kind');
      await markFailed(database.db, job.id, job.attempts, { code: 'unknown_job_kind', message: `No handler for job kind ${job.kind}` });
      return {};
    }
    if (job.attempts > job.maxAttempts) {
      await this.fail(handler, job, { code: 'attempts_exhausted', message: 'The job was interrupted too many times.' }, log);
      return {};
    }
    if (!Value.Check(handler.payload, job.payload)) {
      await this.fail(handler, job, { code: 'invalid_payload', message: `The payload does not match the ${job.kind} schema.` }, log);
      return {};
    }

    const controller = new AbortController();
    this.inFlight.set(job.id, controller);
    const heartbeat = setInterval(() => {
      renewLease(database.db, job.id, job.attempts, leaseSeconds)
        .then((held) => {
          if (!held) controller.abort(new LeaseLostError());
        })
        // The next beat tries again; if none succeeds the lease runs out and another worker takes over.
        .catch((error: unknown) => log.warn({ err: error }, 'lease renewal failed'));
    }, Math.max(500, (leaseSeconds * 1000) / 3));
    heartbeat.unref();

    let resultWrite: ((tx: DbOrTx) => Promise<void>) | undefined;
    const context: JobContext = {
      job,
      payload: job.payload,
      workerId: this.options.workerId,
      signal: controller.signal,
      commit: (write) => {
        resultWrite = write;
      },
      setProgress: async (percent) => {
        await setProgress(database.db, job.id, job.attempts, Math.max(0, Math.min(99, Math.round(percent))));
        this.changed(job.id);
      },
      idempotencyKey: (effect) => `job-${job.id}-${effect}`,
      once: async <T>(effect: string, perform: (idempotencyKey: string) => Promise<T>): Promise<T> => {
        const recorded = await findEffect(database.db, job.id, effect);
        if (recorded) {
          log.info({ effect }, 'effect already done by an earlier attempt; not repeated');
          return recorded.result as T;
        }
        const result = await perform(context.idempotencyKey(effect));
        await recordEffect(database.db, job.id, effect, result);
        return result;
      },
    };

    const started = performance.now();
    try {
      await handler.perform(context);
      controller.signal.throwIfAborted();
      await database.db.transaction(async (tx) => {
        if (resultWrite) await resultWrite(tx);
        if (!(await markSucceeded(tx, job.id, job.attempts))) throw new LeaseLostError();
      });
      log.info({ ms: Math.round(performance.now() - started) }, 'job succeeded');
      this.changed(job.id);
      return {};
    } catch (error) {
      const outcome = await this.settleFailure(handler, job, controller.signal, error, log);
      this.changed(job.id);
      return outcome;
    } finally {
      clearInterval(heartbeat);
      this.inFlight.delete(job.id);
    }
  }

  private async settleFailure(handler: JobHandler, job: ClaimedJob, signal: AbortSignal, error: unknown, log: Logger): Promise<DeliveryOutcome> {
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
    if (error instanceof JobNotReady) {
      log.info({ reason: error.message, retryInMs: error.delayMs }, 'job input not ready; it runs again later');
      await deferJob(database.db, job.id, job.attempts, error.delayMs);
      return { redeliverInMs: error.delayMs };
    }
    const failure = failureOf(error);
    const retryable = !(error instanceof JobError) || error.retryable;
    if (retryable && job.attempts < job.maxAttempts) {
      const delay = (handler.backoffMs ?? exponentialBackoffMs)(job.attempts);
      log.warn({ err: error, code: failure.code, retryInMs: delay }, 'job failed; will retry');
      await scheduleRetry(database.db, job.id, job.attempts, delay, failure);
      return { redeliverInMs: delay };
    }
    await this.fail(handler, job, failure, log, error);
    return {};
  }

  /** Fails the job for good: one error line with its cause, then the kind's failure hook, once. */
  private async fail(handler: JobHandler, job: ClaimedJob, failure: JobFailure, log: Logger, cause?: unknown): Promise<void> {
    log.error({ err: cause, code: failure.code, reason: failure.message }, 'job failed');
    if (!(await markFailed(this.options.database.db, job.id, job.attempts, failure))) return;
    this.changed(job.id);
    try {
      await handler.onFailed?.(job, failure);
    } catch (error) {
      log.error({ err: error }, 'the failure hook of a failed job failed');
    }
  }

  private changed(jobId: string): void {
    try {
      this.options.onJobChanged?.(jobId);
    } catch (error) {
      this.options.logger.warn({ err: error, jobId }, 'a job-change listener failed');
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
