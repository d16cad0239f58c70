import { setTimeout as sleep } from 'node:timers/promises';

/** An operation that did not settle in time; callers tell it apart by type, not by message. */
export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Settles like `promise`, or rejects with a TimeoutError once `ms` have passed; the timer never
 * outlives the race. A late rejection of `promise` is not unhandled: the race subscribed to it.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const controller = new AbortController();
  const timeout = sleep(ms, undefined, { signal: controller.signal }).then(() => {
    throw new TimeoutError(what, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    controller.abort();
  }
}
