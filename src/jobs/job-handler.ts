import type { Static, TSchema } from 'typebox';
import type { JobKind } from './job-kind.js';
import type { DbOrTx } from '../infra/db/database.js';
import type { ClaimedJob } from './job-repository.js';

export type { JobKind } from './job-kind.js';

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

/**
 * Raised by a handler whose input another job is still preparing: the job is put back to run again
 * after `delayMs`, and this attempt does not count. What it waits for must end (with a deadline of
 * its own), or the job waits for ever.
 */
export class JobNotReady extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'JobNotReady';
  }
}

export interface JobFailure {
  code: string;
  message: string;
}

export interface JobContext<Payload = unknown> {
  readonly job: ClaimedJob;
  /** The job's payload, checked against its kind's schema. */
  readonly payload: Payload;
  readonly workerId: string;
  /** Aborted when the lease is lost or the worker must stop: end quickly, commit nothing. */
  readonly signal: AbortSignal;
  /**
   * Registers the job's result writes. They commit in the same transaction that marks the job
   * succeeded, and only if this attempt still holds the job, so a result is written exactly once.
   */
  commit(write: (tx: DbOrTx) => Promise<void>): void;
  setProgress(percent: number): Promise<void>;
  /**
   * A key for one external effect of this job (a mail, a webhook, a paid call), the same on every
   * attempt: a receiver that knows idempotency keys (or Message-IDs) recognises a repeat by it.
   */
  idempotencyKey(effect: string): string;
  /**
   * Performs an external effect once per job: its outcome is recorded as soon as it succeeds, and an
   * attempt after a crash gets the recorded outcome instead of doing it again. Only a crash between
   * the effect and its record (a moment) repeats it, under the same idempotency key.
   */
  once<T>(effect: string, perform: (idempotencyKey: string) => Promise<T>): Promise<T>;
}

/** One kind of background job: what it does, how often it may try and how long it waits between tries. */
export interface JobHandler<Payload extends TSchema = TSchema> extends JobKind<Payload> {
  /** The delay before the attempt after `attempt` fails; exponential backoff with jitter unless given. */
  backoffMs?(attempt: number): number;
  perform(context: JobContext<Static<Payload>>): Promise<void>;
  /** Runs once when the job has failed for good. */
  onFailed?(job: ClaimedJob, failure: JobFailure): Promise<void>;
}

/** Exponential backoff with full jitter: 1 s, 2 s, 4 s… at most five minutes. */
export function exponentialBackoffMs(attempt: number): number {
  const ceiling = Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
