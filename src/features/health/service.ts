import { setTimeout as sleep } from 'node:timers/promises';
import { withTimeout } from '../../lib/with-timeout.js';
import type { Services } from '../../services.js';
import { QUEUE_PROBE_KIND } from './jobs.js';
import { deleteOldProbeJobs, findPendingProbe, findProbe, findRecentCompletedProbe, insertProbe } from './repository.js';

export type ServiceState = 'healthy' | 'unhealthy' | 'skipped';

export interface HealthReport {
  overall: 'healthy' | 'unhealthy';
  services: { db: ServiceState; redis: ServiceState; queue: ServiceState; llm: 'offline' | 'configured' };
  engines: { db: 'pglite' | 'postgres'; queue: 'in-process' | 'bullmq'; cache: 'memory' | 'redis'; llm: 'offline' | 'openai' | 'anthropic' };
}

/** A probe that completed this recently proves the queue works without sending another. */
const PROBE_FRESH_SECONDS = 15;
/** A probe still pending after this long is given up on and another is sent. */
const PROBE_PENDING_SECONDS = 10;
const PROBE_WAIT_MS = 5000;
/** Probes are evidence for a few seconds only; a day of them is plenty for anyone looking back. */
const PROBE_RETENTION_SECONDS = 24 * 60 * 60;
const CHECK_TIMEOUT_MS = 3000;

async function state(check: () => Promise<unknown>): Promise<ServiceState> {
  try {
    await withTimeout(check(), CHECK_TIMEOUT_MS, 'health check');
    return 'healthy';
  } catch {
    return 'unhealthy';
  }
}

/** Answers whether this deployment can serve requests and run jobs. Costs no paid call. */
export class HealthService {
  // Concurrent health checks in one process share one probe.
  private probing: Promise<ServiceState> | undefined;

  constructor(private readonly services: Services) {}

  async check(): Promise<HealthReport> {
    const { config, database, cache, queue } = this.services;
    const [db, redis] = await Promise.all([
      state(() => database.ping()),
      config.redisUrl ? state(() => Promise.all([cache.ping(), queue.ping()])) : Promise.resolve<ServiceState>('skipped'),
    ]);
    // A probe cannot travel without its carrier: with Redis down, BullMQ is down too.
    const queueCanWork = db === 'healthy' && !(queue.kind === 'bullmq' && redis === 'unhealthy');
    const queueState = queueCanWork ? await this.probeQueue() : 'unhealthy';
    const healthy = db === 'healthy' && queueState === 'healthy' && redis !== 'unhealthy';
    return {
      overall: healthy ? 'healthy' : 'unhealthy',
      services: { db, redis, queue: queueState, llm: config.llm === 'offline' ? 'offline' : 'configured' },
      engines: { db: database.driver, queue: queue.kind, cache: cache.kind, llm: config.llm },
    };
  }

  private probeQueue(): Promise<ServiceState> {
    this.probing ??= this.roundTrip()
      .catch((): ServiceState => 'unhealthy')
      .finally(() => {
        this.probing = undefined;
      });
    return this.probing;
  }

  /** Healthy when a probe job has recently gone through a worker; sends one if none has. */
  private async roundTrip(): Promise<ServiceState> {
    const { database, jobs, processLabel } = this.services;
    if (await findRecentCompletedProbe(database.db, PROBE_FRESH_SECONDS)) return 'healthy';
    let probeId = (await findPendingProbe(database.db, PROBE_PENDING_SECONDS))?.jobId;
    if (!probeId) {
      probeId = await jobs.transactionWithJobs(async (tx, addJob) => {
        // Each new probe clears out the old ones, so health checks never grow the tables for good.
        await deleteOldProbeJobs(tx, QUEUE_PROBE_KIND, PROBE_RETENTION_SECONDS);
        const job = await addJob({ kind: QUEUE_PROBE_KIND, maxAttempts: 3 });
        await insertProbe(tx, { jobId: job.id, requestedBy: processLabel, holdMs: 0 });
        return job.id;
      });
    }
    const deadline = Date.now() + PROBE_WAIT_MS;
    while (Date.now() < deadline) {
      if ((await findProbe(database.db, probeId))?.completedAt) return 'healthy';
      await sleep(50);
    }
    return 'unhealthy';
  }
}
