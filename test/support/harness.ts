import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';
import { inject } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createFeatures, type Features } from '../../src/features.js';
import { updatePlanAllowances } from '../../src/features/plans/repository.js';
import { FREE_PLAN } from '../../src/features/plans/seed.js';
import { createLogger } from '../../src/logger.js';
import { startServices } from '../../src/process/start-services.js';
import type { Services } from '../../src/services.js';
import { databaseUrlFor, testDatabaseUrl, testRedisUrl } from './test-env.js';

export type StorageName = 'pglite' | 'postgres+redis';

export interface StorageTarget {
  name: StorageName;
  /** False when the services are missing and the run is not CI: the suite is skipped, loudly (global setup). */
  available: boolean;
}

/** The storage layouts every storage-sensitive suite runs on. */
export function storageTargets(): StorageTarget[] {
  return [
    { name: 'pglite', available: true },
    { name: 'postgres+redis', available: inject('externalServices') },
  ];
}

export const TEST_SECRET_KEY = 'test-secret-key-that-is-long-enough-to-sign-tokens';

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A fresh PostgreSQL database, migrated (a copy of the template) unless `empty`; dropped by the returned function. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = uniqueName('cvimprover_test');
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(options.empty ? `create database ${name}` : `create database ${name} template ${inject('templateDatabase')}`);
        break;
      } catch (error) {
        // Two suites copying the template at the same instant: PostgreSQL refuses one; try again.
        if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await sleep(50 * attempt);
      }
    }
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrlFor(name),
    drop: async () => {
      const dropper = new pg.Client({ connectionString: testDatabaseUrl });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

export interface TestEnvironment {
  config: Config;
  services: Services;
  /** The feature services on them, built as a process builds them. */
  features: Features;
  /** Environment variables that make a child process use the same storage. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface TestEnvironmentOptions {
  /**
   * `lifted` (the default): the Free plan, which every new account is on, allows far more than any
   * test does, so suites about other features are not about daily allowances. `seeded`: the plans
   * as seeded, for the tests of the limits themselves. Per-address limits are lifted either way
   * (every request of a suite comes from one address); a test sets them in `extraEnv`.
   */
  allowances?: 'lifted' | 'seeded';
  /** The services' logger (a test that reads what was logged passes memoryLog()'s); by default one at LOG_LEVEL. */
  logger?: Logger;
  /**
   * PGlite only: open the embedded database on disk in this DATA_DIR (from embeddedDataDir('migrated'))
   * rather than in memory, and leave the directory on close, so that a later environment can reopen it.
   */
  dataDir?: string;
}

const LIFTED = 1_000_000;

/** Services on fresh storage of the given kind: an in-memory PGlite copy, or a new PostgreSQL database and Redis prefix. */
export async function createTestEnvironment(
  target: StorageName,
  extraEnv: Record<string, string> = {},
  options: TestEnvironmentOptions = {},
): Promise<TestEnvironment> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'cvimprover-test-')));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JOB_LEASE_SECONDS: '3',
    WORKER_CONCURRENCY: '4',
    // Suites share a busy machine and start embedded databases that stall their own event loop for
    // a moment, which load shedding would rightly answer with 503s: it is off here, and tested where
    // it is the subject, with its own threshold.
    OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
    // Every request of a suite comes from 127.0.0.1; the per-address limits are tested with their own numbers.
    RATE_LIMIT_PER_IP_PER_HOUR: String(LIFTED),
    ANONYMOUS_WRITES_PER_IP_PER_MINUTE: String(LIFTED),
    SIGNUPS_PER_IP_PER_HOUR: String(LIFTED),
    PASSWORD_RESETS_PER_IP_PER_HOUR: String(LIFTED),
    ...extraEnv,
  };
  let dropDatabase: (() => Promise<void>) | undefined;
  if (target === 'postgres+redis') {
    // A test may bring a server of its own (to stop or restart it); its database must be migrated.
    if (!extraEnv.DATABASE_URL) {
      const database = await createTestDatabase();
      dropDatabase = database.drop;
      env.DATABASE_URL = database.url;
    }
    env.REDIS_URL = extraEnv.REDIS_URL ?? testRedisUrl;
    env.REDIS_KEY_PREFIX = uniqueName('cvitest');
  }
  const config = loadConfig(env);
  const logger = options.logger ?? createLogger(config.logLevel);
  const inMemory = target === 'pglite' && ownDataDir;
  const services = await startServices(config, {
    logger,
    role: 'test',
    schema: 'as-is',
    ...(inMemory ? { pgliteTemplate: new Blob([new Uint8Array(await readFile(inject('pgliteTemplatePath')))]) } : {}),
  });
  if (options.allowances !== 'seeded') {
    await updatePlanAllowances(services.database.db, FREE_PLAN, {
      aiResponsesPerDay: LIFTED,
      questionnairesPerDay: LIFTED,
      uploadsPerDay: LIFTED,
      cvUploadsPerDay: LIFTED,
      apiCallsPerHour: LIFTED,
      burstPerMinute: LIFTED,
    });
  }
  return {
    config,
    services,
    features: createFeatures(services),
    env,
    async close() {
      await services.close();
      await dropDatabase?.();
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApp extends TestEnvironment {
  app: App;
}

/** The real app (buildApp) on fresh storage. */
export async function createTestApp(target: StorageName, extraEnv: Record<string, string> = {}, options: TestEnvironmentOptions = {}): Promise<TestApp> {
  const environment = await createTestEnvironment(target, extraEnv, options);
  const app = await buildApp(environment.services, environment.features);
  return {
    ...environment,
    app,
    async close() {
      await app.close();
      await environment.close();
    },
  };
}
