import type { JobHandler } from '../jobs/job-handler.js';
import { jobHandlersByKind } from '../jobs/registry.js';
import { JobRunner } from '../jobs/job-runner.js';
import { Reconciler } from '../jobs/reconciler.js';
import type { Services } from '../services.js';

export interface RunningWorker {
  /** Stops taking jobs; waits `graceMs` for jobs in flight, then hands the rest back. */
  stop(graceMs: number): Promise<void>;
}

/** Makes this process run jobs: consume deliveries, and sweep for jobs nobody delivered. */
export function startWorker(services: Services, handlers: ReadonlyMap<string, JobHandler<Services>> = jobHandlersByKind()): RunningWorker {
  const { config, database, queue, jobs, logger } = services;
  const runner = new JobRunner({
    database,
    handlers,
    services,
    workerId: services.processLabel,
    leaseSeconds: config.jobLeaseSeconds,
    logger: logger.child({ role: 'worker' }),
  });
  queue.consume(runner.deliver, config.workerConcurrency);
  // With the in-process queue on a shared PostgreSQL, the sweep is how jobs committed by other
  // processes arrive, so it runs often. Otherwise (BullMQ, or the embedded database, which only this
  // process writes) every job is enqueued after its commit and the sweep is only the backstop.
  const sweepDelivers = queue.kind === 'in-process' && database.driver === 'postgres';
  const intervalMs = sweepDelivers ? 1000 : Math.min(5000, (config.jobLeaseSeconds * 1000) / 2);
  const reconciler = new Reconciler(database, jobs, intervalMs, logger);
  reconciler.start();
  logger.info({ queue: queue.kind, concurrency: config.workerConcurrency }, 'worker started');
  return {
    async stop(graceMs) {
      await reconciler.stop();
      await Promise.all([runner.stop(graceMs), queue.stopConsuming()]);
    },
  };
}
