import type { Features } from '../features.js';
import { JobRunner } from '../jobs/job-runner.js';
import { JOB_CHANGED_TOPIC } from '../jobs/job-watch.js';
import { PeriodicTasks } from '../jobs/periodic-tasks.js';
import { Reconciler } from '../jobs/reconciler.js';
import { jobHandlersByKind } from '../jobs/registry.js';
import type { JobHandler } from '../jobs/job-handler.js';
import type { Services } from '../services.js';

export interface RunningWorker {
  /** Stops taking jobs; waits `graceMs` for jobs in flight, then hands the rest back. */
  stop(graceMs: number): Promise<void>;
}

/** Makes this process run jobs: consume deliveries, sweep for jobs nobody delivered, and run upkeep. */
export function startWorker(
  services: Services,
  features: Pick<Features, 'jobHandlers' | 'periodicTasks'>,
  handlers: readonly JobHandler[] = features.jobHandlers,
): RunningWorker {
  const { config, database, queue, jobs, logger } = services;
  const workerLogger = logger.child({ role: 'worker' });
  const runner = new JobRunner({
    database,
    handlers: jobHandlersByKind(handlers),
    workerId: services.processLabel,
    leaseSeconds: config.jobLeaseSeconds,
    logger: workerLogger,
    // Requests waiting on a job (Prefer: wait, event streams) in any process hear of its changes.
    onJobChanged: (jobId) => {
      services.bus.publish(JOB_CHANGED_TOPIC, jobId).catch((error: unknown) => workerLogger.warn({ err: error, jobId }, 'could not announce a job change; waiters see it at their next poll'));
    },
  });
  queue.consume(runner.deliver, config.workerConcurrency);
  // With the in-process queue on a shared PostgreSQL, the sweep is how jobs committed by other
  // processes arrive, so it runs often. Otherwise (BullMQ, or the embedded database, which only this
  // process writes) every job is enqueued after its commit and the sweep is only the backstop.
  const sweepDelivers = queue.kind === 'in-process' && database.driver === 'postgres';
  const intervalMs = sweepDelivers ? 1000 : Math.min(5000, (config.jobLeaseSeconds * 1000) / 2);
  const reconciler = new Reconciler(database, jobs, intervalMs, workerLogger);
  reconciler.start();
  const upkeep = new PeriodicTasks(features.periodicTasks, workerLogger);
  upkeep.start();
  logger.info({ queue: queue.kind, concurrency: config.workerConcurrency }, 'worker started');
  return {
    async stop(graceMs) {
      await Promise.all([reconciler.stop(), upkeep.stop()]);
      await Promise.all([runner.stop(graceMs), queue.stopConsuming()]);
    },
  };
}
