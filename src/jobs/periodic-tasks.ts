import type { Logger } from 'pino';

/** Upkeep that runs on a timer in the worker: clearing expired rows and the like. */
export interface PeriodicTask {
  name: string;
  intervalMs: number;
  /** Returns how many things it did, for the log. */
  run(): Promise<number>;
}

/** Runs each task on its own interval, never two runs of one task at once; failures are logged and retried next time. */
export class PeriodicTasks {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly tasks: readonly PeriodicTask[],
    private readonly logger: Logger,
  ) {}

  start(): void {
    for (const task of this.tasks) {
      const timer = setInterval(() => this.runOnce(task), task.intervalMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  private runOnce(task: PeriodicTask): void {
    if (this.running.has(task.name)) return;
    const run = task
      .run()
      .then((count) => {
        if (count > 0) this.logger.info({ task: task.name, count }, 'periodic task done');
      })
      .catch((error: unknown) => this.logger.warn({ err: error, task: task.name }, 'periodic task failed; it runs again at its next interval'))
      .finally(() => this.running.delete(task.name));
    this.running.set(task.name, run);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all(this.running.values());
  }
}
