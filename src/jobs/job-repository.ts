import { and, asc, eq, lt, lte, or, sql } from 'drizzle-orm';
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { DbOrTx } from '../infra/db/database.js';
import { jobEffects, jobs } from '../infra/db/schema.js';
import type { JobKind } from './job-kind.js';

export type JobRow = typeof jobs.$inferSelect;

/** A job this worker holds: the attempt number fences every later write. */
export type ClaimedJob = JobRow & { status: 'running' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const leaseFromNow = (seconds: number) => sql`now() + make_interval(secs => ${seconds})`;

const heldBy = (id: string, attempt: number) => and(eq(jobs.id, id), eq(jobs.status, 'running'), eq(jobs.attempts, attempt));

export interface JobOptions {
  /** The user the job works for; their jobs go when they do. */
  ownerId?: number | null;
}

/** Adds a job of this kind; its payload must match the kind's schema (a mismatch is a bug, thrown here). */
export async function insertJob<P extends TSchema>(db: DbOrTx, kind: JobKind<P>, payload: Static<P>, options: JobOptions = {}): Promise<JobRow> {
  if (!Value.Check(kind.payload, payload)) throw new Error(`The payload of a ${kind.kind} job does not match its schema`);
  const [row] = await db
    .insert(jobs)
    .values({ kind: kind.kind, payload: payload as Record<string, unknown>, ownerId: options.ownerId ?? null, maxAttempts: kind.maxAttempts })
    .returning();
  if (!row) throw new Error('insert into jobs returned no row');
  return row;
}

export async function findJob(db: DbOrTx, id: string): Promise<JobRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  return row;
}

/**
 * Takes the job if it is due, or if its previous holder's lease ran out. Atomic: of two workers
 * claiming at once, one gets the row and the other gets undefined.
 */
export async function claimJob(db: DbOrTx, id: string, workerId: string, leaseSeconds: number): Promise<ClaimedJob | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await db
    .update(jobs)
    .set({
      status: 'running',
      attempts: sql`${jobs.attempts} + 1`,
      leaseUntil: leaseFromNow(leaseSeconds),
      lockedBy: workerId,
      startedAt: sql`coalesce(${jobs.startedAt}, now())`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(jobs.id, id),
        or(
          and(eq(jobs.status, 'queued'), lte(jobs.runAfter, sql`now()`)),
          and(eq(jobs.status, 'running'), lt(jobs.leaseUntil, sql`now()`)),
        ),
      ),
    )
    .returning();
  return row as ClaimedJob | undefined;
}

/** Extends the lease; false when the job is no longer this attempt's. */
export async function renewLease(db: DbOrTx, id: string, attempt: number, leaseSeconds: number): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ leaseUntil: leaseFromNow(leaseSeconds), updatedAt: sql`now()` })
    .where(heldBy(id, attempt))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

export async function setProgress(db: DbOrTx, id: string, attempt: number, progress: number): Promise<void> {
  await db.update(jobs).set({ progress, updatedAt: sql`now()` }).where(heldBy(id, attempt));
}

/** Marks success; false when another attempt has taken over (the caller must roll back). */
export async function markSucceeded(db: DbOrTx, id: string, attempt: number): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ status: 'succeeded', progress: 100, leaseUntil: null, errorCode: null, error: null, finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(heldBy(id, attempt))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

export async function scheduleRetry(db: DbOrTx, id: string, attempt: number, delayMs: number, failure: { code: string; message: string }): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({
      status: 'queued',
      runAfter: sql`now() + make_interval(secs => ${delayMs / 1000})`,
      leaseUntil: null,
      lockedBy: null,
      errorCode: failure.code,
      error: failure.message,
      updatedAt: sql`now()`,
    })
    .where(heldBy(id, attempt))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

export async function markFailed(db: DbOrTx, id: string, attempt: number, failure: { code: string; message: string }): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ status: 'failed', leaseUntil: null, errorCode: failure.code, error: failure.message, finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(heldBy(id, attempt))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** Gives a job back untouched (shutdown): the attempt does not count. */
export async function releaseJob(db: DbOrTx, id: string, attempt: number): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ status: 'queued', attempts: sql`${jobs.attempts} - 1`, runAfter: sql`now()`, leaseUntil: null, lockedBy: null, updatedAt: sql`now()` })
    .where(heldBy(id, attempt))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** Puts a job back to run after `delayMs`, its input not ready yet: the attempt does not count. */
export async function deferJob(db: DbOrTx, id: string, attempt: number, delayMs: number): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({
      status: 'queued',
      attempts: sql`${jobs.attempts} - 1`,
      runAfter: sql`now() + make_interval(secs => ${delayMs / 1000})`,
      leaseUntil: null,
      lockedBy: null,
      updatedAt: sql`now()`,
    })
    .where(heldBy(id, attempt))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** Jobs a worker should have but may not: due and queued, or running on a lease that ran out. */
export async function findOrphanedJobIds(db: DbOrTx, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      or(
        and(eq(jobs.status, 'queued'), lte(jobs.runAfter, sql`now()`)),
        and(eq(jobs.status, 'running'), lt(jobs.leaseUntil, sql`now()`)),
      ),
    )
    .orderBy(asc(jobs.runAfter))
    .limit(limit);
  return rows.map((row) => row.id);
}

/** The recorded outcome of an effect this job already performed, if any. */
export async function findEffect(db: DbOrTx, jobId: string, effect: string): Promise<{ result: unknown } | undefined> {
  const [row] = await db
    .select({ result: jobEffects.result })
    .from(jobEffects)
    .where(and(eq(jobEffects.jobId, jobId), eq(jobEffects.effect, effect)));
  return row;
}

/** Records that an effect happened; a second record of the same one changes nothing. */
export async function recordEffect(db: DbOrTx, jobId: string, effect: string, result: unknown): Promise<void> {
  await db.insert(jobEffects).values({ jobId, effect, result: result ?? null }).onConflictDoNothing();
}
