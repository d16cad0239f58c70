import { DelayedError, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { withTimeout } from '../../lib/with-timeout.js';
import { connectRedis } from '../redis/connection.js';
import type { DeliveryHandler, JobQueue } from './job-queue.js';

const QUEUE_NAME = 'jobs';
const ENQUEUE_TIMEOUT_MS = 2000;

interface JobData {
  id: string;
}

export interface BullmqQueueOptions {
  redisUrl: string;
  /** The process's fail-fast Redis connection, shared with the cache: enqueueing must never hang a request. */
  connection: Redis;
  prefix: string;
  /** How long a delivery stays locked to its worker without renewal: the job lease. */
  lockSeconds: number;
  logger: Logger;
}

/**
 * Job ids on BullMQ. The BullMQ job id is the row id, so a second enqueue of a job still waiting
 * is dropped by BullMQ itself. BullMQ never retries: the job row decides retries and redelivers.
 */
export class BullmqQueue implements JobQueue {
  readonly kind = 'bullmq';
  private readonly queue: Queue<JobData>;
  private readonly logger: Logger;
  private worker: Worker<JobData> | undefined;
  private workerConnection: Redis | undefined;

  constructor(private readonly options: BullmqQueueOptions) {
    this.logger = options.logger.child({ queue: QUEUE_NAME });
    this.queue = new Queue<JobData>(QUEUE_NAME, { connection: options.connection, prefix: this.prefix });
    // Failed enqueues are handled where they happen (the row stays queued for the reconciler); this
    // reports what BullMQ itself runs into, such as its scripts failing to load.
    this.queue.on('error', (error) => this.logger.warn({ err: error }, 'BullMQ queue error'));
  }

  private get prefix(): string {
    return `${this.options.prefix}:bull`;
  }

  async enqueue(jobId: string, delayMs = 0): Promise<void> {
    // BullMQ waits for Redis forever; a request must not.
    await withTimeout(
      this.queue.add('job', { id: jobId }, { jobId, delay: delayMs, attempts: 1, removeOnComplete: true, removeOnFail: true }),
      ENQUEUE_TIMEOUT_MS,
      'enqueue',
    );
  }

  consume(handler: DeliveryHandler, concurrency: number): void {
    // BullMQ workers block on Redis and must wait for it to come back rather than fail a command.
    this.workerConnection = connectRedis(this.options.redisUrl, 'queue-worker', this.options.logger, { blocking: true });
    const lockMs = this.options.lockSeconds * 1000;
    this.worker = new Worker<JobData>(
      QUEUE_NAME,
      async (job, token) => {
        const outcome = await handler(job.data.id);
        if (outcome.redeliverInMs !== undefined && token) {
          await job.moveToDelayed(Date.now() + outcome.redeliverInMs, token);
          throw new DelayedError();
        }
      },
      {
        connection: this.workerConnection,
        prefix: this.prefix,
        concurrency,
        // Set explicitly: the defaults re-run a killed worker's job only after 60-90 s and fail it on a
        // second stall. Stalls are harmless here since the job row fences every attempt.
        lockDuration: lockMs,
        stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
        maxStalledCount: 1000,
      },
    );
    this.worker.on('error', (error) => this.logger.warn({ err: error }, 'BullMQ worker error'));
    // The handler records every outcome on the job row and never throws, so a failed delivery here
    // means BullMQ itself could not hand the job over or move it; the reconciler delivers it again.
    this.worker.on('failed', (job, error) => this.logger.error({ err: error, jobId: job?.data.id }, 'BullMQ delivery failed'));
  }

  async stopConsuming(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
    if (this.workerConnection) {
      this.workerConnection.disconnect();
      this.workerConnection = undefined;
    }
  }

  async ping(): Promise<void> {
    await this.options.connection.ping();
  }

  async close(): Promise<void> {
    await this.stopConsuming();
    try {
      await withTimeout(this.queue.close(), ENQUEUE_TIMEOUT_MS, 'queue close');
    } catch (error) {
      this.logger.warn({ err: error }, 'closing the BullMQ queue failed; its connection is closed with the process');
    }
  }
}
