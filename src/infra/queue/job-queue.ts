/** What a consumer tells the queue after handling one delivery. */
export interface DeliveryOutcome {
  /** Deliver the same id again after this many milliseconds (a retry with backoff). */
  redeliverInMs?: number;
}

export type DeliveryHandler = (jobId: string) => Promise<DeliveryOutcome>;

/**
 * Carries job ids from whoever commits a job row to whichever worker runs it. The row in the
 * database is the truth; a queue may lose or repeat a delivery and nothing is lost or done twice.
 */
export interface JobQueue {
  readonly kind: 'bullmq' | 'in-process';
  /** Asks for the job to be delivered; a repeat of an id still waiting is dropped. */
  enqueue(jobId: string, delayMs?: number): Promise<void>;
  /** Starts delivering to this process; at most `concurrency` deliveries at once. */
  consume(handler: DeliveryHandler, concurrency: number): void;
  /** Stops taking deliveries and resolves when the ones in flight have ended. */
  stopConsuming(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
