import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { TimeoutError, withTimeout } from './with-timeout.js';

/**
 * An answer from another thread that arrives while this thread is busy: the thread sends it, then
 * says so through shared memory, and this thread stays blocked (as under a CPU-heavy request or on a
 * loaded machine) until it has been sent and `busyMs` have passed.
 */
async function answerWhileBusy(busyMs: number, race: (answer: Promise<unknown>) => Promise<unknown>): Promise<unknown> {
  const sent = new Int32Array(new SharedArrayBuffer(4));
  const thread = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     parentPort.once('message', () => {
       parentPort.postMessage('answer');
       Atomics.store(workerData, 0, 1);
       Atomics.notify(workerData, 0);
     });`,
    { eval: true, workerData: sent },
  );
  try {
    await once(thread, 'online');
    // Blocking from the check phase, as a request handler after I/O does: the turn's timers come
    // next, before its I/O, where the answer waits.
    await nextTurn();
    const answer = once(thread, 'message').then(([message]: unknown[]) => message);
    const raced = race(answer);
    thread.postMessage('ask');
    const until = performance.now() + busyMs;
    while (Atomics.load(sent, 0) === 0 || performance.now() < until) Atomics.wait(sent, 0, 0, 10);
    return await raced;
  } finally {
    await thread.terminate();
  }
}

describe('withTimeout', () => {
  it('settles as the promise does when it settles in time', async () => {
    await expect(withTimeout(Promise.resolve('answer'), 50, 'a call')).resolves.toBe('answer');
    const failure = new Error('refused');
    await expect(withTimeout(Promise.reject(failure), 50, 'a call')).rejects.toBe(failure);
  });

  it('rejects with a TimeoutError naming the operation when the promise does not settle in time', async () => {
    const never = new Promise<never>(() => undefined);
    const error = await withTimeout(never, 20, 'a hung call').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('a hung call timed out after 20 ms');
  });

  it('takes an answer that arrived while the process was too busy to read it, rather than timing out', async () => {
    await expect(answerWhileBusy(200, (answer) => withTimeout(answer, 20, 'a reply'))).resolves.toBe('answer');
  });
});
