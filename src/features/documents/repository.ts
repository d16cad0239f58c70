import { and, count, desc, eq, gt, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/database.js';
import { documents, jobs } from '../../infra/db/schema.js';

export type DocumentRow = typeof documents.$inferSelect;
export type NewDocument = typeof documents.$inferInsert;

/** The state of a document's job, as the row of the job says. */
export interface DocumentJobState {
  status: string;
  errorCode: string | null;
  error: string | null;
}

/** A document with the state of its job (null once the job row is cleaned away). */
export interface DocumentRecord {
  row: DocumentRow;
  job: DocumentJobState | null;
}

type RecordResult = { row: DocumentRow; status: string | null; errorCode: string | null; error: string | null };

function toRecord(result: RecordResult): DocumentRecord {
  return { row: result.row, job: result.status === null ? null : { status: result.status, errorCode: result.errorCode, error: result.error } };
}

function selectRecords(db: DbOrTx) {
  return db.select({ row: documents, status: jobs.status, errorCode: jobs.errorCode, error: jobs.error }).from(documents).leftJoin(jobs, eq(jobs.id, documents.jobId));
}

export async function insertDocument(db: DbOrTx, values: NewDocument): Promise<DocumentRow> {
  const [row] = await db.insert(documents).values(values).returning();
  if (!row) throw new Error('The document insert returned no row.');
  return row;
}

export async function setDocumentJob(db: DbOrTx, id: number, jobId: string): Promise<void> {
  await db.update(documents).set({ jobId }).where(eq(documents.id, id));
}

export async function findOwnedDocument(db: DbOrTx, userId: number, id: number): Promise<DocumentRecord | undefined> {
  const [result] = await selectRecords(db).where(and(eq(documents.id, id), eq(documents.userId, userId)));
  return result ? toRecord(result) : undefined;
}

export async function findDocument(db: DbOrTx, id: number): Promise<DocumentRecord | undefined> {
  const [result] = await selectRecords(db).where(eq(documents.id, id));
  return result ? toRecord(result) : undefined;
}

/** The owner's documents, newest first; ties by id, so pages never overlap. */
export async function listOwnedDocuments(db: DbOrTx, userId: number, page?: { limit: number; offset: number }): Promise<DocumentRecord[]> {
  const query = selectRecords(db).where(eq(documents.userId, userId)).orderBy(desc(documents.createdAt), desc(documents.id));
  const results = page ? await query.limit(page.limit).offset(page.offset) : await query;
  return results.map(toRecord);
}

export async function countOwnedDocuments(db: DbOrTx, userId: number): Promise<number> {
  const [result] = await db.select({ total: count() }).from(documents).where(eq(documents.userId, userId));
  return result?.total ?? 0;
}

/** Documents rendered in the last 24 hours: what the daily allowance counts. */
export async function countRenderedSince(db: DbOrTx, userId: number, hours = 24): Promise<number> {
  const [result] = await db
    .select({ total: count() })
    .from(documents)
    .where(and(eq(documents.userId, userId), isNotNull(documents.completedAt), gt(documents.completedAt, sql`now() - make_interval(hours => ${hours})`)));
  return result?.total ?? 0;
}

export interface DocumentResult {
  blobKey: string;
  fileName: string;
  pages: number;
  bytes: number;
  sha256: string;
  textRecall: number;
  warnings: Record<string, unknown>[];
  dropped: Record<string, unknown>[];
  renderMs: number;
  options: Record<string, unknown>;
}

/** Writes a document's result, once: only while the row still names this job and has none. Answers whether it was written. */
export async function saveDocumentResult(db: DbOrTx, id: number, jobId: string, result: DocumentResult): Promise<boolean> {
  const rows = await db
    .update(documents)
    .set({ ...result, completedAt: sql`now()` })
    .where(and(eq(documents.id, id), eq(documents.jobId, jobId), sql`${documents.completedAt} is null`))
    .returning({ id: documents.id });
  return rows.length > 0;
}
