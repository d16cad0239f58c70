import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { siblingModulePath } from '../../paths.js';
import type { probe } from './cpu-tasks.js';
import type { readCv } from './read-cv-task.js';
import type { readPdfText } from './read-pdf-text-task.js';

/** The tasks a thread can run, each with the module that holds it. */
interface CpuTasks {
  probe: typeof probe;
  readCv: typeof readCv;
  readPdfText: typeof readPdfText;
}
type CpuTaskName = keyof CpuTasks;

const taskModules: Record<CpuTaskName, string> = {
  probe: 'cpu-tasks',
  readCv: 'read-cv-task',
  readPdfText: 'read-pdf-text-task',
};

/** A pool of worker threads for CPU-heavy work (text extraction, parsing). */
export class CpuPool {
  private readonly pool: Piscina;
  private readonly files: Record<CpuTaskName, string>;

  constructor(options: { maxThreads?: number } = {}) {
    this.files = {
      probe: siblingModulePath(import.meta.url, taskModules.probe),
      readCv: siblingModulePath(import.meta.url, taskModules.readCv),
      readPdfText: siblingModulePath(import.meta.url, taskModules.readPdfText),
    };
    this.pool = new Piscina({
      filename: this.files.probe,
      // Sources run under tsx (tests, development); built code needs no loader.
      ...(this.files.probe.endsWith('.ts') ? { execArgv: ['--import', 'tsx'] } : {}),
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
    return (await this.pool.run(input, { filename: this.files[task], ...(options.signal ? { signal: options.signal } : {}) })) as Awaited<ReturnType<CpuTasks[K]>>;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
