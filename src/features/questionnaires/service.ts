import type { Logger } from 'pino';
import { Value } from 'typebox/value';
import { AppError, ValidationError } from '../../http/errors.js';
import type { UploadedFile } from '../../http/uploads.js';
import type { BlobStore } from '../../infra/blobs/blob-store.js';
import type { Database, DbOrTx } from '../../infra/db/database.js';
import { detectDocumentType } from '../../infra/extract/detect-type.js';
import type { DocumentType } from '../../infra/extract/extraction.js';
import type { AddJob, JobService } from '../../jobs/job-service.js';
import type { QuotaService } from '../limits/service.js';
import { positiveId } from '../../lib/positive-id.js';
import { JsonResume } from '../../resume/json-resume.js';
import { resumeAsText } from '../../resume/resume-text.js';
import { extractionKind } from './jobs.js';
import {
  countOwned,
  deleteCv,
  deleteOwned,
  findCv,
  findOwnedRecord,
  insertQuestionnaire,
  listOwnedRecords,
  lockOwned,
  saveCv,
  updateQuestionnaire,
  type CvRow,
  type QuestionnaireChanges,
  type QuestionnaireRecord,
} from './repository.js';
import { QUESTIONNAIRE_LIMITS } from './rules.js';
import { sanitiseLine, sanitiseParagraphs } from './sanitise.js';
import type { QuestionnaireInput, QuestionnairePatch } from './schema.js';

const BLOB_NAMESPACE = 'resumes';
const FILE_NAME_MAX = 255;

/** A stored upload, ready to be streamed back to its owner. */
export interface ResumeFile {
  bytes: Buffer;
  fileName: string;
  type: DocumentType;
}

/** A file checked and stored, not yet referenced by any row. */
interface StoredUpload {
  key: string;
  fileName: string;
  type: DocumentType;
  size: number;
}

const contentTypes: Record<DocumentType, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  txt: 'text/plain; charset=utf-8',
};

/** The media type a stored CV is served with: from its detected type, never from what the uploader declared. */
export function contentTypeOf(type: DocumentType): string {
  return contentTypes[type];
}

function tooLong(limit: number): string {
  return `Ensure this field has no more than ${limit} characters.`;
}

/** A questionnaire id from a path: anything but a positive integer names no questionnaire. */
function parseId(raw: string): number {
  const id = positiveId(raw);
  if (id === undefined) throw notFound();
  return id;
}

const notFound = () => new AppError('not_found', 'No CVQuestionnaire matches the given query.');

/** The questionnaires people fill in, their uploaded CVs and what was read from them. */
export class QuestionnaireService {
  constructor(
    private readonly deps: { database: Database; jobs: JobService; blobs: BlobStore; quotas: QuotaService; logger: Logger },
  ) {}

  /** Cleans the text fields and checks their limits after cleaning, as the upstream did before storing. */
  private cleanFields(input: QuestionnairePatch): QuestionnaireChanges {
    const errors: Record<string, string[]> = {};
    const changes: QuestionnaireChanges = {};
    const line = (name: 'position' | 'industry' | 'location', value: string | undefined, blankAllowed: boolean) => {
      if (value === undefined) return undefined;
      const cleaned = sanitiseLine(value);
      if (cleaned.length > QUESTIONNAIRE_LIMITS.line) errors[name] = [tooLong(QUESTIONNAIRE_LIMITS.line)];
      else if (!blankAllowed && cleaned === '') errors[name] = ['This field may not be blank.'];
      return cleaned;
    };
    const position = line('position', input.position, false);
    const industry = line('industry', input.industry, false);
    const location = line('location', input.location, true);
    if (position !== undefined) changes.position = position;
    if (industry !== undefined) changes.industry = industry;
    if (location !== undefined) changes.location = location;
    if (input.job_description !== undefined) {
      const cleaned = sanitiseParagraphs(input.job_description);
      if (cleaned.length > QUESTIONNAIRE_LIMITS.jobDescription) errors.job_description = [tooLong(QUESTIONNAIRE_LIMITS.jobDescription)];
      changes.jobDescription = cleaned;
    }
    if (input.experience_level !== undefined) changes.experienceLevel = input.experience_level;
    if (input.company_size !== undefined) changes.companySize = input.company_size;
    if (input.application_timeline !== undefined) changes.applicationTimeline = input.application_timeline;
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    return changes;
  }

