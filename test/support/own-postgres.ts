import { execFile } from 'node:child_process';
import { constants, readdirSync, readFileSync, rmSync } from 'node:fs';
import { access, appendFile, chown, mkdtemp, readFile, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { connectionRefused, freePort, killOnExit, signalIfAlive, startedOrClosed } from './server-process.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

/**
 * A PostgreSQL server of a test's own (a throwaway cluster), which the test may shut down, hang and
 * restart without disturbing the shared one other test files use. Close it in afterAll/afterEach;
 * a process 'exit' hook kills it as a last resort. pause() reads /proc, so it needs Linux.
 */
export interface OwnPostgres {
  /** The `postgres` database, as the `postgres` superuser (trust authentication). */
  readonly url: string;
  readonly port: number;
  /** The cluster's directory: `data/`, the server log `server.log` and the unix socket. */
  readonly dir: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /**
   * Creates a login role that must give this password over TCP (the others keep trust) and returns
   * the URL of `database` as that role, with the password.
   */
  addPasswordUser(user: string, password: string, database: string): Promise<string>;
  /**
   * Fast shutdown, which is what a restart does to clients: every session is ended with FATAL 57P01
   * ("terminating connection due to administrator command"); returns once the port refuses
   * connections. A paused server is resumed first, since a hung one cannot shut down.
   */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits until it accepts connections. */
  start(): Promise<void>;
  /** stop() then start(): committed data stays. */
  restart(): Promise<void>;
  /** SIGSTOP to the postmaster and every process it started: new and open connections alike get no answer. */
  pause(): Promise<void>;
  /** SIGCONT to all of them: what was sent while paused is answered. */
  resume(): Promise<void>;
  /** Stops it (paused or not; killed if it will not stop) and removes its directory. Safe to call twice. */
  close(): Promise<void>;
}

interface PostgresTools {
  binDir: string;
  /** Set when this process is root: PostgreSQL refuses to run as root, so it runs as the `postgres` user. */
  owner: { uid: number; gid: number } | undefined;
}

const SERVER_TIMEOUT_SECONDS = 30;

/** Creates a throwaway cluster in a temp dir, listening on a free 127.0.0.1 port, and starts it. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const tools = await postgresTools();
  const dir = await mkdtemp(path.join(tmpdir(), 'cvimprover-postgres-'));
  let port: number;
  try {
    if (tools.owner) await chown(dir, tools.owner.uid, tools.owner.gid);
    await createCluster(tools, dir);
    // Chosen after initdb, just before the server takes it, to leave others the least time to take it first.
    port = await freePort();
    await appendFile(path.join(dir, 'data', 'postgresql.conf'), testServerSettings(port, dir));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return startedOrClosed(new OwnPostgresServer(tools, dir, port));
}

class OwnPostgresServer implements OwnPostgres {
  readonly url: string;
  private postmaster: number | undefined;
  /** The postmaster's children while paused: exactly these are continued again. */
  private pausedChildren: number[] | undefined;
  private readonly forgetLastResort: () => void;

  constructor(
    private readonly tools: PostgresTools,
    readonly dir: string,
    readonly port: number,
  ) {
    this.url = this.urlFor('postgres');
    this.forgetLastResort = killOnExit(() => {
      this.killNow();
      rmSync(dir, { recursive: true, force: true });
    });
  }

  async createDatabase(name: string): Promise<string> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`create database ${client.escapeIdentifier(name)}`);
    } finally {
      await client.end();
    }
    return this.urlFor(name);
  }

  async addPasswordUser(user: string, password: string, database: string): Promise<string> {
    const hba = path.join(this.dir, 'data', 'pg_hba.conf');
    // The first matching line decides: this one goes before the trust lines initdb wrote.
    await writeFile(hba, `host all ${user} 127.0.0.1/32 scram-sha-256\n${await readFile(hba, 'utf8')}`);
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`create role ${client.escapeIdentifier(user)} login password ${client.escapeLiteral(password)}`);
      await client.query(`grant all on database ${client.escapeIdentifier(database)} to ${client.escapeIdentifier(user)}`);
      await client.query('select pg_reload_conf()');
    } finally {
      await client.end();
    }
    const url = new URL(this.urlFor(database));
    url.username = user;
    url.password = password;
    return url.toString();
  }

  async start(): Promise<void> {
    if (this.postmaster !== undefined) throw new Error(`PostgreSQL on port ${this.port} is already running`);
    try {
      await this.pgCtl(['-l', this.logPath, 'start']);
    } finally {
      // Also after a failed start (pg_ctl gave up waiting, say): a postmaster that did come up must be stoppable by close().
      this.postmaster = await this.postmasterPid().catch(() => undefined);
    }
    if (this.postmaster === undefined) throw new Error(`PostgreSQL on port ${this.port} started without a postmaster.pid`);
  }

  async stop(): Promise<void> {
    if (this.postmaster === undefined) return;
    if (this.pausedChildren) await this.resume();
    await this.pgCtl(['-m', 'fast', 'stop']);
    this.postmaster = undefined;
    // pg_ctl has seen the postmaster exit; its listening socket goes with it.
    await waitFor(() => connectionRefused(this.port), SERVER_TIMEOUT_SECONDS * 1000, `port ${this.port} to refuse connections`, 10);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async pause(): Promise<void> {
    const postmaster = this.requirePostmaster();
    if (this.pausedChildren) return;
    process.kill(postmaster, 'SIGSTOP');
    this.pausedChildren = [];
    try {
      // Once the postmaster is stopped it cannot start another backend, so its list of children is final.
      await waitUntilStopped([postmaster]);
      // Each child is its own process group leader (PostgreSQL does that), so they are signalled one by one.
      this.pausedChildren = childrenOf(postmaster);
      for (const child of this.pausedChildren) signalIfAlive(child, 'SIGSTOP');
      await waitUntilStopped(this.pausedChildren);
    } catch (error) {
      // Half paused is neither state: leave it running, as before the call.
      await this.resume();
      throw error;
    }
  }

  async resume(): Promise<void> {
    const postmaster = this.requirePostmaster();
    for (const child of this.pausedChildren ?? []) signalIfAlive(child, 'SIGCONT');
    // The postmaster last: it accepts new connections only once the rest of the server runs again.
    process.kill(postmaster, 'SIGCONT');
    this.pausedChildren = undefined;
  }

  async close(): Promise<void> {
    try {
      await this.stop();
    } catch {
      // It would not shut down in time; it goes anyway, with its directory.
      this.killNow();
    }
    this.forgetLastResort();
    await rm(this.dir, { recursive: true, force: true });
  }

  private urlFor(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  private get logPath(): string {
    return path.join(this.dir, 'server.log');
  }

  private async pgCtl(args: string[]): Promise<void> {
    try {
      await runTool(this.tools, 'pg_ctl', ['-D', path.join(this.dir, 'data'), '-w', '-t', String(SERVER_TIMEOUT_SECONDS), ...args], this.dir);
    } catch (error) {
      const log = await readFile(this.logPath, 'utf8').catch(() => '(no server log)');
      throw new Error(`${(error as Error).message}\nserver log:\n${log.split('\n').slice(-20).join('\n')}`);
    }
  }

  /** The first line of postmaster.pid, which pg_ctl has seen the running server write. */
  private async postmasterPid(): Promise<number> {
    const pidFile = await readFile(path.join(this.dir, 'data', 'postmaster.pid'), 'utf8');
    const pid = Number.parseInt(pidFile.split('\n')[0] ?? '', 10);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster pid in ${this.dir}/data/postmaster.pid`);
    return pid;
  }

  private requirePostmaster(): number {
    if (this.postmaster === undefined) throw new Error(`PostgreSQL on port ${this.port} is stopped`);
    return this.postmaster;
  }

  /** SIGKILL to the postmaster and its children, synchronously (the 'exit' hook can do nothing else). */
  private killNow(): void {
    const postmaster = this.postmaster;
    if (postmaster === undefined) return;
    for (const pid of [postmaster, ...childrenOf(postmaster)]) signalIfAlive(pid, 'SIGKILL');
    this.postmaster = undefined;
    this.pausedChildren = undefined;
  }
}

async function createCluster(tools: PostgresTools, dir: string): Promise<void> {
  // --no-sync and the C locale: a test cluster need not survive a machine crash, and is made in about half a second.
  await runTool(tools, 'initdb', ['-D', path.join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], dir);
}

function testServerSettings(port: number, socketDir: string): string {
  return [
    '',
    '# A throwaway test server: reachable on 127.0.0.1 and in its own directory only.',
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    `unix_socket_directories = '${socketDir.replaceAll("'", "''")}'`,
    '# Speed over durability: committed data survives a server restart, not a machine crash.',
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    '# Dynamic shared memory as files in the data directory, so a killed server leaves nothing in /dev/shm.',
    'dynamic_shared_memory_type = mmap',
    '',
  ].join('\n');
}

/** Runs initdb or pg_ctl, as the `postgres` user when this process is root; the error carries their output. */
async function runTool(tools: PostgresTools, program: 'initdb' | 'pg_ctl', args: string[], cwd: string): Promise<void> {
  const programPath = path.join(tools.binDir, program);
  const [command, commandArgs] = tools.owner ? ['runuser', ['-u', 'postgres', '--', programPath, ...args]] : [programPath, args];
  try {
    await run(command, commandArgs, { cwd });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${program} ${args.join(' ')} failed: ${(error as Error).message}\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/** Whether startOwnPostgres() can work here: the server programs are installed (and a `postgres` user, when root). */
export async function postgresServerInstalled(): Promise<boolean> {
  return postgresTools().then(
    () => true,
    () => false,
  );
}

let toolsLookup: Promise<PostgresTools> | undefined;

/** Where initdb and pg_ctl are, and whom they run as; rejects, saying where it looked, if they are missing. */
function postgresTools(): Promise<PostgresTools> {
  toolsLookup ??= findPostgresTools();
  return toolsLookup;
}

async function findPostgresTools(): Promise<PostgresTools> {
  const binDir = await findServerBinDir();
  if (process.getuid?.() !== 0) return { binDir, owner: undefined };
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { binDir, owner: { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } };
  } catch (error) {
    throw new Error(`running as root, and PostgreSQL refuses to run as root, but found no \`postgres\` user to run it as: ${(error as Error).message}`);
  }
}

/**
 * `pg_config --bindir` first; it may name a directory without the server programs (Debian ships
 * pg_config with the client library), so also Debian's /usr/lib/postgresql/<version>/bin, newest
 * first, and finally wherever `initdb` on PATH really lives.
 */
async function findServerBinDir(): Promise<string> {
  const candidates = [await pgConfigBinDir(), ...(await debianBinDirs()), await realDirOnPath('initdb')];
  for (const candidate of candidates) {
    if (candidate !== undefined && (await hasServerPrograms(candidate))) return candidate;
  }
  throw new Error('PostgreSQL server programs (initdb, pg_ctl) not found: looked at `pg_config --bindir`, /usr/lib/postgresql/*/bin and PATH');
}

async function pgConfigBinDir(): Promise<string | undefined> {
  return run('pg_config', ['--bindir']).then(
    ({ stdout }) => stdout.trim() || undefined,
    () => undefined,
  );
}

async function debianBinDirs(): Promise<string[]> {
  const versions = await readdir('/usr/lib/postgresql').catch(() => []);
  return versions
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join('/usr/lib/postgresql', version, 'bin'));
}

async function realDirOnPath(program: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const found = await realpath(path.join(dir, program)).catch(() => undefined);
    if (found !== undefined) return path.dirname(found);
  }
  return undefined;
}

