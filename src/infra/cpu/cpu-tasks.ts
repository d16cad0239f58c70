import { threadId } from 'node:worker_threads';

// Runs inside worker threads. Every CPU-heavy step of a job is a task here, so the event loop
// that answers HTTP requests never does that work itself.

/** Proves a thread can take work: answers which thread it is. */
function probe(): { threadId: number } {
  return { threadId };
}

export const cpuTasks = { probe } as const;

export type CpuTasks = typeof cpuTasks;
export type CpuTaskName = keyof CpuTasks;

export interface CpuTaskRequest<K extends CpuTaskName = CpuTaskName> {
  task: K;
  input: Parameters<CpuTasks[K]>;
}

export default function runCpuTask(request: CpuTaskRequest): unknown {
  const task = cpuTasks[request.task] as (...args: unknown[]) => unknown;
  return task(...request.input);
}
