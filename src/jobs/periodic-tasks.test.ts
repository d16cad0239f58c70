import { describe, expect, it } from 'vitest';
import { memoryLog } from '../../test/support/memory-log.js';
import { waitFor } from '../../test/support/wait-for.js';
import { PeriodicTasks } from './periodic-tasks.js';

describe('periodic tasks', () => {
  it('runs each on its interval, logs a failure with its cause, and runs it again next time', async () => {
    const log = memoryLog();
    let runs = 0;
    const tasks = new PeriodicTasks(
      [
        {
          name: 'tidy up',
          intervalMs: 20,
          run: async () => {
            runs++;
            if (runs === 1) throw new Error('the table was locked');
            return 3;
          },
        },
      ],
      log.logger,
    );
    tasks.start();
    try {
      await waitFor(async () => runs >= 2, 2000, 'a second run');
    } finally {
      await tasks.stop();
    }
    const failure = log.entries().find((entry) => entry.msg === 'periodic task failed; it runs again at its next interval');
    expect(failure).toMatchObject({ level: 40, task: 'tidy up', err: { message: 'the table was locked' } });
    expect(log.entries().some((entry) => entry.msg === 'periodic task done' && entry.count === 3)).toBe(true);
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(runs).toBe(after); // stopped means stopped
  });
});
