import type { InvalidationBus } from '../infra/bus/invalidation-bus.js';

/** The bus topic on which workers announce that a job's row changed. */
export const JOB_CHANGED_TOPIC = 'job';

/** How often a waiter looks at the row when no announcement comes (a lost message, a bus that is down). */
const POLL_MS = 250;
/**
 * A waiter that keeps finding nothing new looks less and less often, up to this: announcements are
 * what wakes it, and a hundred waiters polling every 250 ms would cost the database 400 reads a second.
 */
const MAX_POLL_MS = 2000;

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
   * Resolves when the job may have changed: on an announcement (with true), after `maxWaitMs` (at most
   * MAX_POLL_MS), or at once when `signal` aborts.
   */
  nextChange(jobId: string, maxWaitMs = POLL_MS, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      let waiting = this.waiters.get(jobId);
      if (!waiting) {
        waiting = new Set();
        this.waiters.set(jobId, waiting);
      }
      const finish = (announced: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', unannounced);
        const set = this.waiters.get(jobId);
        set?.delete(announce);
        if (set?.size === 0) this.waiters.delete(jobId);
        resolve(announced);
      };
      const announce = () => finish(true);
      const unannounced = () => finish(false);
      const timer = setTimeout(unannounced, Math.max(0, Math.min(maxWaitMs, MAX_POLL_MS)));
      signal?.addEventListener('abort', unannounced, { once: true });
      waiting.add(announce);
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
    let pollMs = POLL_MS;
    while (!subject.settled(current) && jobId && !signal?.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const announced = await this.nextChange(jobId, Math.min(left, pollMs), signal);
      pollMs = announced ? POLL_MS : Math.min(pollMs * 2, MAX_POLL_MS);
      current = await subject.read();
      jobId = subject.jobId();
    }
    return current;
  }
}
