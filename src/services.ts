import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { DirectoryBlobStore, type BlobStore } from './infra/blobs/blob-store.js';
import { LocalInvalidationBus, type InvalidationBus } from './infra/bus/invalidation-bus.js';
import { RedisInvalidationBus } from './infra/bus/redis-invalidation-bus.js';
import type { Cache } from './infra/cache/cache.js';
import { MemoryCache } from './infra/cache/memory-cache.js';
import { RedisCache } from './infra/cache/redis-cache.js';
import { CpuPool } from './infra/cpu/cpu-pool.js';
import { CounterStore } from './infra/rate-limit/counter-store.js';
import type { PdfRenderer } from './infra/pdf/pdf-renderer.js';
import { TypstRenderPool } from './infra/pdf/typst-pool.js';
import type { Database } from './infra/db/database.js';
import { createMailer, type Mailer } from './infra/mail/mailer.js';
import { BullmqQueue } from './infra/queue/bullmq-queue.js';
import { InProcessQueue } from './infra/queue/in-process-queue.js';
import type { JobQueue } from './infra/queue/job-queue.js';
import { connectRedis, readyWithin } from './infra/redis/connection.js';
import { createStripeClient, type Stripe } from './infra/stripe/stripe-client.js';
import { JobService } from './jobs/job-service.js';
import { JobWatch } from './jobs/job-watch.js';

/** How long a starting process waits for Redis before it starts without it. */
const REDIS_START_WAIT_MS = 2000;

/** Every piece of infrastructure, chosen once from the config. Feature code never asks which it got. */
export interface Services {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly cache: Cache;
  /** Request counters of the rate limits. */
  readonly counters: CounterStore;
  /** Tells every process that something held in memory changed. */
  readonly bus: InvalidationBus;
  readonly queue: JobQueue;
  readonly blobs: BlobStore;
  readonly cpu: CpuPool;
  /** Renders CVs to PDF in child processes, started on first use. */
  readonly renderer: PdfRenderer;
  readonly jobs: JobService;
  /** Lets a request wait for a job's row to change. */
  readonly jobWatch: JobWatch;
  /** Names this process in job rows and logs: host, pid and role. */
  readonly processLabel: string;
  /** The key that signs tokens. */
  readonly secretKey: string;
  /** Stripe, when STRIPE_SECRET_KEY is set. */
  readonly stripe: Stripe | undefined;
  readonly mailer: Mailer;
  close(): Promise<void>;
}

export interface ServiceOptions {
  logger: Logger;
  role: string;
  /** Opened (and brought up to date) by the process set-up; the services close it. */
  database: Database;
}

/** Embedded mode keeps its generated key beside its data, so tokens survive a restart. */
async function resolveSecretKey(config: Config): Promise<string> {
  if (config.secretKey) return config.secretKey;
  const file = path.join(config.dataDir, 'secret-key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(48).toString('base64url');
  await mkdir(config.dataDir, { recursive: true });
  try {
    await writeFile(file, key, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process wrote it first: theirs is the key.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return (await readFile(file, 'utf8')).trim();
}

/** Builds the infrastructure around an open database: Redis-backed in scale-out, in-process when embedded. */
export async function createServices(config: Config, options: ServiceOptions): Promise<Services> {
  const { logger, database } = options;
  const secretKey = await resolveSecretKey(config);

  let cache: Cache;
  let counters: CounterStore;
  let queue: JobQueue;
  let bus: InvalidationBus;
  if (config.redisUrl) {
    const redis = connectRedis(config.redisUrl, 'commands', logger);
    const redisBus = new RedisInvalidationBus(config.redisUrl, config.redisKeyPrefix, redis, logger);
    cache = new RedisCache(redis, config.redisKeyPrefix, logger);
    counters = CounterStore.inRedis(redis, config.redisKeyPrefix, logger);
    bus = redisBus;
    queue = new BullmqQueue({ redisUrl: config.redisUrl, connection: redis, prefix: config.redisKeyPrefix, lockSeconds: config.jobLeaseSeconds, logger });
    const [commandsReady, busLive] = await Promise.all([readyWithin(redis, REDIS_START_WAIT_MS), redisBus.liveWithin(REDIS_START_WAIT_MS)]);
    if (!commandsReady || !busLive) logger.warn({ waitedMs: REDIS_START_WAIT_MS }, 'starting without Redis: it does not answer yet; features that need it degrade until it does');
  } else {
    cache = new MemoryCache();
    counters = CounterStore.inMemory(logger);
    bus = new LocalInvalidationBus();
    queue = new InProcessQueue(logger);
  }
  const cpu = new CpuPool();
  const renderer = new TypstRenderPool({ size: config.renderProcesses, timeoutMs: config.renderTimeoutSeconds * 1000 });
  const blobs = new DirectoryBlobStore(path.join(config.dataDir, 'files'));
  const jobs = new JobService(database, queue, logger);
  const stripe = config.stripeSecretKey ? createStripeClient(config.stripeSecretKey, config.stripeApiBase) : undefined;
  const mailer = createMailer(config, logger);

  return {
    config,
    logger,
    database,
    cache,
    counters,
    bus,
    queue,
    blobs,
    cpu,
    renderer,
    jobs,
    jobWatch: new JobWatch(bus),
    secretKey,
    stripe,
    mailer,
    processLabel: `${hostname()}:${process.pid}:${options.role}`,
    async close() {
      await queue.close();
      await bus.close();
      await cpu.close();
      await renderer.close();
      // Last of the Redis users: the cache owns the shared connection.
      await cache.close();
      await database.close();
      mailer.close();
    },
  };
}
