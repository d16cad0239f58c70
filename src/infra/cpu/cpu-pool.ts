import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { siblingModulePath } from '../../paths.js';
import type { CpuTaskName, CpuTaskRequest, CpuTasks } from './cpu-tasks.js';

/** A pool of worker threads for CPU-heavy work (text extraction, parsing). */
export class CpuPool {
  private readonly pool: Piscina;

  constructor(options: { maxThreads?: number } = {}) {
    const filename = siblingModulePath(import.meta.url, 'cpu-tasks');
    this.pool = new Piscina({
      filename,
      // Sources run under tsx (tests, development); built code needs no loader.
      ...(filename.endsWith('.ts') ? { execArgv: ['--import', 'tsx'] } : {}),
      minThreads: 0,
      maxThreads: options.maxThreads ?? Math.max(1, availableParallelism() - 1),
      idleTimeout: 30_000,
    });
  }

  /**
   * Runs one task in a worker thread. Aborting `signal` ends the task at once: its thread is
   * terminated (a stuck parser cannot be interrupted any other way) and the call rejects.
   */
  async run<K extends CpuTaskName>(task: K, input: Parameters<CpuTasks[K]>, options: { signal?: AbortSignal } = {}): Promise<Awaited<ReturnType<CpuTasks[K]>>> {
    const request: CpuTaskRequest<K> = { task, input };
    return (await this.pool.run(request, options.signal ? { signal: options.signal } : {})) as Awaited<ReturnType<CpuTasks[K]>>;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
