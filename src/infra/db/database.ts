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
import lockfile from 'proper-lockfile';
import { packageRoot } from '../../paths.js';
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

async function pendingMigrations(db: Db): Promise<number> {
  const known = readMigrationFiles({ migrationsFolder }).length;
  try {
    const [row] = await db.select({ applied: count() }).from(appliedMigrations);
    return Math.max(0, known - (row?.applied ?? 0));
  } catch {
    return known; // no record at all: nothing was ever applied
  }
}

// Any fixed number shared by every process of this service: serialises concurrent migrators.
const MIGRATION_LOCK_ID = 727_001;

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** A dumped PGlite data directory to start from (tests use one migrated template). */
  pgliteTemplate?: Blob;
  /** Keep the embedded database in memory (tests). */
  inMemory?: boolean;
}

/** Opens PostgreSQL when a URL is given, else PGlite under DATA_DIR. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options);
}

function openPostgres(databaseUrl: string): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
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
export class SchemaOutOfDateError extends Error {
  constructor(readonly pending: number) {
    super(`The database lacks ${pending} migration(s) this version needs; run \`cvimprover migrate\` first.`);
    this.name = 'SchemaOutOfDateError';
  }
}

/** Thrown when another process holds the embedded database. */
export class DataDirInUseError extends Error {
  constructor(dataDir: string) {
    super(`${dataDir} is in use by another cvimprover process; the embedded database belongs to one process (use DATABASE_URL to run several).`);
    this.name = 'DataDirInUseError';
  }
}

/**
 * Two processes on one PGlite directory would corrupt it, so the directory is locked. A lock left
 * by a killed process goes stale after 10 s; a start right after such a crash waits that long.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dataDir, {
      stale: 10_000,
      retries: { retries: 12, factor: 1, minTimeout: 1000, maxTimeout: 1000 },
      // A long pause of the event loop must not crash the process; a rival would still be refused while it lives.
      onCompromised: () => undefined,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirInUseError(dataDir);
    throw error;
  }
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  let dataDir: string | undefined;
  let unlock: (() => Promise<void>) | undefined;
  if (!options.inMemory) {
    dataDir = path.join(options.dataDir, 'pgdata');
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir);
  }
  const client = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(options.pgliteTemplate ? { loadDataDir: options.pgliteTemplate } : {}),
  }).catch(async (error: unknown) => {
    await unlock?.();
    throw error;
  });
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
