import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { DirectoryBlobStore, type BlobStore } from './infra/blobs/blob-store.js';
import type { Cache } from './infra/cache/cache.js';
import { MemoryCache } from './infra/cache/memory-cache.js';
import { RedisCache } from './infra/cache/redis-cache.js';
import { CpuPool } from './infra/cpu/cpu-pool.js';
import { SchemaOutOfDateError, openDatabase, type Database } from './infra/db/database.js';
import { BullmqQueue } from './infra/queue/bullmq-queue.js';
import { InProcessQueue } from './infra/queue/in-process-queue.js';
import type { JobQueue } from './infra/queue/job-queue.js';
import { createMailer, type Mailer } from './infra/mail/mailer.js';
import { createStripeClient, type Stripe } from './infra/stripe/stripe-client.js';
import { JobService } from './jobs/job-service.js';
import { prepareDatabase } from './process/prepare-database.js';

/** Every piece of infrastructure, chosen once from the config. Feature code never asks which it got. */
export interface Services {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly cache: Cache;
  readonly queue: JobQueue;
  readonly blobs: BlobStore;
  readonly cpu: CpuPool;
  readonly jobs: JobService;
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
  /** Tests: start the embedded database from a migrated template, in memory. */
  pgliteTemplate?: Blob;
  /** Apply pending migrations and seed plans on open (the embedded default). */
  migrate?: boolean;
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
  await writeFile(file, key, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return (await readFile(file, 'utf8')).trim();
}

export async function createServices(config: Config, options: ServiceOptions): Promise<Services> {
  const { logger } = options;
  const secretKey = await resolveSecretKey(config);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    ...(options.pgliteTemplate ? { pgliteTemplate: options.pgliteTemplate, inMemory: true } : {}),
  });
  if (options.migrate ?? database.driver === 'pglite') {
    await prepareDatabase(database);
  } else {
    const pending = await database.pendingMigrations();
    if (pending > 0) {
      await database.close();
      throw new SchemaOutOfDateError(pending);
    }
  }

  let cache: Cache;
  let queue: JobQueue;
  if (config.redisUrl) {
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
    // Errors surface on each command; the client reconnects by itself.
    redis.on('error', () => undefined);
    cache = new RedisCache(redis, config.redisKeyPrefix);
    queue = new BullmqQueue({ redisUrl: config.redisUrl, prefix: config.redisKeyPrefix, lockSeconds: config.jobLeaseSeconds });
  } else {
    cache = new MemoryCache();
    queue = new InProcessQueue();
  }
  const cpu = new CpuPool();
  const blobs = new DirectoryBlobStore(path.join(config.dataDir, 'files'));
  const jobs = new JobService(database, queue, logger);
  const stripe = config.stripeSecretKey ? createStripeClient(config.stripeSecretKey, config.stripeApiBase) : undefined;
  const mailer = createMailer(config, logger);

  return {
    config,
    logger,
    database,
    cache,
    queue,
    blobs,
    cpu,
    jobs,
    secretKey,
    stripe,
    mailer,
    processLabel: `${hostname()}:${process.pid}:${options.role}`,
    async close() {
      await queue.close();
      await cpu.close();
      await cache.close();
      await database.close();
      mailer.close();
    },
  };
}