  /**
   * Checks an upload by its bytes and stores it under a new key. A string in place of a file is
   * refused, unless it is this questionnaire's own file URL sent back unchanged (a client that
   * PUTs back what it read).
   */
  private async storeUpload(resume: UploadedFile | string): Promise<StoredUpload> {
    if (typeof resume === 'string') throw ValidationError.field('resume', 'The submitted data was not a file. Check the encoding type on the form.');
    const detected = await detectDocumentType(resume.bytes);
    if (detected.type === undefined) {
      throw new AppError('unsupported_type', `The file is ${detected.description}, not a PDF, DOCX or TXT document. Upload your CV as one of those.`);
    }
    const key = await this.deps.blobs.put(BLOB_NAMESPACE, resume.bytes);
    const fileName = sanitiseLine(resume.fileName).slice(0, FILE_NAME_MAX) || `cv.${detected.type}`;
    return { key, fileName, type: detected.type, size: resume.bytes.byteLength };
  }

  /** Removes a blob no row refers to any more; a failure leaves an orphan file, which is logged. */
  private async discardBlob(key: string): Promise<void> {
    try {
      await this.deps.blobs.delete(key);
    } catch (error) {
      this.deps.logger.error({ err: error, blobKey: key }, 'could not delete a stored file no row refers to');
    }
  }

  /** Points the row at a new upload (or none) and, for an upload, starts reading it. */
  private async attachUpload(tx: DbOrTx, addJob: AddJob, questionnaireId: number, userId: number, upload: StoredUpload | null): Promise<void> {
    await deleteCv(tx, questionnaireId);
    const job = upload ? await addJob(extractionKind, { questionnaireId }, { ownerId: userId }) : null;
    if (job) await this.deps.quotas.charge(tx, userId, 'cv_uploads', job.id);
    await updateQuestionnaire(tx, questionnaireId, {
      resumeBlobKey: upload?.key ?? null,
      resumeFileName: upload?.fileName ?? null,
      resumeContentType: upload?.type ?? null,
      resumeSizeBytes: upload?.size ?? null,
      extractionJobId: job?.id ?? null,
    });
  }

  /** The upload a request carries: a file, `null` (remove it), or nothing (leave it). */
  private async uploadOf(resume: QuestionnairePatch['resume'], questionnaireId?: number): Promise<StoredUpload | null | undefined> {
    if (resume === undefined) return undefined;
    if (resume === null || resume === '') return null;
    if (typeof resume === 'string' && questionnaireId !== undefined && resume.endsWith(`/cv/questionnaire/${questionnaireId}/resume/`)) return undefined;
    return this.storeUpload(resume);
  }

  async list(userId: number, page?: { limit: number; offset: number }): Promise<{ records: QuestionnaireRecord[]; count?: number }> {
    const { db } = this.deps.database;
    if (!page) return { records: await listOwnedRecords(db, userId) };
    const [records, count] = await Promise.all([listOwnedRecords(db, userId, page), countOwned(db, userId)]);
    return { records, count };
  }

  async get(userId: number, rawId: string): Promise<QuestionnaireRecord> {
    const record = await findOwnedRecord(this.deps.database.db, userId, parseId(rawId));
    if (!record) throw notFound();
    return record;
  }

  async create(userId: number, input: QuestionnaireInput): Promise<QuestionnaireRecord> {
    // The schema has made sure every required field is there.
    const changes = this.cleanFields(input);
    const upload = await this.uploadOf(input.resume);
    try {
      const id = await this.deps.jobs.transactionWithJobs(async (tx, addJob) => {
        const row = await insertQuestionnaire(tx, {
          ...changes,
          userId,
          position: changes.position ?? '',
          industry: changes.industry ?? '',
          experienceLevel: input.experience_level,
          companySize: input.company_size,
          applicationTimeline: input.application_timeline,
        });
        await this.deps.quotas.charge(tx, userId, 'questionnaires', null);
        if (upload) await this.attachUpload(tx, addJob, row.id, userId, upload);
        return row.id;
      });
      return await this.get(userId, String(id));
    } catch (error) {
      if (upload) await this.discardBlob(upload.key);
      throw error;
    }
  }

  /** PUT (its schema requires every required field) and PATCH; a new file replaces the old one, `null` removes it. */
  async update(userId: number, rawId: string, input: QuestionnairePatch): Promise<QuestionnaireRecord> {
    const id = parseId(rawId);
    const changes = this.cleanFields(input);
    const upload = await this.uploadOf(input.resume, id);
    let replacedKey: string | null = null;
    try {
      await this.deps.jobs.transactionWithJobs(async (tx, addJob) => {
        const row = await lockOwned(tx, userId, id);
        if (!row) throw notFound();
        if (Object.keys(changes).length > 0) await updateQuestionnaire(tx, id, changes);
        if (upload !== undefined) {
          replacedKey = row.resumeBlobKey;
          await this.attachUpload(tx, addJob, id, userId, upload);
        }
      });
    } catch (error) {
      if (upload) await this.discardBlob(upload.key);
      throw error;
    }
    // Only once the row points elsewhere is the old file removed: a failed update leaves it in place.
    if (replacedKey !== null) await this.discardBlob(replacedKey);
    return this.get(userId, String(id));
  }

