import { getPriority, setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/**
 * The niceness of batch work (text extraction, PDF rendering and its check): below the threads that
 * answer requests, so a burst of documents slows other documents, not health checks and sign-ins.
 */
export const BATCH_NICENESS = 10;

/**
 * Lowers the calling thread to batch priority. Linux keeps a niceness per thread, so in a pool
 * thread this leaves the process's event loop as it was; in a child process's main thread it lowers
 * that child.
 */
export function runAsBatchWork(): void {
  if (getPriority() < BATCH_NICENESS) setPriority(BATCH_NICENESS);
}

// Imported by every CPU-pool task module: the first task a thread loads lowers that thread. The main
// thread (a test importing a task directly) is left alone.
if (!isMainThread) runAsBatchWork();
