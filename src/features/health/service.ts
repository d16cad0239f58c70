import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { SharedCall } from '../../lib/shared-call.js';
import { withTimeout } from '../../lib/with-timeout.js';
import type { Cache } from '../../infra/cache/cache.js';
import type { Database } from '../../infra/db/database.js';
import type { JobQueue } from '../../infra/queue/job-queue.js';
import type { JobService } from '../../jobs/job-service.js';
import { queueProbeKind } from './jobs.js';
import { deleteOldProbeJobs, findPendingProbe, findProbe, findRecentCompletedProbe, insertProbe } from './repository.js';

export type ServiceState = 'healthy' | 'unhealthy' | 'skipped';

export interface HealthReport {
  overall: 'healthy' | 'unhealthy';
  services: { db: ServiceState; redis: ServiceState; queue: ServiceState; llm: 'offline' | 'configured' };
  engines: { db: 'pglite' | 'postgres'; queue: 'in-process' | 'bullmq'; cache: 'memory' | 'redis'; llm: 'offline' | 'openai' | 'anthropic' };
}

/** A probe that completed this recently proves the queue works without sending another. */
const PROBE_FRESH_SECONDS = 15;
/**
 * A probe older than fresh but this recent still counts while a new one travels in the background: a
 * queue busy with a hundred renders delays a probe without being broken, and a health check must
 * answer at once, not wait its turn behind them. Past this age a check waits for the probe.
 */
const PROBE_STALE_SECONDS = 60;
/** A probe still pending after this long is given up on and another is sent. */
const PROBE_PENDING_SECONDS = 10;
const PROBE_WAIT_MS = 5000;
/** Probes are evidence for a few seconds only; a day of them is plenty for anyone looking back. */
const PROBE_RETENTION_SECONDS = 24 * 60 * 60;
const CHECK_TIMEOUT_MS = 3000;

export interface HealthServiceDependencies {
  config: Pick<Config, 'redisUrl' | 'llm'>;
  database: Database;
  cache: Cache;
  queue: JobQueue;
  jobs: JobService;
  processLabel: string;
  logger: Logger;
}

/** Answers whether this deployment can serve requests and run jobs. Costs no paid call. */
export class HealthService {
  // Concurrent health checks in one process share one probe, and one database ping.
  private readonly probe = new SharedCall<ServiceState>();
  private readonly ping = new SharedCall<void>();
  /** When this process last saw a probe complete: while that is fresh, no query is needed to say so. */
  private probeSeenAt = 0;
  /** The last state of each check, so a failure is logged when it starts (with its cause), not on every call. */
  private readonly lastStates = new Map<string, ServiceState>();

  constructor(private readonly dependencies: HealthServiceDependencies) {}

  async check(): Promise<HealthReport> {
    const { config, database, cache, queue } = this.dependencies;
    const [db, redis] = await Promise.all([
      this.state('db', () => this.ping.run(() => database.ping())),
      config.redisUrl ? this.state('redis', () => Promise.all([cache.ping(), queue.ping()])) : Promise.resolve<ServiceState>('skipped'),
    ]);
    // A probe cannot travel without its carrier: with Redis down, BullMQ is down too.
    const queueCanWork = db === 'healthy' && !(queue.kind === 'bullmq' && redis === 'unhealthy');
    const queueState = queueCanWork ? await this.state('queue', () => this.probeQueue()) : 'unhealthy';
    const healthy = db === 'healthy' && queueState === 'healthy' && redis !== 'unhealthy';
    return {
      overall: healthy ? 'healthy' : 'unhealthy',
      services: { db, redis, queue: queueState, llm: config.llm === 'offline' ? 'offline' : 'configured' },
      engines: { db: database.driver, queue: queue.kind, cache: cache.kind, llm: config.llm },
    };
  }

  /** Runs one check within its time limit; a change of state is logged, a failure with its cause. */
  private async state(name: string, check: () => Promise<unknown>): Promise<ServiceState> {
    let state: ServiceState;
    let cause: unknown;
    try {
      await withTimeout(check(), CHECK_TIMEOUT_MS, `${name} health check`);
      state = 'healthy';
    } catch (error) {
      state = 'unhealthy';
      cause = error;
    }
    const previous = this.lastStates.get(name);
    this.lastStates.set(name, state);
    if (state === 'unhealthy' && previous !== 'unhealthy') this.dependencies.logger.warn({ err: cause, check: name }, 'health check failed');
    if (state === 'healthy' && previous === 'unhealthy') this.dependencies.logger.info({ check: name }, 'health check passes again');
    return state;
  }

  private async probeQueue(): Promise<void> {
    const age = () => Date.now() - this.probeSeenAt;
    if (age() < PROBE_FRESH_SECONDS * 1000) return;
    if (age() >= PROBE_STALE_SECONDS * 1000) {
      // Another process (or this one, before a restart) may have seen one lately.
      const recent = await findRecentCompletedProbe(this.dependencies.database.db, PROBE_STALE_SECONDS);
      if (recent?.completedAt) this.sawProbe(recent.completedAt);
    }
    if (age() < PROBE_STALE_SECONDS * 1000) {
      this.probe.run(() => this.roundTrip()).catch((error: unknown) => this.dependencies.logger.warn({ err: error, check: 'queue' }, 'background queue probe failed'));
      return;
    }
    if ((await this.probe.run(() => this.roundTrip())) !== 'healthy') throw new Error(`no probe job went through a worker within ${PROBE_WAIT_MS} ms`);
  }

  /** Healthy when a probe job has recently gone through a worker; sends one if none has. */
  private async roundTrip(): Promise<ServiceState> {
    const { database, jobs, processLabel } = this.dependencies;
    const recent = await findRecentCompletedProbe(database.db, PROBE_FRESH_SECONDS);
    if (recent?.completedAt) return this.sawProbe(recent.completedAt);
    let probeId = (await findPendingProbe(database.db, PROBE_PENDING_SECONDS))?.jobId;
    if (!probeId) {
      probeId = await jobs.transactionWithJobs(async (tx, addJob) => {
        // Each new probe clears out the old ones, so health checks never grow the tables for good.
        await deleteOldProbeJobs(tx, queueProbeKind.kind, PROBE_RETENTION_SECONDS);
        const job = await addJob(queueProbeKind, {});
        await insertProbe(tx, { jobId: job.id, requestedBy: processLabel, holdMs: 0 });
        return job.id;
      });
    }
    const deadline = Date.now() + PROBE_WAIT_MS;
    while (Date.now() < deadline) {
      const completedAt = (await findProbe(database.db, probeId))?.completedAt;
      if (completedAt) return this.sawProbe(completedAt);
      await sleep(50);
    }
    return 'unhealthy';
  }

  private sawProbe(completedAt: Date): ServiceState {
    // Stamped by the database's clock, which in a deployment keeps time with this one.
    this.probeSeenAt = Math.max(this.probeSeenAt, Math.min(Date.now(), completedAt.getTime()));
    return 'healthy';
  }
}
