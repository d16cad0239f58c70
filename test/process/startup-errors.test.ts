import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startupExitCodes } from '../../src/infra/db/database-errors.js';
import { runCli } from '../support/cli-process.js';
import { TEST_SECRET_KEY } from '../support/harness.js';
import { postgresServerInstalled, startOwnPostgres, type OwnPostgres } from '../support/own-postgres.js';

// Without the server programs a developer's run skips these loudly (the summary names them); CI fails instead.
const available = process.env.CI === 'true' || (await postgresServerInstalled());

/**
 * A process that cannot use its database says why, before it serves anything: each cause has its
 * own message, naming what to check, and its own exit code.
 */
// Each test starts a process of its own against its own database, URL or role: they run side by side.
describe.runIf(available).concurrent('start-up on a database it cannot use', () => {
  let postgres: OwnPostgres;
  let dataDir: string;
  let emptyUrl: string;

  beforeAll(async () => {
    postgres = await startOwnPostgres();
    dataDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-startup-'));
    await postgres.createDatabase('app');
    emptyUrl = await postgres.createDatabase('empty');
  });
  afterAll(async () => {
    await postgres.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const serve = (databaseUrl: string) => runCli(['serve'], { DATABASE_URL: databaseUrl, SECRET_KEY: TEST_SECRET_KEY, DATA_DIR: dataDir, PORT: '0' });
  const url = (overrides: { user?: string; password?: string; port?: number; database?: string }) => {
    const result = new URL(postgres.url);
    if (overrides.user) result.username = overrides.user;
    if (overrides.password) result.password = overrides.password;
    if (overrides.port) result.port = String(overrides.port);
    if (overrides.database) result.pathname = `/${overrides.database}`;
    return result.toString();
  };

  it('names an unreachable server', async () => {
    const result = await serve(url({ port: 1, database: 'app' }));
    expect(result.code, result.output).toBe(startupExitCodes.unreachable);
    expect(result.output).toContain('PostgreSQL at 127.0.0.1:1/app cannot be reached (ECONNREFUSED)');
  });

  it('names a refused password, without printing it', async () => {
    const withPassword = await postgres.addPasswordUser('app', 'the-right-password', 'app');
    const wrong = new URL(withPassword);
    wrong.password = 'a-wrong-password';
    const result = await serve(wrong.toString());
    expect(result.code, result.output).toBe(startupExitCodes.authentication_failed);
    expect(result.output).toContain('refused to authenticate app; check the user and password in DATABASE_URL');
    expect(result.output).not.toContain('a-wrong-password');
  });

  it('names a database that does not exist', async () => {
    const result = await serve(url({ database: 'nowhere' }));
    expect(result.code, result.output).toBe(startupExitCodes.database_missing);
    expect(result.output).toContain('The database nowhere does not exist');
  });

  it('names a schema that lacks migrations, and says what to run', async () => {
    const result = await serve(emptyUrl);
    expect(result.code, result.output).toBe(startupExitCodes.schema_out_of_date);
    expect(result.output).toMatch(/The database lacks \d+ migration\(s\) this version needs; run `cvimprover migrate` first/);
  });

  it('gives every cause a message and an exit code of its own', () => {
    const codes = Object.values(startupExitCodes);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).not.toContain(0);
    expect(codes).not.toContain(1); // an unexpected failure
    expect(codes).not.toContain(2); // an invalid configuration
  });
});
