import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectionRefused, freePort, killOnExit, startedOrClosed } from './server-process.js';
import { waitFor } from './wait-for.js';

/**
 * A Redis server of a test's own, which the test may kill, hang and restart without disturbing the
 * shared one other test files use. Close it in afterAll/afterEach; a process 'exit' hook kills it
 * as a last resort.
 */
export interface OwnRedis {
  readonly url: string;
  readonly port: number;
  /** Its working directory (log: redis.log). */
  readonly dir: string;
  /** Kills the server with SIGKILL (a crash: no goodbye to clients) and waits until its port refuses connections. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (nothing is persisted), and waits until it answers PING. */
  start(): Promise<void>;
  /** SIGSTOP: the server is hung; connections still open (the kernel accepts them) but nothing answers. */
  pause(): Promise<void>;
  /** SIGCONT: answers again, including what was sent while it was paused. */
  resume(): Promise<void>;
  /** Kills it (paused or not) and removes its directory. Safe to call twice. */
  close(): Promise<void>;
}

const run = promisify(execFile);

const START_TIMEOUT_MS = 10_000;
/** Redis starts in milliseconds; a slower poll would be most of the start-up time. */
const POLL_INTERVAL_MS = 10;

/** Whether startOwnRedis() can work here: redis-server is on PATH. */
export async function redisServerInstalled(): Promise<boolean> {
  return run('redis-server', ['--version']).then(
    () => true,
    () => false,
  );
}

/** Starts a throwaway redis-server (from PATH) on a free 127.0.0.1 port, without persistence. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cvimprover-redis-'));
  return startedOrClosed(new OwnRedisServer(await freePort(), dir));
}

class OwnRedisServer implements OwnRedis {
  readonly url: string;
  private running: RedisProcess | undefined;
  private readonly forgetLastResort: () => void;

  constructor(
    readonly port: number,
    readonly dir: string,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
    this.forgetLastResort = killOnExit(() => {
      this.running?.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`Redis on port ${this.port} is already running`);
    const running = spawnRedis(this.port, this.dir);
    this.running = running;
    try {
      await waitFor(
        async () => {
          if (running.child.exitCode !== null || running.child.signalCode !== null || running.spawnError()) {
            throw new Error(`redis-server on port ${this.port} did not start: ${running.spawnError()?.message ?? (await this.logTail())}`);
          }
          return answersPing(this.port);
        },
        START_TIMEOUT_MS,
        `redis-server on port ${this.port} to answer PING`,
        POLL_INTERVAL_MS,
      );
    } catch (error) {
      await this.kill();
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    await this.kill();
    await waitFor(() => connectionRefused(this.port), START_TIMEOUT_MS, `port ${this.port} to refuse connections`, POLL_INTERVAL_MS);
  }

  async pause(): Promise<void> {
    this.requireRunning().kill('SIGSTOP');
  }

  async resume(): Promise<void> {
    this.requireRunning().kill('SIGCONT');
  }

  async close(): Promise<void> {
    await this.stop();
    this.forgetLastResort();
    await rm(this.dir, { recursive: true, force: true });
  }

  /**
   * SIGKILL rather than SIGTERM: a fault test wants the server gone at once, as in a crash, with no
   * shutdown sequence of its own (on SIGTERM Redis closes its clients first), and SIGKILL also ends a
   * paused (SIGSTOPped) server, which could not act on SIGTERM.
   */
  private async kill(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.child.kill('SIGKILL');
    await running.exited;
    this.running = undefined;
  }

  private requireRunning(): ChildProcess {
    if (!this.running) throw new Error(`Redis on port ${this.port} is stopped`);
    return this.running.child;
  }

  private async logTail(): Promise<string> {
    const log = await readFile(path.join(this.dir, 'redis.log'), 'utf8').catch(() => '(no log)');
    return log.split('\n').slice(-20).join('\n');
  }
}

type RedisProcess = ReturnType<typeof spawnRedis>;

function spawnRedis(port: number, dir: string) {
  // Output goes to a log file rather than a pipe: an unread pipe that fills up would block the server.
  const child = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', path.join(dir, 'redis.log')],
    { cwd: dir, stdio: 'ignore' },
  );
  let spawnError: Error | undefined;
  // Without a listener a failed spawn (redis-server not on PATH) would be an uncaught 'error' event.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      spawnError = error;
      resolve();
    });
  });
  return { child, exited, spawnError: () => spawnError };
}

/** True when the server on this port answers PING now (false while it is starting, loading or gone). */
async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const finish = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (reply) => finish(reply.toString('latin1').startsWith('+PONG')));
  });
}
