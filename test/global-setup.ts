import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase } from '../src/infra/db/database.js';
import { createLogger } from '../src/logger.js';
import { packageRoot } from '../src/paths.js';
import { prepareDatabase } from '../src/process/prepare-database.js';
import { databaseUrlFor, testDatabaseUrl, testRedisUrl } from './support/test-env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated embedded database, dumped (an uncompressed tarball) to load into memory. */
    pgliteTemplatePath: string;
    /** Embedded data directories made once this run, to copy rather than create (initdb costs seconds). */
    embeddedTemplates: { empty: string; migrated: string };
    /** Set when PostgreSQL and Redis answer; the suites that need them are skipped otherwise. */
    externalServices: boolean;
    /** This run's migrated PostgreSQL template. */
    templateDatabase: string;
  }
}

async function postgresAnswers(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: testDatabaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${testDatabaseUrl}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(): Promise<string | undefined> {
  const redis = new Redis(testRedisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return `Redis at ${testRedisUrl}: ${(error as Error).message}`;
  } finally {
    redis.disconnect();
  }
}

async function adminQuery(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/**
 * A migrated PostgreSQL database that each suite copies (CREATE DATABASE … TEMPLATE), which is
 * fast. Its name is this run's own, so runs sharing one server never touch each other's.
 */
async function createPostgresTemplate(name: string): Promise<void> {
  await adminQuery(`create database ${name}`);
  const database = await openDatabase({ databaseUrl: databaseUrlFor(name), dataDir: '', logger: createLogger('silent') });
  await prepareDatabase(database);
  await database.close();
}

// PGlite's first start (initdb) holds its thread for seconds; in a thread of its own it leaves this one
// free to talk to PostgreSQL, whose connections would otherwise time out meanwhile. The package is found
// from the project's root, whatever the working directory.
const createInThread = `
  const { createRequire } = require('node:module');
  const { parentPort, workerData } = require('node:worker_threads');
  const { PGlite } = createRequire(workerData.packageJson)('@electric-sql/pglite');
  PGlite.create({ dataDir: workerData.dataDir })
    .then((created) => created.close())
    .then(() => parentPort.postMessage('created'));
`;

/** Creates an embedded database in `dataDir` as a first start does, in a worker thread. */
async function createPgliteDataDir(dataDir: string): Promise<void> {
  const worker = new Worker(createInThread, { eval: true, workerData: { dataDir, packageJson: path.join(packageRoot, 'package.json') } });
  try {
    await once(worker, 'message');
  } finally {
    await worker.terminate();
  }
}

/**
 * The embedded layout's data directory as a process leaves it: once just created, once migrated; and
 * the migrated one dumped, for suites that load it into memory. One creation (initdb costs seconds)
 * and one migration serve all three.
 */
async function createEmbeddedTemplates(workDir: string, threadFree: Promise<unknown>): Promise<{ empty: string; migrated: string; dump: string }> {
  const empty = path.join(workDir, 'embedded-empty');
  const migrated = path.join(workDir, 'embedded-migrated');
  await mkdir(empty);
  const created = createPgliteDataDir(path.join(empty, 'pgdata'));
  await Promise.all([created, threadFree]);
  await cp(empty, migrated, { recursive: true });
  const migratedDatabase = await openDatabase({ databaseUrl: undefined, dataDir: migrated, logger: createLogger('silent') });
  await prepareDatabase(migratedDatabase);
  await migratedDatabase.close();

  // Uncompressed: each suite loads it, and unpacking a gzipped dump would cost every one of them.
  const dump = path.join(workDir, 'pglite-template.tar');
  const reopened = await PGlite.create({ dataDir: path.join(migrated, 'pgdata') });
  try {
    const data = await reopened.dumpDataDir('none');
    await writeFile(dump, new Uint8Array(await data.arrayBuffer()));
  } finally {
    await reopened.close();
  }
  return { empty, migrated, dump };
}

/** Which of PostgreSQL and Redis do not answer, each with why. */
async function missingServices(): Promise<string[]> {
  return (await Promise.all([postgresAnswers(), redisAnswers()])).filter((problem): problem is string => problem !== undefined);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-tests-'));
  const templateDatabase = `cvimprover_test_template_${randomBytes(4).toString('hex')}`;

  // The PostgreSQL template is made while the embedded database is created; the rest of the embedded
  // work holds this thread, so it waits until PostgreSQL is done.
  const postgresDone = missingServices().then(async (problems) => {
    if (problems.length === 0) await createPostgresTemplate(templateDatabase);
    return problems;
  });
  const [problems, embedded] = await Promise.all([postgresDone, createEmbeddedTemplates(workDir, postgresDone)]);
  if (problems.length > 0) {
    const message = `Integration services unavailable:\n  ${problems.join('\n  ')}`;
    if (process.env.CI === 'true') throw new Error(`${message}\nCI=true: failing instead of skipping.`);
    process.stderr.write(
      `\n${'!'.repeat(78)}\n${message}\nSKIPPING every PostgreSQL + Redis suite; only the embedded store is tested.\n${'!'.repeat(78)}\n\n`,
    );
  }
  project.provide('externalServices', problems.length === 0);
  project.provide('templateDatabase', templateDatabase);
  project.provide('pgliteTemplatePath', embedded.dump);
  project.provide('embeddedTemplates', { empty: embedded.empty, migrated: embedded.migrated });

  return async () => {
    await rm(workDir, { recursive: true, force: true });
    if (problems.length === 0) await adminQuery(`drop database if exists ${templateDatabase} with (force)`);
  };
}
