import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { packageRoot } from '../../paths.js';
import { createLogger } from '../../logger.js';
import { defaultDataDirLockTimings, lockDataDir, type DataDirLockTimings } from './data-dir-lock.js';
import { DatabaseStartupError } from './database-errors.js';

const logger = createLogger('silent');

/** Patient about holders it cannot identify, so a start that is refused or let in quickly was told by the record. */
const patient: DataDirLockTimings = { ...defaultDataDirLockTimings, staleMs: 120_000, waitMs: 120_000, abandonedMs: 300, pollMs: 50 };

/** Another process holding the lock on `dataDir` until it is killed. */
async function holderProcess(dataDir: string, timings: DataDirLockTimings): Promise<ChildProcess> {
  const script = `
    import { lockDataDir } from './src/infra/db/data-dir-lock.ts';
    import { createLogger } from './src/logger.ts';
    await lockDataDir(process.argv[1], createLogger('silent'), JSON.parse(process.argv[2]));
    process.stdout.write('locked\\n');
    setInterval(() => undefined, 60_000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dataDir, JSON.stringify(timings)], {
    cwd: packageRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout ?? child, 'data')) as [Buffer];
  expect(chunk.toString('utf8')).toBe('locked\n');
  return child;
}

async function refusal(work: Promise<unknown>): Promise<DatabaseStartupError> {
  const error: unknown = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DatabaseStartupError);
  return error as DatabaseStartupError;
}

/** A data directory of the test's own, removed with the processes the test started when it ends. */
async function scratch({ onTestFinished }: TestContext): Promise<{ root: string; dataDir: string; children: ChildProcess[] }> {
  const root = await mkdtemp(path.join(tmpdir(), 'cvimprover-lock-'));
  const dataDir = path.join(root, 'pgdata');
  await mkdir(dataDir);
  const children: ChildProcess[] = [];
  onTestFinished(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  });
  return { root, dataDir, children };
}

// Each test has a directory of its own, and mostly waits on processes and locks: they run side by side.
describe.concurrent('the lock on an embedded data directory', () => {
  it('refuses a second holder in this process or another while the first runs, without waiting for the lock to go stale', async (context) => {
    const { root, dataDir, children } = await scratch(context);
    const release = await lockDataDir(dataDir, logger, patient);
    try {
      const error = await refusal(lockDataDir(dataDir, logger, patient));
      expect(error.reason).toBe('data_dir_locked');
      expect(error.message).toContain(`${root} is in use by another cvimprover process`);
    } finally {
      await release();
    }

    const other = await holderProcess(dataDir, patient);
    children.push(other);
    expect((await refusal(lockDataDir(dataDir, logger, patient))).reason).toBe('data_dir_locked');
  });

  it('takes over from a holder that was killed, without waiting for the lock to go stale', async (context) => {
    const { root, dataDir, children } = await scratch(context);
    const killed = await holderProcess(dataDir, patient);
    children.push(killed);
    killed.kill('SIGKILL');
    await once(killed, 'exit');

    const release = await lockDataDir(dataDir, logger, patient);
    // Now this process holds it: the next one is refused.
    expect((await refusal(lockDataDir(dataDir, logger, patient))).reason).toBe('data_dir_locked');
    await release();
    expect(await readdir(root)).toEqual(['pgdata']);
  });

  it('waits for a holder it cannot identify until the lock goes stale, and refuses if it does not', async (context) => {
    const { dataDir, children } = await scratch(context);
    const other = await holderProcess(dataDir, patient);
    children.push(other);
    // Without its record the holder could be anyone (another host, an older version): only staleness tells.
    await unlink(`${dataDir}.lock.owner`);
    const error = await refusal(lockDataDir(dataDir, logger, { ...patient, waitMs: 500 }));
    expect(error.reason).toBe('data_dir_locked');

    other.kill('SIGKILL');
    await once(other, 'exit');
    const release = await lockDataDir(dataDir, logger, { ...patient, staleMs: 1000, waitMs: 10_000 });
    await release();
  });

  it('releases the lock and its record, so the directory can be locked again', async (context) => {
    const { root, dataDir } = await scratch(context);
    const first = await lockDataDir(dataDir, logger, patient);
    expect((await readdir(root)).sort()).toEqual(['pgdata', 'pgdata.lock', 'pgdata.lock.owner']);
    await first();
    expect(await readdir(root)).toEqual(['pgdata']);
    const second = await lockDataDir(dataDir, logger, patient);
    await second();
  });
});
