import { and, count, desc, eq, gt, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/database.js';
import { aiResponses, jobs } from '../../infra/db/schema.js';

export type ImprovementRow = typeof aiResponses.$inferSelect;
export type NewImprovement = typeof aiResponses.$inferInsert;

/** The state of an improvement's job, as the row of the job says. */
export interface ImprovementJobState {
  status: string;
  progress: number;
  errorCode: string | null;
  error: string | null;
}

/** An improvement with the state of its job (null once the job row is cleaned away). */
export interface ImprovementRecord {
  row: ImprovementRow;
  job: ImprovementJobState | null;
}

type RecordResult = { row: ImprovementRow; status: string | null; progress: number | null; errorCode: string | null; error: string | null };

function toRecord(result: RecordResult): ImprovementRecord {
  return {
    row: result.row,
    job: result.status === null ? null : { status: result.status, progress: result.progress ?? 0, errorCode: result.errorCode, error: result.error },
  };
}

function selectRecords(db: DbOrTx) {
  return db
    .select({ row: aiResponses, status: jobs.status, progress: jobs.progress, errorCode: jobs.errorCode, error: jobs.error })
    .from(aiResponses)
    .leftJoin(jobs, eq(jobs.id, aiResponses.jobId));
}

export async function insertImprovement(db: DbOrTx, values: NewImprovement): Promise<ImprovementRow> {
  const [row] = await db.insert(aiResponses).values(values).returning();
  if (!row) throw new Error('The improvement insert returned no row.');
  return row;
}

export async function setImprovementJob(db: DbOrTx, id: number, jobId: string): Promise<void> {
  await db.update(aiResponses).set({ jobId }).where(eq(aiResponses.id, id));
}

export async function findOwnedImprovement(db: DbOrTx, userId: number, id: number): Promise<ImprovementRecord | undefined> {
  const [result] = await selectRecords(db).where(and(eq(aiResponses.id, id), eq(aiResponses.userId, userId)));
  return result ? toRecord(result) : undefined;
}

export async function findImprovement(db: DbOrTx, id: number): Promise<ImprovementRecord | undefined> {
  const [result] = await selectRecords(db).where(eq(aiResponses.id, id));
  return result ? toRecord(result) : undefined;
}

/** The owner's earlier request with this Idempotency-Key, if any. */
export async function findByIdempotencyKey(db: DbOrTx, userId: number, key: string): Promise<ImprovementRecord | undefined> {
  const [result] = await selectRecords(db).where(and(eq(aiResponses.userId, userId), eq(aiResponses.idempotencyKey, key)));
  return result ? toRecord(result) : undefined;
}

/** The owner's improvements, newest first; ties by id, so pages never overlap. */
export async function listOwnedImprovements(db: DbOrTx, userId: number, page?: { limit: number; offset: number }): Promise<ImprovementRecord[]> {
  const query = selectRecords(db).where(eq(aiResponses.userId, userId)).orderBy(desc(aiResponses.createdAt), desc(aiResponses.id));
  const results = page ? await query.limit(page.limit).offset(page.offset) : await query;
  return results.map(toRecord);
}

export async function countOwnedImprovements(db: DbOrTx, userId: number): Promise<number> {
  const [result] = await db.select({ total: count() }).from(aiResponses).where(eq(aiResponses.userId, userId));
  return result?.total ?? 0;
}

/** Successful improvements of the last 24 hours: what the daily allowance counts. */
export async function countCompletedSince(db: DbOrTx, userId: number, hours = 24): Promise<number> {
  const [result] = await db
    .select({ total: count() })
    .from(aiResponses)
    .where(and(eq(aiResponses.userId, userId), isNotNull(aiResponses.completedAt), gt(aiResponses.completedAt, sql`now() - make_interval(hours => ${hours})`)));
  return result?.total ?? 0;
}

export interface ImprovementResult {
  responseText: string;
  resume: Record<string, unknown>;
  changes: Record<string, unknown>[];
  analysisBefore: Record<string, unknown>;
  analysisAfter: Record<string, unknown>;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  llmCalls: number;
}

/**
 * Writes an improvement's result, once: only while the row still names this job and has no result.
 * Answers whether it was written.
 */
export async function saveImprovementResult(db: DbOrTx, id: number, jobId: string, result: ImprovementResult): Promise<boolean> {
  const rows = await db
    .update(aiResponses)
    .set({ ...result, completedAt: sql`now()` })
    .where(and(eq(aiResponses.id, id), eq(aiResponses.jobId, jobId), sql`${aiResponses.completedAt} is null`))
    .returning({ id: aiResponses.id });
  return rows.length > 0;
}
