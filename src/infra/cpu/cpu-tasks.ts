import { threadId } from 'node:worker_threads';

// Runs inside worker threads. Every CPU-heavy step of a job is a task, so the event loop that
// answers HTTP requests never does that work itself. Light tasks live here; a heavy one has a module
// of its own (see cpu-pool.ts), loaded by a thread the first time it runs that task.

/** Proves a thread can take work: answers which thread it is. */
export function probe(): { threadId: number } {
  return { threadId };
}

export default function runProbe(): { threadId: number } {
  return probe();
}
