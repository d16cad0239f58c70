import type { Logger } from 'pino';
import type { Database } from '../infra/db/database.js';
import { findOrphanedJobIds } from './job-repository.js';
import type { JobService } from './job-service.js';

const BATCH = 200;

/**
 * The backstop that makes the queue lossless: every tick it enqueues again the jobs left queued
 * (a lost delivery, a flushed Redis, a restart) or running past their lease (a killed worker).
 * Repeats are harmless: a claim succeeds only once per attempt.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly database: Database,
    private readonly jobs: JobService,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.runTick();
    this.timer = setInterval(() => this.runTick(), this.intervalMs);
    this.timer.unref();
  }

  private runTick(): void {
    // A slow pass is never overlapped by the next one.
    this.running ??= this.tick().finally(() => {
      this.running = undefined;
    });
  }

  /** One pass; returns how many jobs it enqueued. */
  async reconcileOnce(): Promise<number> {
    const ids = await findOrphanedJobIds(this.database.db, BATCH);
    await Promise.all(ids.map((id) => this.jobs.enqueue(id)));
    return ids.length;
  }

  private async tick(): Promise<void> {
    try {
      const count = await this.reconcileOnce();
      if (count > 0) this.logger.debug({ count }, 'reconciler enqueued jobs');
    } catch (error) {
      this.logger.warn({ err: error }, 'reconciler pass failed');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
