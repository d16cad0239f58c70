import { setImmediate as afterIo, setTimeout as sleep } from 'node:timers/promises';

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
 *
 * Timers run before pending I/O in a turn of the event loop, so after a turn that blocked for longer
 * than `ms` the timer would beat an answer already waiting to be read. The timeout is therefore
 * declared only after that turn's I/O (setImmediate runs after it): a busy process is not taken for
 * a slow dependency, and a dependency that really is slow costs `ms` and one turn.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const controller = new AbortController();
  const { signal } = controller;
  const timeout = sleep(ms, undefined, { signal })
    .then(() => afterIo(undefined, { signal }))
    .then(() => {
      throw new TimeoutError(what, ms);
    });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    controller.abort();
  }
}
