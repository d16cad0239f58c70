// The built service as child processes of a benchmark, as it is deployed: `serve`, `worker` and `migrate`
// started from bin/, each logging to a file of its own, stopped with SIGTERM, and cleaned up (with
// whatever else a run made) even when the run fails or is interrupted.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { packageRoot } from '../src/paths.js';
import { BENCH_LIMITS_ENV, LIFT_FREE_PLAN_ARGS } from './lifted-limits.js';

// The first embedded start creates its PGlite database, which takes seconds on this machine.
const START_TIMEOUT_MS = 60_000;
// The health check needs a probe job to go through a worker first.
const HEALTHY_TIMEOUT_MS = 30_000;
// Longer than the service's own 10 s grace for jobs in flight, after which it is killed.
const STOP_TIMEOUT_MS = 20_000;
const CLI = path.join(packageRoot, 'bin', 'cvimprover.js');
const LISTENING = /Server listening at (http:\/\/[^\s"]+)/;
export const READY = /"msg":"ready"/;

export type Env = Readonly<Record<string, string>>;

/**
 * What a run made and must remove: removed newest first, each step once even when called again (the
 * run's end and an interrupt may both ask), and a failing step does not keep the others from running.
 */
export class Cleanup {
  private readonly steps: { what: string; step: () => Promise<void> }[] = [];
  private running: Promise<void> | undefined;

  add(what: string, step: () => Promise<void>): void {
    this.steps.push({ what, step });
  }

  run(): Promise<void> {
    this.running ??= this.runSteps();
    return this.running;
  }

  private async runSteps(): Promise<void> {
    for (const { what, step } of [...this.steps].reverse()) {
      try {
        await step();
      } catch (error) {
        console.error(`clean-up: could not remove ${what}: ${(error as Error).message}`);
      }
    }
  }
}

/** A child process whose output goes to a log file, as a deployed service's would: the logging cost is real. */
export class LoggedChild {
  private readonly exit: Promise<unknown>;

  private constructor(
    readonly name: string,
    private readonly logPath: string,
    private readonly child: ChildProcess,
  ) {
    // 'error' too: a child that cannot start emits it instead of 'exit'.
    this.exit = Promise.race([once(child, 'exit'), once(child, 'error')]).catch(() => undefined);
  }

  /** Starts `node <args>` with only PATH and `env`, so nothing from the caller's environment changes what is measured. */
  static async start(name: string, args: readonly string[], env: Env, logDir: string, cwd: string): Promise<LoggedChild> {
    const logPath = path.join(logDir, `${name}.log`);
    const log = await open(logPath, 'a');
    try {
      // Detached: a Ctrl-C reaches only the benchmark, which then stops its children in order.
      const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', log.fd, log.fd], detached: true });
      return new LoggedChild(name, logPath, child);
    } finally {
      // The child holds its own copy of the descriptor.
      await log.close();
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Waits for a log line matching `pattern`; fails with the log's end if the child exits or takes too long. */
  async waitForLog(pattern: RegExp, timeoutMs = START_TIMEOUT_MS): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(await this.log());
      if (match) return match;
      if (this.exited) throw new Error(`${this.name} exited (${this.exitDescription()}) before logging ${pattern}:\n${await this.logTail()}`);
      if (Date.now() > deadline) throw new Error(`${this.name} logged no ${pattern} within ${timeoutMs} ms:\n${await this.logTail()}`);
      await sleep(50);
    }
  }

  /** Waits for a one-shot command to finish; fails with the log's end unless it exits with 0. */
  async waitForSuccess(timeoutMs = START_TIMEOUT_MS): Promise<void> {
    if (!(await this.exitsWithin(timeoutMs))) throw new Error(`${this.name} still running after ${timeoutMs} ms:\n${await this.logTail()}`);
    if (this.child.exitCode !== 0) throw new Error(`${this.name} failed (${this.exitDescription()}):\n${await this.logTail()}`);
  }

  /** SIGTERM, so it shuts down as it would in production; SIGKILL if it has not after STOP_TIMEOUT_MS. */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.child.kill('SIGTERM');
    if (await this.exitsWithin(STOP_TIMEOUT_MS)) return;
    console.error(`${this.name} did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM; killing it`);
    this.child.kill('SIGKILL');
    await this.exit;
  }

  private async exitsWithin(timeoutMs: number): Promise<boolean> {
    if (this.exited) return true;
    const timer = sleep(timeoutMs, false, { ref: false });
    return Promise.race([this.exit.then(() => true), timer]);
  }

  private exitDescription(): string {
    return this.child.signalCode ? `signal ${this.child.signalCode}` : `code ${String(this.child.exitCode)}`;
  }

  private async log(): Promise<string> {
    return readFile(this.logPath, 'utf8').catch(() => '');
  }

  private async logTail(lines = 30): Promise<string> {
    return (await this.log()).trimEnd().split('\n').slice(-lines).join('\n');
  }
}

/** Where a run keeps its logs and data, and how it starts children that are stopped even when it fails. */
export class Run {
  constructor(
    readonly dir: string,
    private readonly cleanup: Cleanup,
  ) {}

  async startChild(name: string, args: readonly string[], env: Env, cwd = packageRoot): Promise<LoggedChild> {
    const child = await LoggedChild.start(name, args, env, this.dir, cwd);
    this.cleanup.add(`the ${name} process`, () => child.stop());
    return child;
  }

  /** Raises the Free plan's limits in the service's database (migrating it first) before it serves. */
  async liftFreePlan(env: Env): Promise<void> {
    await (await this.startService('lift-free-plan', LIFT_FREE_PLAN_ARGS, env)).waitForSuccess();
  }

  /** The service's commands run from the run's own directory, so no `.env` of the checkout is read. */
  startService(name: string, args: readonly string[], env: Env): Promise<LoggedChild> {
    return this.startChild(name, [CLI, ...args], { ...BENCH_LIMITS_ENV, ...env }, this.dir);
  }
}

export async function buildService(): Promise<void> {
  // bin/cvimprover.js runs dist/: build it, so the current sources are what is measured.
  const build = spawn('npm', ['run', '--silent', 'build'], { cwd: packageRoot, stdio: 'inherit' });
  const [code] = (await once(build, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`npm run build failed with code ${String(code)}`);
}

export async function listeningAddress(child: LoggedChild): Promise<string> {
  const [, address] = await child.waitForLog(LISTENING);
  if (!address) throw new Error(`${child.name} logged no address`);
  return address;
}

/** Waits for the health check to answer 200: in scale-out that needs the worker to have taken a probe job. */
export async function waitUntilHealthy(baseUrl: string): Promise<void> {
  const deadline = Date.now() + HEALTHY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${baseUrl}/core/health/`);
    last = `${response.status} ${await response.text()}`;
    if (response.ok) return;
    await sleep(200);
  }
  throw new Error(`GET /core/health/ not healthy within ${HEALTHY_TIMEOUT_MS} ms; last answer ${last}`);
}

/** Interrupted runs clean up too: children stopped, database dropped, keys and files removed. */
export function cleanUpOnSignals(cleanup: Cleanup): void {
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals, exitCode: number) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the servers and removing what this run made`);
    void cleanup.run().finally(() => process.exit(exitCode));
  };
  process.once('SIGHUP', () => onSignal('SIGHUP', 129));
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));
}
