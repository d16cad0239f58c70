import type { Stats } from 'node:fs';
import { readFile, readlink, realpath, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import lockfile from 'proper-lockfile';
import { DatabaseStartupError } from './database-errors.js';

export interface DataDirLockTimings {
  /** A lock not refreshed for this long is taken over whoever wrote it (a holder on another host, or one we cannot identify). */
  staleMs: number;
  /** How often the holder refreshes its lock. */
  updateMs: number;
  /** How long a start waits for a lock whose holder it cannot identify to go stale. */
  waitMs: number;
  /** A lock whose holder is known to be dead is taken over once it has not been refreshed for this long. */
  abandonedMs: number;
  /** How often a waiting start looks again. */
  pollMs: number;
}

export const defaultDataDirLockTimings: DataDirLockTimings = {
  staleMs: 10_000,
  // Refreshed every second, so only an event loop stalled for nine seconds could lose it.
  updateMs: 1000,
  waitMs: 12_000,
  // Two missed refreshes and more: a holder that is alive never lets its lock age this much.
  abandonedMs: 2500,
  pollMs: 250,
};

/** Written beside the lock by its holder, so that a start can tell a live holder from a crashed one. */
interface LockOwner {
  pid: number;
  host: string;
  /** A pid means something only in the pid namespace it was read in (containers have their own). */
  pidNamespace: string;
  /** The inode of the lock directory this record belongs to: a record left by an earlier lock never describes a later one. */
  lockInode: number;
}

async function pidNamespace(): Promise<string> {
  try {
    return await readlink('/proc/self/ns/pid');
  } catch {
    // No /proc (not Linux): one namespace is all there is.
    return '';
  }
}

function missing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** The status of a file, or undefined when there is no such file. */
async function statIfExists(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (error) {
    if (missing(error)) return undefined;
    throw error;
  }
}

async function unlinkIfExists(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    if (!missing(error)) throw error;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(ownerPath: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(ownerPath, 'utf8')) as Partial<LockOwner>;
    const complete =
      typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.pidNamespace === 'string' && typeof owner.lockInode === 'number';
    return complete ? (owner as LockOwner) : undefined;
  } catch {
    // Missing (not written yet, or removed with its lock) or torn: nothing can be said about the holder.
    return undefined;
  }
}

type HolderState =
  /** Held by a process that is running. */
  | { kind: 'held' }
  /** The lock directory with this inode is held by a process that has died, and was not refreshed since: free to take. */
  | { kind: 'abandoned'; lockInode: number }
  /** Gone, stale, or held by a process we cannot identify: try again shortly. */
  | { kind: 'unknown' };

async function holderState(lockPath: string, ownerPath: string, timings: DataDirLockTimings): Promise<HolderState> {
  const lock = await statIfExists(lockPath);
  if (!lock) return { kind: 'unknown' };
  const age = Date.now() - lock.mtimeMs;
  // A stale lock is taken over by the next attempt, whoever wrote it.
  if (age >= timings.staleMs) return { kind: 'unknown' };
  const owner = await readOwner(ownerPath);
  if (!owner || owner.lockInode !== lock.ino || owner.host !== hostname() || owner.pidNamespace !== (await pidNamespace())) return { kind: 'unknown' };
  if (processAlive(owner.pid)) return { kind: 'held' };
  // Dead, yet refreshed moments ago: the record may be wrong, so wait until the lock has aged too.
  return age >= timings.abandonedMs ? { kind: 'abandoned', lockInode: lock.ino } : { kind: 'unknown' };
}

/** Removes a lock judged abandoned, unless another process has replaced it meanwhile. */
async function removeAbandoned(lockPath: string, ownerPath: string, lockInode: number, timings: DataDirLockTimings): Promise<void> {
  const lock = await statIfExists(lockPath);
  if (!lock || lock.ino !== lockInode || Date.now() - lock.mtimeMs < timings.abandonedMs) return;
  // Its record goes first: a record never outlives the lock it describes.
  await unlinkIfExists(ownerPath);
  try {
    await rmdir(lockPath);
  } catch (error) {
    if (!missing(error)) throw error;
  }
}

function lockedError(dataDir: string, cause?: unknown): DatabaseStartupError {
  return new DatabaseStartupError(
    'data_dir_locked',
    `${path.dirname(dataDir)} is in use by another cvimprover process; the embedded database belongs to one process (use DATABASE_URL to run several).`,
    cause,
  );
}

/**
 * Two processes on one PGlite directory would corrupt it, so the directory is locked (a directory made
 * next to it, refreshed while held). Its holder records its pid beside it: a start refuses at once while
 * that process runs, and takes over at once from one that was killed, instead of waiting for the lock to
 * go stale. Returns the function that releases the lock.
 */
export async function lockDataDir(dataDir: string, logger: Logger, timings: DataDirLockTimings = defaultDataDirLockTimings): Promise<() => Promise<void>> {
  const lockPath = `${await realpath(dataDir)}.lock`;
  const ownerPath = `${lockPath}.owner`;
  let compromised = false;
  const options: lockfile.LockOptions = {
    lockfilePath: lockPath,
    stale: timings.staleMs,
    update: timings.updateMs,
    onCompromised: (error) => {
      compromised = true;
      logger.error({ err: error, dataDir }, 'the lock on the embedded data directory was lost; another process may use it now');
    },
  };
  const deadline = Date.now() + timings.waitMs;
  let release: () => Promise<void>;
  for (;;) {
    try {
      release = await lockfile.lock(dataDir, options);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const state = await holderState(lockPath, ownerPath, timings);
      if (state.kind === 'held' || Date.now() >= deadline) throw lockedError(dataDir, error);
      if (state.kind === 'abandoned') {
        logger.warn({ dataDir }, 'the process that held the embedded data directory has died; taking it over');
        await removeAbandoned(lockPath, ownerPath, state.lockInode, timings);
      } else {
        await sleep(timings.pollMs);
      }
    }
  }

  try {
    const owner: LockOwner = { pid: process.pid, host: hostname(), pidNamespace: await pidNamespace(), lockInode: (await stat(lockPath)).ino };
    // Written whole or not at all: a reader never sees half a record.
    await writeFile(`${ownerPath}.${process.pid}`, JSON.stringify(owner));
    await rename(`${ownerPath}.${process.pid}`, ownerPath);
  } catch (error) {
    await release();
    throw error;
  }
  return async () => {
    // A lost lock was reported when it was lost; it, and the record beside it, may be another's now.
    if (compromised) return;
    try {
      await unlinkIfExists(ownerPath);
    } catch (error) {
      // A record left behind describes a lock that is gone, and is never taken for a later one.
      logger.warn({ err: error, dataDir }, 'could not remove the record of the embedded data directory lock');
    }
    await release();
  };
}