  async remove(userId: number, rawId: string): Promise<void> {
    const deleted = await deleteOwned(this.deps.database.db, userId, parseId(rawId));
    if (!deleted) throw notFound();
    for (const key of deleted.blobKeys) await this.discardBlob(key);
  }

  /** The uploaded file, for its owner only. */
  async openResume(userId: number, rawId: string): Promise<ResumeFile> {
    const { row } = await this.get(userId, rawId);
    if (!row.resumeBlobKey || !row.resumeContentType) throw new AppError('not_found', 'This questionnaire has no uploaded CV.');
    const bytes = await this.deps.blobs.get(row.resumeBlobKey);
    if (!bytes) throw new Error(`The stored file ${row.resumeBlobKey} of questionnaire ${row.id} is missing.`);
    return { bytes, fileName: row.resumeFileName ?? `cv.${row.resumeContentType}`, type: row.resumeContentType as DocumentType };
  }

  /** The CV as read (or as corrected); while the upload is still being read, a 409 that says so. */
  async getCv(userId: number, rawId: string): Promise<CvRow> {
    return (await this.getWithCv(userId, rawId)).cv;
  }

  /** The questionnaire with its CV, read once each; the same errors as getCv when there is no CV. */
  async getWithCv(userId: number, rawId: string): Promise<{ record: QuestionnaireRecord; cv: CvRow }> {
    const record = await this.get(userId, rawId);
    const cv = record.hasCv ? await findCv(this.deps.database.db, record.row.id) : undefined;
    if (cv) return { record, cv };
    const status = record.extraction?.status;
    if (status === 'queued' || status === 'running') {
      throw new AppError('conflict', `The uploaded CV is still being read (${status}); ask again when extraction_status is "succeeded".`, { headers: { 'retry-after': '2' } });
    }
    if (status === 'failed') throw new AppError('conflict', 'The uploaded CV could not be read; extraction_error on the questionnaire says why.');
    throw new AppError('not_found', 'This questionnaire has no CV yet: upload one, or import a JSON Resume document.');
  }

  /**
   * A questionnaire and its CV as an improvement reads them (the CV is missing while the upload is
   * read, or when it could not be); undefined when the questionnaire is not this user's.
   */
  async findForImprovement(userId: number, id: number): Promise<{ record: QuestionnaireRecord; cv: CvRow | undefined } | undefined> {
    const { db } = this.deps.database;
    const record = await findOwnedRecord(db, userId, id);
    if (!record) return undefined;
    return { record, cv: record.hasCv ? await findCv(db, id) : undefined };
  }

  /** Stores its owner's correction of the structured CV (and of the text, when given). */
  async correctCv(userId: number, rawId: string, resume: JsonResume, text: string | undefined): Promise<CvRow> {
    const record = await this.get(userId, rawId);
    const current = await findCv(this.deps.database.db, record.row.id);
    const cleaned = cleanResume(resume);
    return saveCv(this.deps.database.db, record.row.id, {
      origin: 'edited',
      text: text ?? current?.text ?? resumeAsText(cleaned),
      resume: cleaned,
      warnings: [],
      source: current?.source ?? null,
    });
  }

  /**
   * Takes a JSON Resume document as the questionnaire's CV, with no extraction: it replaces the
   * uploaded file, if there was one (a reading of that file still under way is dropped).
   */
  async importCv(userId: number, rawId: string, document: JsonResume): Promise<CvRow> {
    const id = parseId(rawId);
    const cleaned = cleanResume(document);
    let replacedKey: string | null = null;
    const cv = await this.deps.jobs.transactionWithJobs(async (tx, addJob) => {
      const row = await lockOwned(tx, userId, id);
      if (!row) throw notFound();
      replacedKey = row.resumeBlobKey;
      if (replacedKey !== null) await this.attachUpload(tx, addJob, id, userId, null);
      return saveCv(tx, id, { origin: 'imported', text: resumeAsText(cleaned), resume: cleaned, warnings: [], source: { type: 'json', pages: 1 } });
    });
    if (replacedKey !== null) await this.discardBlob(replacedKey);
    return cv;
  }
}

/** A JSON Resume document as stored: checked, with the properties the schema does not know dropped. */
function cleanResume(document: JsonResume): JsonResume {
  return Value.Clean(JsonResume, Value.Clone(document)) as JsonResume;
}
