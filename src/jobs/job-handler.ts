import type { DbOrTx } from '../infra/db/database.js';
import type { ClaimedJob } from './job-repository.js';

/** A failure a handler raises on purpose; `retryable: false` fails the job at once. */
export class JobError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

export interface JobContext {
  readonly job: ClaimedJob;
  readonly workerId: string;
  /** Aborted when the lease is lost or the worker must stop: end quickly, commit nothing. */
  readonly signal: AbortSignal;
  /**
   * Registers the job's result writes. They commit in the same transaction that marks the job
   * succeeded, and only if this attempt still holds the job, so a result is written exactly once.
   */
  commit(write: (tx: DbOrTx) => Promise<void>): void;
  setProgress(percent: number): Promise<void>;
}

/** One kind of background job: what it does, and how often it may try. */
export interface JobHandler<Services> {
  readonly kind: string;
  readonly maxAttempts: number;
  perform(context: JobContext, services: Services): Promise<void>;
  /** Runs once when the job has failed for good. */
  onFailed?(job: ClaimedJob, error: { code: string; message: string }, services: Services): Promise<void>;
}

/** Exponential backoff with full jitter: 1 s, 2 s, 4 s… at most five minutes. */
export function backoffMs(attempt: number): number {
  const ceiling = Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
