import { getPriority } from 'node:os';
import { threadId } from 'node:worker_threads';
import './batch-priority.js';

// Runs inside worker threads. Every CPU-heavy step of a job is a task, so the event loop that
// answers HTTP requests never does that work itself. Light tasks live here; a heavy one has a module
// of its own (see cpu-pool.ts), loaded by a thread the first time it runs that task.

/** Proves a thread can take work: answers which thread it is, and its niceness. */
export function probe(): { threadId: number; niceness: number } {
  return { threadId, niceness: getPriority() };
}

export default function runProbe(): { threadId: number; niceness: number } {
  return probe();
}
