import { setTimeout as sleep } from 'node:timers/promises';

/** Settles like `promise`, or rejects once `ms` have passed; the timer never outlives the race. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  // The loser of the race may still reject later; that must not become an unhandled rejection.
  promise.catch(() => undefined);
  const controller = new AbortController();
  const timeout = sleep(ms, undefined, { signal: controller.signal }).then(() => {
    throw new Error(`${what} timed out after ${ms} ms`);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    controller.abort();
  }
}
