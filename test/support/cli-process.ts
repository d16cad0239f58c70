import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { packageRoot } from '../../src/paths.js';

const cli = path.join(packageRoot, 'bin', 'cvimprover.js');

/** A running `cvimprover` process of the built package, with its log lines collected. */
export class CliProcess {
  readonly lines: string[] = [];
  /** What it wrote on each stream, kept apart: a command's answer is its standard output. */
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[], env: Record<string, string>, options: { stdin?: string } = {}) {
    this.child = spawn(process.execPath, [cli, ...args], {
      cwd: packageRoot,
      // Only what the test gives, plus PATH: the service must start from its documented variables alone.
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (options.stdin !== undefined) this.child.stdin?.end(options.stdin);
    let buffered = '';
    const collect = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      this.lines.push(...parts.filter((line) => line.length > 0));
    };
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString('utf8');
      collect(chunk);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
      collect(chunk);
    });
    // 'close', not 'exit': it comes after the output streams are drained, so no line is missed.
    this.exited = once(this.child, 'close').then(([code]) => {
      if (buffered.length > 0) this.lines.push(buffered);
      return code as number | null;
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Waits for a log line with this `msg`, and returns it parsed. */
  async waitForLog(message: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const line of this.lines) {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (entry.msg === message) return entry;
        } catch {
          // not a JSON log line (a usage message, a stack trace)
        }
      }
      if (this.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no "${message}" log line within ${timeoutMs} ms; output:\n${this.lines.join('\n')}`);
  }

  /** The base URL of a serving process, from its "Server listening" line. */
  async baseUrl(timeoutMs?: number): Promise<string> {
    await this.waitForLog('ready', timeoutMs);
    const listening = this.lines.map((line) => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1]).find(Boolean);
    if (!listening) throw new Error(`no listening address in output:\n${this.lines.join('\n')}`);
    return listening;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Sends SIGTERM and waits for the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** Runs a command to completion, with `stdin` as its input if given; returns its exit code and output (both streams, and each apart). */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<{ code: number | null; output: string; stdout: string; stderr: string }> {
  const process = new CliProcess(args, env, stdin === undefined ? {} : { stdin });
  const code = await process.exited;
  return { code, output: process.lines.join('\n'), stdout: process.stdout, stderr: process.stderr };
}
