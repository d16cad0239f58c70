import { setTimeout as sleep } from 'node:timers/promises';
import type { JobHandler } from '../../jobs/job-handler.js';
import type { Services } from '../../services.js';
import { findProbe, markProbeCompleted } from './repository.js';

export const QUEUE_PROBE_KIND = 'queue_probe';

/**
 * A probe job proves the whole path works: the API committed a row, the queue delivered it, a
 * worker claimed it and a worker thread ran a task. Its optional hold keeps it in flight for a
 * while, which is how operators (and tests) check that a killed worker's job is taken over.
 */
export const queueProbeJob: JobHandler<Services> = {
  kind: QUEUE_PROBE_KIND,
  maxAttempts: 3,
  async perform(context, services) {
    const probe = await findProbe(services.database.db, context.job.id);
    if (!probe) return; // its row went with a cleanup: nothing to prove
    if (probe.holdMs > 0) await sleep(probe.holdMs, undefined, { signal: context.signal });
    const { threadId } = await services.cpu.run('probe');
    context.commit((tx) => markProbeCompleted(tx, probe.jobId, context.workerId, threadId));
  },
};
