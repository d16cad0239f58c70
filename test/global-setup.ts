import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { seedPlans } from '../src/features/plans/seed.js';
import * as schema from '../src/infra/db/schema.js';
import { migrationsFolder, openDatabase } from '../src/infra/db/database.js';
import { createLogger } from '../src/logger.js';
import { prepareDatabase } from '../src/process/prepare-database.js';
import { databaseUrlFor, testDatabaseUrl, testRedisUrl } from './support/test-env.js';

declare module 'vitest' {
  export interface ProvidedContext {
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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-tests-'));

  // One migrated embedded database, dumped once; every suite loads the dump instead of creating its own.
  const templatePath = path.join(workDir, 'pglite-template.tar.gz');
  const pglite = await PGlite.create();
  const embedded = drizzle(pglite, { schema });
  await migrate(embedded, { migrationsFolder });
  await seedPlans(embedded);
  const dump = await pglite.dumpDataDir('gzip');
  await writeFile(templatePath, new Uint8Array(await dump.arrayBuffer()));
  await pglite.close();

  const problems = (await Promise.all([postgresAnswers(), redisAnswers()])).filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) {
    const message = `Integration services unavailable:\n  ${problems.join('\n  ')}`;
    if (process.env.CI === 'true') throw new Error(`${message}\nCI=true: failing instead of skipping.`);
    process.stderr.write(
      `\n${'!'.repeat(78)}\n${message}\nSKIPPING every PostgreSQL + Redis suite; only the embedded store is tested.\n${'!'.repeat(78)}\n\n`,
    );
  }
  const templateDatabase = `cvimprover_test_template_${randomBytes(4).toString('hex')}`;
  if (problems.length === 0) await createPostgresTemplate(templateDatabase);
  project.provide('externalServices', problems.length === 0);
  project.provide('templateDatabase', templateDatabase);

  project.provide('pgliteTemplatePath', templatePath);

  // The embedded layout's data directory as a process leaves it: once just created, once migrated.
  const empty = path.join(workDir, 'embedded-empty');
  const migrated = path.join(workDir, 'embedded-migrated');
  await mkdir(empty);
  const created = await PGlite.create({ dataDir: path.join(empty, 'pgdata') });
  await created.close();
  await cp(empty, migrated, { recursive: true });
  const migratedDatabase = await openDatabase({ databaseUrl: undefined, dataDir: migrated, logger: createLogger('silent') });
  await prepareDatabase(migratedDatabase);
  await migratedDatabase.close();
  project.provide('embeddedTemplates', { empty, migrated });

  return async () => {
    await rm(workDir, { recursive: true, force: true });
    if (problems.length === 0) await adminQuery(`drop database if exists ${templateDatabase} with (force)`);
  };
}
