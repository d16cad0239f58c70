import { Command } from 'commander';
import dotenv from 'dotenv';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './infra/db/database.js';
import { createLogger } from './logger.js';
import { runProcess } from './process/run-process.js';

dotenv.config({ quiet: true });

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

const program = new Command()
  .name('cvimprover')
  .description('The cvimprover service: API, background worker and maintenance commands.')
  .showHelpAfterError();

program
  .command('serve')
  .description('Run the HTTP API. With the embedded database, or --with-worker, jobs run in this process too.')
  .option('--with-worker', 'also run background jobs in this process')
  .action(async (options: { withWorker?: boolean }) => {
    const config = configOrExit();
    // The embedded database belongs to one process, so that process must also run the jobs.
    const worker = options.withWorker === true || !config.databaseUrl;
    await runProcess(config, createLogger(config.logLevel), { api: true, worker });
  });

program
  .command('worker')
  .description('Run background jobs only (scale-out: needs DATABASE_URL).')
  .action(async () => {
    const config = configOrExit();
    if (!config.databaseUrl) {
      process.stderr.write('cvimprover worker needs DATABASE_URL: the embedded database belongs to the serve process.\n');
      process.exit(2);
    }
    await runProcess(config, createLogger(config.logLevel), { api: false, worker: true });
  });

program
  .command('migrate')
  .description('Apply pending database migrations, then exit.')
  .action(async () => {
    const config = configOrExit();
    const logger = createLogger(config.logLevel);
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await database.migrate();
      logger.info({ db: database.driver }, 'migrations applied');
    } finally {
      await database.close();
    }
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
