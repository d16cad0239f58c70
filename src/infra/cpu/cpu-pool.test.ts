import { getPriority } from 'node:os';
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { BATCH_NICENESS } from './batch-priority.js';
import { CpuPool } from './cpu-pool.js';

describe('the CPU pool', () => {
  const pool = new CpuPool({ maxThreads: 1 });
  afterAll(() => pool.close());

  it('runs its threads below the priority of the thread that answers requests, and leaves that thread as it was', async () => {
    const before = getPriority();
    const answer = await pool.run('probe', []);
    expect(answer.threadId).not.toBe(threadId);
    expect(answer.niceness).toBe(Math.max(before, BATCH_NICENESS));
    expect(getPriority()).toBe(before);
  });
});
