import type { Logger } from 'pino';
import type { Static, TSchema } from 'typebox';
import type { Database, DbOrTx } from '../infra/db/database.js';
import type { JobQueue } from '../infra/queue/job-queue.js';
import type { JobKind } from './job-kind.js';
import { insertJob, type JobOptions, type JobRow } from './job-repository.js';

/** Adds a job row inside the caller's transaction; the job is enqueued once that transaction commits. */
export type AddJob = <P extends TSchema>(kind: JobKind<P>, payload: Static<P>, options?: JobOptions) => Promise<JobRow>;

/** Creates jobs together with the data they work on. */
export class JobService {
  constructor(
    private readonly database: Database,
    private readonly queue: JobQueue,
    private readonly logger: Logger,
  ) {}

  /**
   * Runs `work` in one transaction in which it may add jobs; after the commit, and only then,
   * the jobs are enqueued. An enqueue that fails is logged and left to the reconciler.
   */
  async transactionWithJobs<T>(work: (tx: DbOrTx, addJob: AddJob) => Promise<T>): Promise<T> {
    const added: JobRow[] = [];
    const result = await this.database.db.transaction(async (tx) =>
      work(tx, async (kind, payload, options) => {
        const row = await insertJob(tx, kind, payload, options);
        added.push(row);
        return row;
      }),
    );
    await Promise.all(added.map((row) => this.enqueue(row.id)));
    return result;
  }

  /** Asks the queue to deliver a committed job; never throws, since the row is the truth. */
  async enqueue(jobId: string, delayMs = 0): Promise<void> {
    try {
      await this.queue.enqueue(jobId, delayMs);
    } catch (error) {
      this.logger.warn({ err: error, jobId }, 'enqueue failed; the reconciler will deliver the job');
    }
  }
}
