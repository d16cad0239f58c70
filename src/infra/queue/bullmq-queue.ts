import { DelayedError, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { withTimeout } from '../../lib/with-timeout.js';
import type { DeliveryHandler, JobQueue } from './job-queue.js';

const QUEUE_NAME = 'jobs';
const ENQUEUE_TIMEOUT_MS = 2000;

interface JobData {
  id: string;
}

export interface BullmqQueueOptions {
  redisUrl: string;
  prefix: string;
  /** How long a delivery stays locked to its worker without renewal: the job lease. */
  lockSeconds: number;
}

/**
 * Job ids on BullMQ. The BullMQ job id is the row id, so a second enqueue of a job still waiting
 * is dropped by BullMQ itself. BullMQ never retries: the job row decides retries and redelivers.
 */
export class BullmqQueue implements JobQueue {
  readonly kind = 'bullmq';
  // The producer fails fast when Redis is away: the row stays queued and the reconciler enqueues it later.
  private readonly producerConnection: Redis;
  private readonly queue: Queue<JobData>;
  private worker: Worker<JobData> | undefined;
  private workerConnection: Redis | undefined;

  constructor(private readonly options: BullmqQueueOptions) {
    this.producerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
    this.producerConnection.on('error', () => undefined);
    this.queue = new Queue<JobData>(QUEUE_NAME, { connection: this.producerConnection, prefix: this.prefix });
    this.queue.on('error', () => undefined);
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
    // BullMQ workers block on Redis and must retry forever rather than fail a command.
    this.workerConnection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    this.workerConnection.on('error', () => undefined);
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
    this.worker.on('error', () => undefined);
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
    await this.producerConnection.ping();
  }

  async close(): Promise<void> {
    await this.stopConsuming();
    await withTimeout(this.queue.close(), ENQUEUE_TIMEOUT_MS, 'queue close').catch(() => undefined);
    this.producerConnection.disconnect();
  }
}
