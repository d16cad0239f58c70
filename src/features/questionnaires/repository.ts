import { and, count, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../../infra/db/database.js';
import { cvs, documents, jobs, questionnaires, type CvOrigin } from '../../infra/db/schema.js';

export type QuestionnaireRow = typeof questionnaires.$inferSelect;
export type NewQuestionnaire = typeof questionnaires.$inferInsert;
export type QuestionnaireChanges = Partial<Omit<NewQuestionnaire, 'id' | 'userId' | 'submittedAt'>>;
export type CvRow = typeof cvs.$inferSelect;

/** A questionnaire with the state of the job reading its upload, and whether a CV is on record. */
export interface QuestionnaireRecord {
  row: QuestionnaireRow;
  extraction: { status: string; errorCode: string | null; error: string | null } | null;
  hasCv: boolean;
}

const recordColumns = {
  row: questionnaires,
  jobStatus: jobs.status,
  jobErrorCode: jobs.errorCode,
  jobError: jobs.error,
  cvId: cvs.questionnaireId,
};

type RecordResult = { row: QuestionnaireRow; jobStatus: string | null; jobErrorCode: string | null; jobError: string | null; cvId: number | null };

function toRecord(result: RecordResult): QuestionnaireRecord {
  return {
    row: result.row,
    extraction: result.jobStatus === null ? null : { status: result.jobStatus, errorCode: result.jobErrorCode, error: result.jobError },
    hasCv: result.cvId !== null,
  };
}

function selectRecords(db: DbOrTx) {
  return db
    .select(recordColumns)
    .from(questionnaires)
    .leftJoin(jobs, eq(jobs.id, questionnaires.extractionJobId))
    .leftJoin(cvs, eq(cvs.questionnaireId, questionnaires.id));
}

const owned = (userId: number, id: number) => and(eq(questionnaires.id, id), eq(questionnaires.userId, userId));

export async function findOwnedRecord(db: DbOrTx, userId: number, id: number): Promise<QuestionnaireRecord | undefined> {
  const [result] = await selectRecords(db).where(owned(userId, id));
  return result ? toRecord(result) : undefined;
}

/** The owner's questionnaires, newest first; ties (same instant) by id, so pages never overlap. */
export async function listOwnedRecords(db: DbOrTx, userId: number, page?: { limit: number; offset: number }): Promise<QuestionnaireRecord[]> {
  const query = selectRecords(db).where(eq(questionnaires.userId, userId)).orderBy(desc(questionnaires.submittedAt), desc(questionnaires.id));
  const results = page ? await query.limit(page.limit).offset(page.offset) : await query;
  return results.map(toRecord);
}

export async function countOwned(db: DbOrTx, userId: number): Promise<number> {
  const [result] = await db.select({ total: count() }).from(questionnaires).where(eq(questionnaires.userId, userId));
  return result?.total ?? 0;
}

/** The row, locked until the transaction ends, so two updates of one questionnaire take turns. */
export async function lockOwned(db: DbOrTx, userId: number, id: number): Promise<QuestionnaireRow | undefined> {
  const [row] = await db.select().from(questionnaires).where(owned(userId, id)).for('update');
  return row;
}

export async function insertQuestionnaire(db: DbOrTx, values: NewQuestionnaire): Promise<QuestionnaireRow> {
  const [row] = await db.insert(questionnaires).values(values).returning();
  if (!row) throw new Error('The questionnaire insert returned no row.');
  return row;
}

export async function updateQuestionnaire(db: DbOrTx, id: number, changes: QuestionnaireChanges): Promise<void> {
  await db
    .update(questionnaires)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(questionnaires.id, id));
}

/** Deletes an owned questionnaire (its CV goes with it); answers its blob key, or null when it was not there. */
/**
 * Deletes the questionnaire, and with it (by cascade) its CV, improvements and documents; answers the
 * keys of the files they stored (the upload, the rendered PDFs), for the caller to delete after the commit.
 */
export async function deleteOwned(db: Database['db'], userId: number, id: number): Promise<{ blobKeys: string[] } | undefined> {
  return db.transaction(async (tx) => {
    const pdfs = await tx.select({ blobKey: documents.blobKey }).from(documents).where(and(eq(documents.questionnaireId, id), eq(documents.userId, userId), isNotNull(documents.blobKey)));
    const [row] = await tx.delete(questionnaires).where(owned(userId, id)).returning({ resumeBlobKey: questionnaires.resumeBlobKey });
    if (!row) return undefined;
    return { blobKeys: [row.resumeBlobKey, ...pdfs.map((pdf) => pdf.blobKey)].filter((key): key is string => key !== null) };
  });
}

export async function findCv(db: DbOrTx, questionnaireId: number): Promise<CvRow | undefined> {
  const [row] = await db.select().from(cvs).where(eq(cvs.questionnaireId, questionnaireId));
  return row;
}

export async function deleteCv(db: DbOrTx, questionnaireId: number): Promise<void> {
  await db.delete(cvs).where(eq(cvs.questionnaireId, questionnaireId));
}

export interface CvValues {
  origin: CvOrigin;
  text: string;
  resume: Record<string, unknown>;
  warnings: { code: string; message: string; confidence?: number }[];
  source: Record<string, unknown> | null;
}

/** Stores a questionnaire's CV, replacing the one it had; answers the row as stored. */
export async function saveCv(db: DbOrTx, questionnaireId: number, values: CvValues): Promise<CvRow> {
  const [row] = await db
    .insert(cvs)
    .values({ questionnaireId, ...values })
    .onConflictDoUpdate({ target: cvs.questionnaireId, set: { ...values, updatedAt: sql`now()` } })
    .returning();
  if (!row) throw new Error('The CV upsert returned no row.');
  return row;
}

/**
 * Stores what an extraction job read, only while that job is still the one for the questionnaire's
 * current upload: a result for a file since replaced or cleared is dropped. Answers whether it was kept.
 */
export async function saveExtractedCv(db: DbOrTx, questionnaireId: number, jobId: string, values: CvValues): Promise<boolean> {
  const [current] = await db
    .select({ id: questionnaires.id })
    .from(questionnaires)
    .where(and(eq(questionnaires.id, questionnaireId), eq(questionnaires.extractionJobId, jobId)))
    .for('update');
  if (!current) return false;
  await saveCv(db, questionnaireId, values);
  return true;
}

/** What an extraction job needs: the upload's key, if the job is still the current one. */
export async function findExtractionTarget(db: DbOrTx, questionnaireId: number, jobId: string): Promise<{ resumeBlobKey: string } | undefined> {
  const [row] = await db
    .select({ resumeBlobKey: questionnaires.resumeBlobKey })
    .from(questionnaires)
    .where(and(eq(questionnaires.id, questionnaireId), eq(questionnaires.extractionJobId, jobId)));
  return row?.resumeBlobKey ? { resumeBlobKey: row.resumeBlobKey } : undefined;
}
