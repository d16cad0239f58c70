import { Command } from 'commander';
import dotenv from 'dotenv';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DatabaseStartupError } from './infra/db/database-errors.js';
import type { Database } from './infra/db/database.js';
import { createLogger } from './logger.js';

// Each command loads what it uses when it runs: the whole service (HTTP, queue, extraction) takes
// half a second to load, which maintenance commands, help and refusals would otherwise pay for nothing.

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
    const { runProcess } = await import('./process/run-process.js');
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
    const { runProcess } = await import('./process/run-process.js');
    await runProcess(config, createLogger(config.logLevel), { api: false, worker: true });
  });

/** Runs `work` against the configured database, then closes it. */
async function withDatabase(work: (database: Database, logger: Logger) => Promise<void>): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const { openDatabase } = await import('./infra/db/database.js');
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  try {
    await work(database, logger);
  } finally {
    await database.close();
  }
}

program
  .command('migrate')
  .description('Apply pending database migrations and seed missing plans, then exit.')
  .action(() =>
    withDatabase(async (database, logger) => {
      const { prepareDatabase } = await import('./process/prepare-database.js');
      const { createdPlans } = await prepareDatabase(database);
      logger.info({ db: database.driver, createdPlans }, 'migrations applied');
    }),
  );

program
  .command('seed-plans')
  .description('Create the Free, Basic, Pro and Premium plans where missing (never changes existing plans).')
  .action(() =>
    withDatabase(async (database) => {
      await database.migrate();
      const { seedPlans } = await import('./features/plans/seed.js');
      const created = await seedPlans(database.db);
      process.stdout.write(created.length > 0 ? `created plans: ${created.join(', ')}\n` : 'all plans exist; nothing to do\n');
    }),
  );

program
  .command('create-superuser')
  .description('Create a staff superuser, or promote the account with that username.')
  .requiredOption('--username <name>', 'username')
  .requiredOption('--email <address>', 'e-mail address')
  .option('--password <password>', 'password (prefer --password-stdin: arguments are visible to other users)')
  .option('--password-stdin', 'read the password from standard input')
  .action(async (options: { username: string; email: string; password?: string; passwordStdin?: boolean }) => {
    const config = configOrExit();
    const password = options.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : options.password;
    if (!password) {
      process.stderr.write('create-superuser needs --password or --password-stdin\n');
      process.exitCode = 2;
      return;
    }
    const [{ startServices }, { createFeatures }, { SuperuserInputError }] = await Promise.all([
      import('./process/start-services.js'),
      import('./features.js'),
      import('./features/admin/superuser.js'),
    ]);
    // The whole service set, as a request would have it: a promotion ends the account's sign-ins in
    // every running process.
    const services = await startServices(config, { logger: createLogger(config.logLevel), role: 'admin', schema: 'migrate' });
    try {
      const result = await createFeatures(services).createSuperuser({ username: options.username, email: options.email, password });
      process.stdout.write(`${result.action} superuser ${options.username} (id ${result.userId})\n`);
    } catch (error) {
      // Only messages meant for people are printed; a database error could carry the password hash.
      if (!(error instanceof SuperuserInputError)) throw new Error('create-superuser failed; see the database log');
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
    } finally {
      await services.close();
    }
  });

program
  .command('rate-limits')
  .description("Show a person's limits as they are enforced, or reset their daily usage and request counters.")
  .argument('<action>', 'show or reset')
  .requiredOption('--user <username|email>', 'the account')
  .option('--scope <scope>', 'all, ai_responses, questionnaires, uploads, cv_uploads, api_calls or burst', 'all')
  .option('--json', 'show: print the status body as JSON')
  .action(async (action: string, options: { user: string; scope: string; json?: boolean }) => {
    if (action !== 'show' && action !== 'reset') {
      process.stderr.write(`rate-limits: unknown action "${action}": use show or reset\n`);
      process.exitCode = 2;
      return;
    }
    const config = configOrExit();
    const { runRateLimitsCommand, RateLimitsCommandError } = await import('./process/rate-limits-command.js');
    try {
      process.stdout.write(await runRateLimitsCommand(config, action, options));
    } catch (error) {
      if (!(error instanceof RateLimitsCommandError)) throw error;
      process.stderr.write(`rate-limits: ${error.message}\n`);
      process.exitCode = 2;
    }
  });

