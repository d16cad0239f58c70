import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { openDatabase, schemaOutOfDate, type Database } from '../infra/db/database.js';
import { createServices, type Services } from '../services.js';
import { prepareDatabase } from './prepare-database.js';

/** What to do about the schema when a process starts. */
export type SchemaPolicy =
  /** Apply pending migrations and seed missing plans (the embedded default: one process owns the data). */
  | 'migrate'
  /** Refuse to start on a schema older than the code (scale-out: `cvimprover migrate` runs first). */
  | 'require-current'
  /** Take the database as it is (tests start from a migrated copy). */
  | 'as-is';

export interface StartOptions {
  logger: Logger;
  role: string;
  schema: SchemaPolicy;
  /** Tests: start the embedded database in memory from a dumped, migrated data directory. */
  pgliteTemplate?: Blob;
}

/** Opens the database, applies the schema policy, then builds the services on it. */
export async function startServices(config: Config, options: StartOptions): Promise<Services> {
  const database: Database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    logger: options.logger,
    ...(options.pgliteTemplate ? { pgliteTemplate: options.pgliteTemplate, inMemory: true } : {}),
  });
  try {
    if (options.schema === 'migrate') {
      const { createdPlans } = await prepareDatabase(database);
      if (createdPlans.length > 0) options.logger.info({ createdPlans }, 'plans created');
    } else if (options.schema === 'require-current') {
      const pending = await database.pendingMigrations();
      if (pending > 0) throw schemaOutOfDate(pending);
    }
    return await createServices(config, { logger: options.logger, role: options.role, database });
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** The schema policy of a serving process: the embedded database migrates itself, a shared one must be migrated first. */
export function schemaPolicyFor(config: Config): SchemaPolicy {
  return config.databaseUrl ? 'require-current' : 'migrate';
}
