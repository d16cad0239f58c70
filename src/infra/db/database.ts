import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { count, sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { pgSchema, serial, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import type { Logger } from 'pino';
import { withTimeout } from '../../lib/with-timeout.js';
import { packageRoot } from '../../paths.js';
import { lockDataDir } from './data-dir-lock.js';
import { DatabaseStartupError, DatabaseUnavailableError, databaseErrorCode, startupErrorFor } from './database-errors.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** The query builder every repository uses; the driver behind it is never visible. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction or the database itself: repositories accept either. */
export type DbOrTx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export interface Database {
  readonly db: Db;
  readonly driver: 'pglite' | 'postgres';
  /** Applies pending migrations; safe to run from several processes at once. */
  migrate(): Promise<void>;
  /** How many migrations in migrations/ this database has not applied yet. */
  pendingMigrations(): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const migrationsFolder = path.join(packageRoot, 'migrations');

// Drizzle's own record of applied migrations (its default schema and table); read, never written here.
const appliedMigrations = pgSchema('drizzle').table('__drizzle_migrations', { id: serial('id').primaryKey() });

// A database that never ran a migration lacks drizzle's schema (3F000) or its table (42P01).
const NEVER_MIGRATED = new Set(['3F000', '42P01']);

async function pendingMigrations(db: Db): Promise<number> {
  const known = readMigrationFiles({ migrationsFolder }).length;
  try {
    const [row] = await db.select({ applied: count() }).from(appliedMigrations);
    return Math.max(0, known - (row?.applied ?? 0));
  } catch (error) {
    if (NEVER_MIGRATED.has(databaseErrorCode(error) ?? '')) return known;
    throw error;
  }
}

// Any fixed number shared by every process of this service: serialises concurrent migrators.
const MIGRATION_LOCK_ID = 727_001;

/** Bounds on PostgreSQL waits: a request never queues for a connection or waits on a hung server for long. */
const POOL_SIZE = 10;
// Long enough for a new connection to a busy server (it forks a backend for each), short enough
// that a request does not hang on an exhausted pool.
const CONNECT_TIMEOUT_MS = 5000;
const QUERY_TIMEOUT_MS = 10_000;
const FIRST_CONNECT_TIMEOUT_MS = 5000;

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  logger: Logger;
  /** A dumped PGlite data directory to start from (tests use one migrated template). */
  pgliteTemplate?: Blob;
  /** Keep the embedded database in memory (tests). */
  inMemory?: boolean;
}

/** Opens PostgreSQL when a URL is given, else PGlite under DATA_DIR. Throws DatabaseStartupError naming why it cannot. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.logger) : openPglite(options);
}

/**
 * A pool whose failures to hand out a connection say so by their type: whether the server is down,
 * unreachable or out of connections, the request that wanted it gets a 503, not a 500.
 */
class ServicePool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(
    callback?: (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    if (!callback) {
      return super.connect().catch((error: unknown) => {
        throw new DatabaseUnavailableError(error);
      });
    }
    super.connect((error, client, done) => callback(error ? new DatabaseUnavailableError(error) : undefined, client, done));
  }
}

/** Connects once, so that a process that cannot use its database says why at start, not at its first request. */
async function checkConnection(databaseUrl: string, logger: Logger): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // A socket error during the check also rejects the pending call below, which reports it.
  client.on('error', (error) => logger.debug({ err: error }, 'the start-up connection check lost its connection'));
  try {
    await withTimeout(client.connect(), FIRST_CONNECT_TIMEOUT_MS, 'connecting to PostgreSQL');
    await client.query('select 1');
  } catch (error) {
    throw startupErrorFor(error, databaseUrl) ?? error;
  } finally {
    await client.end().catch((error: unknown) => logger.debug({ err: error }, 'closing the start-up connection check failed'));
  }
}

async function openPostgres(databaseUrl: string, logger: Logger): Promise<Database> {
  await checkConnection(databaseUrl, logger);
  const pool = new ServicePool({
    connectionString: databaseUrl,
    max: POOL_SIZE,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
  });
  // An idle connection that breaks (a server restart) is dropped by the pool and replaced on demand.
  pool.on('error', (error) => logger.warn({ err: error }, 'an idle PostgreSQL connection failed; the pool replaces it'));
  // A connection that breaks while checked out (between the queries of a transaction) reports it on
  // the client, where nothing else listens: the query or commit in progress fails with its own error,
  // answered as a 503, and the broken client is discarded when it is released.
  pool.on('connect', (client) => {
    client.on('error', (error) => logger.warn({ err: error }, 'a PostgreSQL connection in use failed'));
  });
  const db = drizzleNodePg(pool, { schema });
  return {
    db,
    driver: 'postgres',
    async migrate() {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
        await migrateNodePg(drizzleNodePg(client, { schema }), { migrationsFolder });
      } finally {
        await client.end();
      }
    },
    pendingMigrations: () => pendingMigrations(db),
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      await pool.end();
    },
  };
}

/** The database lacks migrations this code needs: `cvimprover migrate` must run first. */
export function schemaOutOfDate(pending: number): DatabaseStartupError {
  return new DatabaseStartupError('schema_out_of_date', `The database lacks ${pending} migration(s) this version needs; run \`cvimprover migrate\` first.`);
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  let dataDir: string | undefined;
  let unlock: (() => Promise<void>) | undefined;
  if (!options.inMemory) {
    dataDir = path.join(options.dataDir, 'pgdata');
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir, options.logger);
  }
  let client: PGlite;
  try {
    client = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(options.pgliteTemplate ? { loadDataDir: options.pgliteTemplate } : {}),
    });
  } catch (error) {
    await unlock?.();
    throw error;
  }
  const db = drizzlePglite(client, { schema });
  return {
    db,
    driver: 'pglite',
    async migrate() {
      await migratePglite(db, { migrationsFolder });
    },
    pendingMigrations: () => pendingMigrations(db),
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      await client.close();
      await unlock?.();
    },
  };
}
