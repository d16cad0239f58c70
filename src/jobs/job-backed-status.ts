import type { JobStatus } from '../infra/db/schema.js';

/**
 * The state of a row whose work one job does (an improvement, a document): succeeded once the row
 * holds its result, otherwise its job's state; a job row cleaned away with no result means it failed.
 */
export function jobBackedStatus(row: { completedAt: Date | null }, job: { status: string } | null): JobStatus {
  if (row.completedAt) return 'succeeded';
  const status = job?.status;
  if (status === 'queued' || status === 'running' || status === 'failed') return status;
  return 'failed';
}

/** Whether such a row's work has ended, one way or the other. */
export function isSettledStatus(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed';
}
