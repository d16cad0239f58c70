import type { Logger } from 'pino';
import type { DeliveryHandler, JobQueue } from './job-queue.js';

/**
 * Delivers job ids inside this process. It keeps nothing durable itself: after a restart the
 * reconciler finds the rows still queued or whose lease ran out and enqueues them again.
 * A process without a consumer (an API-only process) drops deliveries for the same reason.
 */
export class InProcessQueue implements JobQueue {
  readonly kind = 'in-process';
  private readonly waiting: string[] = [];
  private readonly waitingIds = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly active = new Set<Promise<void>>();
  private handler: DeliveryHandler | undefined;
  private concurrency = 1;
  private stopping = false;

  constructor(private readonly logger: Logger) {}

  enqueue(jobId: string, delayMs = 0): Promise<void> {
    if (!this.handler || this.stopping || this.waitingIds.has(jobId) || this.timers.has(jobId)) return Promise.resolve();
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(jobId);
        this.push(jobId);
      }, delayMs);
      timer.unref();
      this.timers.set(jobId, timer);
    } else {
      this.push(jobId);
    }
    return Promise.resolve();
  }

  consume(handler: DeliveryHandler, concurrency: number): void {
    this.handler = handler;
    this.concurrency = concurrency;
    this.stopping = false;
    this.pump();
  }

  async stopConsuming(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.waiting.length = 0;
    this.waitingIds.clear();
    await Promise.all(this.active);
    this.handler = undefined;
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return this.stopConsuming();
  }

  private push(jobId: string): void {
    if (this.waitingIds.has(jobId)) return;
    this.waiting.push(jobId);
    this.waitingIds.add(jobId);
    this.pump();
  }

  private pump(): void {
    const handler = this.handler;
    while (handler && !this.stopping && this.active.size < this.concurrency && this.waiting.length > 0) {
      const jobId = this.waiting.shift() as string;
      this.waitingIds.delete(jobId);
      const run: Promise<void> = handler(jobId)
        .then((outcome) => {
          if (outcome.redeliverInMs !== undefined) return this.enqueue(jobId, outcome.redeliverInMs);
        })
        // The handler records every outcome on the job row and does not throw; if it ever does, the
        // job's lease runs out and the reconciler delivers it again.
        .catch((error: unknown) => this.logger.error({ err: error, jobId }, 'job delivery handler failed'))
        .finally(() => {
          this.active.delete(run);
          this.pump();
        });
      this.active.add(run);
    }
  }
}
