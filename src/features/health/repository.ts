import { and, desc, eq, gt, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/database.js';
import { jobs, queueProbes } from '../../infra/db/schema.js';

export type QueueProbe = typeof queueProbes.$inferSelect;

export async function insertProbe(db: DbOrTx, probe: { jobId: string; requestedBy: string; holdMs: number }): Promise<void> {
  await db.insert(queueProbes).values(probe);
}

export async function findProbe(db: DbOrTx, jobId: string): Promise<QueueProbe | undefined> {
  const [row] = await db.select().from(queueProbes).where(eq(queueProbes.jobId, jobId));
  return row;
}

/** The newest probe completed within the last `seconds`. */
export async function findRecentCompletedProbe(db: DbOrTx, seconds: number): Promise<QueueProbe | undefined> {
  const [row] = await db
    .select()
    .from(queueProbes)
    .where(and(isNotNull(queueProbes.completedAt), gt(queueProbes.completedAt, sql`now() - make_interval(secs => ${seconds})`)))
    .orderBy(desc(queueProbes.completedAt))
    .limit(1);
  return row;
}

/** The newest probe requested within the last `seconds` and not yet completed. */
export async function findPendingProbe(db: DbOrTx, seconds: number): Promise<QueueProbe | undefined> {
  const [row] = await db
    .select()
    .from(queueProbes)
    .where(and(isNull(queueProbes.completedAt), gt(queueProbes.createdAt, sql`now() - make_interval(secs => ${seconds})`)))
    .orderBy(desc(queueProbes.createdAt))
    .limit(1);
  return row;
}

export async function markProbeCompleted(db: DbOrTx, jobId: string, completedBy: string, cpuThreadId: number): Promise<void> {
  await db
    .update(queueProbes)
    .set({ completedAt: sql`now()`, completedBy, cpuThreadId, completions: sql`${queueProbes.completions} + 1` })
    .where(eq(queueProbes.jobId, jobId));
}

/** Deletes probe jobs (and their probe rows, by cascade) older than `seconds`; returns how many. */
export async function deleteOldProbeJobs(db: DbOrTx, kind: string, seconds: number): Promise<number> {
  const deleted = await db
    .delete(jobs)
    .where(and(eq(jobs.kind, kind), lt(jobs.createdAt, sql`now() - make_interval(secs => ${seconds})`)))
    .returning({ id: jobs.id });
  return deleted.length;
}
