import { describe, expect, it } from 'vitest';
import { LocalInvalidationBus } from '../infra/bus/invalidation-bus.js';
import { JOB_CHANGED_TOPIC, JobWatch } from './job-watch.js';

describe('JobWatch', () => {
  it('says whether a wait ended on an announcement or on its own', async () => {
    const bus = new LocalInvalidationBus();
    const watch = new JobWatch(bus);
    const announced = watch.nextChange('job-1', 5000);
    await bus.publish(JOB_CHANGED_TOPIC, 'job-1');
    expect(await announced).toBe(true);
    expect(await watch.nextChange('job-1', 20)).toBe(false);
  });

  it('reads again on every announcement, and backs off its polling while none comes', async () => {
    const bus = new LocalInvalidationBus();
    const watch = new JobWatch(bus);
    const reads: number[] = [];
    const started = Date.now();
    let state = 0;
    const waiting = watch.waitUntil(
      {
        jobId: () => 'job-2',
        read: async () => {
          reads.push(Date.now() - started);
          return state;
        },
        settled: (value) => value === 2,
      },
      0,
      1700,
    );
    // Polls at about 250 ms, then 500 ms later, then at the end of the 1.7 s wait: at most three reads
    // where a steady 250 ms poll would make six (a busy machine fires timers late, never early).
    expect(await waiting).toBe(0);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.length).toBeLessThanOrEqual(3);
    expect((reads[1] ?? 0) - (reads[0] ?? 0)).toBeGreaterThanOrEqual(450);

    // Announcements wake it at once, each time.
    const announcedReads: number[] = [];
    const settled = watch.waitUntil(
      {
        jobId: () => 'job-3',
        read: async () => {
          announcedReads.push(state);
          return state;
        },
        settled: (value) => value === 2,
      },
      0,
      60_000,
    );
    state = 1;
    await bus.publish(JOB_CHANGED_TOPIC, 'job-3');
    await new Promise((resolve) => setTimeout(resolve, 20));
    state = 2;
    await bus.publish(JOB_CHANGED_TOPIC, 'job-3');
    expect(await settled).toBe(2);
    expect(announcedReads).toEqual([1, 2]);
  });
});