program
  .command('plans')
  .description("List the plans' limits, or change a plan's limits.")
  .argument('<action>', 'list or set')
  .argument('[name]', 'set: the plan (Free, Basic, Pro, Premium or one of your own)')
  .option('--ai-responses <n>', 'improvements per 24 h', (value) => wholeNumber(value, '--ai-responses'))
  .option('--questionnaires <n>', 'questionnaires created per 24 h', (value) => wholeNumber(value, '--questionnaires'))
  .option('--uploads <n>', 'PDF documents per 24 h', (value) => wholeNumber(value, '--uploads'))
  .option('--cv-uploads <n>', 'CV files uploaded per 24 h', (value) => wholeNumber(value, '--cv-uploads'))
  .option('--api-calls <n>', 'requests to /cv/ per hour', (value) => wholeNumber(value, '--api-calls'))
  .option('--burst <n>', 'writes outside /cv/ per minute', (value) => wholeNumber(value, '--burst'))
  .action(async (action: string, name: string | undefined, options: Record<string, number | undefined>) => {
    if (action !== 'list' && action !== 'set') {
      process.stderr.write(`plans: unknown action "${action}": use list or set\n`);
      process.exitCode = 2;
      return;
    }
    const config = configOrExit();
    const { runPlansCommand, PlansCommandError } = await import('./process/plans-command.js');
    try {
      process.stdout.write(await runPlansCommand(config, action, name, options));
    } catch (error) {
      if (!(error instanceof PlansCommandError)) throw error;
      process.stderr.write(`plans: ${error.message}\n`);
      process.exitCode = 2;
    }
  });

function wholeNumber(value: string, flag: string): number {
  if (!/^\d{1,9}$/.test(value)) {
    process.stderr.write(`${flag} must be a whole number, got "${value}"\n`);
    process.exit(2);
  }
  return Number(value);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

program
  .command('improve')
  .description('Improve a CV for a job and write it as a PDF, in one go: reading, improvement (the configured model, or the offline rules) and rendering, with the analysis before and after.')
  .argument('<cv>', 'the CV: a PDF, DOCX or TXT file')
  .requiredOption('--job <file or text>', 'the job advert: a file, or its text')
  .requiredOption('-o, --output <file>', 'where to write the PDF')
  .option('--template <name>', 'classic, modern or compact', 'classic')
  .option('--max-pages <n>', 'a page budget (tighter layout first, then the oldest bullets go)', (value) => positiveInteger(value, '--max-pages'))
  .option('--position <title>', 'the job title (default: the advert\'s first line)')
  .option('--industry <name>', 'the industry')
  .option('--experience <band>', '0-2, 3-5 or 6+ years (default: from the CV\'s dates)')
  .option('--prompt <text>', 'what to ask of the improvement')
  .action(async (cvPath: string, options: { job: string; output: string; template: string; maxPages?: number; position?: string; industry?: string; experience?: string; prompt?: string }) => {
    const config = configOrExit();
    const { runImproveCommand, CommandError } = await import('./process/improve-command.js');
    if (options.experience !== undefined && !['0-2', '3-5', '6+'].includes(options.experience)) {
      process.stderr.write('--experience must be 0-2, 3-5 or 6+.\n');
      process.exit(2);
    }
    try {
      await runImproveCommand(
        { ...options, cvPath, experience: options.experience as '0-2' | '3-5' | '6+' | undefined },
        config,
        createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel),
        { progress: process.stderr, report: process.stdout },
      );
    } catch (error) {
      if (error instanceof CommandError) {
        process.stderr.write(`\n${error.message}\n`);
        process.exit(2);
      }
      throw error;
    }
  });

function positiveInteger(value: string, name: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 10) {
    process.stderr.write(`${name} must be a whole number from 1 to 10.\n`);
    process.exit(2);
  }
  return parsed;
}

program
  .command('config-table')
  .description('Print the configuration table of the README (Markdown).')
  .action(async () => {
    const { configurationTable } = await import('./config-table.js');
    process.stdout.write(`${configurationTable()}\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  // A database the process cannot start on: a message that names the cause, and an exit code of its own.
  if (error instanceof DatabaseStartupError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
