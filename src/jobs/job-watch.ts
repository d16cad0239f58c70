import type { InvalidationBus } from '../infra/bus/invalidation-bus.js';

/** The bus topic on which workers announce that a job's row changed. */
export const JOB_CHANGED_TOPIC = 'job';

/** How often a waiter looks at the row when no announcement comes (a lost message, a bus that is down). */
const POLL_MS = 250;

/**
 * Lets a request wait for a job's row to change: woken by the workers' announcements on the bus,
 * and by a short poll in case one is missed. The row stays the truth; this only says when to look.
 */
export class JobWatch {
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(bus: InvalidationBus) {
    bus.subscribe((topic, id) => {
      if (topic !== JOB_CHANGED_TOPIC) return;
      const waiting = this.waiters.get(id);
      if (!waiting) return;
      this.waiters.delete(id);
      for (const wake of waiting) wake();
    });
  }

  /**
   * Resolves when the job may have changed: on an announcement, after `maxWaitMs` or the poll
   * interval, whichever is sooner, or at once when `signal` aborts.
   */
  nextChange(jobId: string, maxWaitMs = POLL_MS, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let waiting = this.waiters.get(jobId);
      if (!waiting) {
        waiting = new Set();
        this.waiters.set(jobId, waiting);
      }
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        const set = this.waiters.get(jobId);
        set?.delete(done);
        if (set?.size === 0) this.waiters.delete(jobId);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(maxWaitMs, POLL_MS)));
      signal?.addEventListener('abort', done, { once: true });
      waiting.add(done);
    });
  }

  /**
   * Reads a job's subject again whenever its job may have changed, until `settled` says it has
   * ended, `waitMs` has passed or `signal` aborts; answers the latest reading either way.
   */
  async waitUntil<T>(
    subject: { jobId: () => string | null; read: () => Promise<T>; settled: (value: T) => boolean },
    first: T,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<T> {
    const deadline = Date.now() + waitMs;
    let current = first;
    let jobId = subject.jobId();
    while (!subject.settled(current) && jobId && !signal?.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      await this.nextChange(jobId, left, signal);
      current = await subject.read();
      jobId = subject.jobId();
    }
    return current;
  }
}
