import { setTimeout as sleep } from 'node:timers/promises';
import { Type } from 'typebox';
import type { CpuPool } from '../../infra/cpu/cpu-pool.js';
import type { Database } from '../../infra/db/database.js';
import type { JobHandler } from '../../jobs/job-handler.js';
import { findProbe, markProbeCompleted } from './repository.js';

/** The kind of a queue probe; its payload is empty: the probe row carries what it needs. */
export const queueProbeKind = { kind: 'queue_probe', payload: Type.Object({}), maxAttempts: 3 } as const;

/**
 * A probe job proves the whole path works: the API committed a row, the queue delivered it, a
 * worker claimed it and a worker thread ran a task. Its optional hold keeps it in flight for a
 * while, which is how operators (and tests) check that a killed worker's job is taken over.
 */
export function queueProbeJob(database: Database, cpu: CpuPool): JobHandler<typeof queueProbeKind.payload> {
  return {
    ...queueProbeKind,
    async perform(context) {
      const probe = await findProbe(database.db, context.job.id);
      if (!probe) return; // its row went with a cleanup: nothing to prove
      if (probe.holdMs > 0) await sleep(probe.holdMs, undefined, { signal: context.signal });
      const { threadId } = await cpu.run('probe', []);
      context.commit((tx) => markProbeCompleted(tx, probe.jobId, context.workerId, threadId));
    },
  };
}