async function hasServerPrograms(dir: string): Promise<boolean> {
  const executable = (program: string) => access(path.join(dir, program), constants.X_OK).then(() => true, () => false);
  return (await executable('initdb')) && (await executable('pg_ctl')) && (await executable('postgres'));
}

/** The children of a process, from /proc (Linux). */
function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => procStat(pid)?.parent === parent);
}

/** State and parent from /proc/<pid>/stat; undefined when the process has gone. */
function procStat(pid: number): { state: string; parent: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (command) state ppid …": the command may hold spaces and parentheses, so read after the last ')'.
  const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return state === undefined || parent === undefined ? undefined : { state, parent: Number(parent) };
}

/**
 * Waits until each process is stopped (state T) or can no longer run: a SIGSTOP takes effect
 * asynchronously. A child that exited just before the pause stays a zombie (Z) while its parent,
 * the postmaster, is stopped and cannot reap it.
 */
async function waitUntilStopped(pids: number[]): Promise<void> {
  const cannotRun = (pid: number) => ['T', 'Z', 'X', undefined].includes(procStat(pid)?.state);
  // Polled often: it takes a millisecond or so, and pause() should not cost much more.
  await waitFor(async () => pids.every(cannotRun), 5000, `processes ${pids.join(', ')} to stop`, 2);
}
