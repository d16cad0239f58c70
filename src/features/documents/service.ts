import type { Logger } from 'pino';
import { AppError } from '../../http/errors.js';
import type { BlobStore } from '../../infra/blobs/blob-store.js';
import type { Database } from '../../infra/db/database.js';
import type { DocumentSource } from '../../infra/db/schema.js';
import type { QuotaService } from '../limits/service.js';
import type { JobService } from '../../jobs/job-service.js';
import type { JobWatch } from '../../jobs/job-watch.js';
import { positiveIdOr } from '../../lib/positive-id.js';
import { isTemplateName } from '../../templates/catalogue.js';
import { findOwnedImprovement } from '../improvements/repository.js';
import { improvementStatusOf } from '../improvements/present.js';
import type { QuestionnaireService } from '../questionnaires/service.js';
import { documentKind } from './jobs.js';
import { isDocumentSettled } from './present.js';
import { countOwnedDocuments, findOwnedDocument, insertDocument, listOwnedDocuments, setDocumentJob, type DocumentRecord } from './repository.js';
import { DEFAULT_TEMPLATE, documentLayoutOf } from './rules.js';
import { DOCUMENT_LIMITS, type DocumentOptionsInput, type QuestionnaireDocumentInput } from './schema.js';
import { sanitiseParagraphs } from '../questionnaires/sanitise.js';

const documentNotFound = () => new AppError('not_found', 'No document matches the given query.');
const improvementNotFound = () => new AppError('not_found', 'No AIResponse matches the given query.');
const questionnaireNotFound = () => new AppError('not_found', 'No Questionnaire matches the given query.');

/** The PDF of a document, for its owner. */
export interface DocumentFile {
  bytes: Buffer;
  fileName: string;
  sha256: string;
}

/** PDFs of CVs: asked for here, rendered by a job, read back and downloaded. */
export class DocumentService {
  constructor(
    private readonly deps: { database: Database; jobs: JobService; jobWatch: JobWatch; blobs: BlobStore; questionnaires: QuestionnaireService; quotas: QuotaService; logger: Logger },
  ) {}

  /** A PDF of an improvement's result (the upstream's generate-pdf). An improvement still running is waited for by the job. */
  async createFromImprovement(userId: number, rawImprovementId: string, input: DocumentOptionsInput): Promise<DocumentRecord> {
    const template = templateOf(input);
    const improvement = await findOwnedImprovement(this.deps.database.db, userId, positiveIdOr(rawImprovementId, improvementNotFound));
    if (!improvement) throw improvementNotFound();
    if (improvementStatusOf(improvement) === 'failed') {
      throw new AppError('conflict', 'This improvement failed, so it has no CV to render; ask for a new improvement.');
    }
    return this.insert(userId, { questionnaireId: improvement.row.questionnaireId, aiResponseId: improvement.row.id, source: 'improvement', template, input });
  }

  /** A PDF of the questionnaire's own CV, or of Markdown sent with the request, without AI. */
  async createFromQuestionnaire(userId: number, rawQuestionnaireId: string, input: QuestionnaireDocumentInput): Promise<DocumentRecord> {
    const template = templateOf(input);
    const source = await this.deps.questionnaires.findForImprovement(userId, positiveIdOr(rawQuestionnaireId, questionnaireNotFound));
    if (!source) throw questionnaireNotFound();
    const { record: questionnaire, cv } = source;
    if (input.markdown !== undefined) {
      const markdown = sanitiseParagraphs(input.markdown);
      if (markdown === '') throw new AppError('invalid_request', 'The Markdown is empty once cleaned of markup.', { body: { markdown: ['This field may not be blank.'] } });
      if (markdown.length > DOCUMENT_LIMITS.markdownMax) {
        throw new AppError('invalid_request', `The Markdown is longer than ${DOCUMENT_LIMITS.markdownMax} characters.`, { body: { markdown: [`Ensure this field has no more than ${DOCUMENT_LIMITS.markdownMax} characters.`] } });
      }
      return this.insert(userId, { questionnaireId: questionnaire.row.id, source: 'markdown', markdown, template, input });
    }
    if (!cv) {
      if (!questionnaire.row.resumeBlobKey) {
        throw new AppError('invalid_request', 'This questionnaire has no CV yet. Upload your CV (PDF, DOCX or TXT), import a JSON Resume document, or send Markdown in `markdown`.');
      }
      if (questionnaire.extraction?.status === 'failed') {
        throw new AppError('invalid_request', `Unable to read CV file: ${questionnaire.extraction.error ?? 'see extraction_error on the questionnaire'}`);
      }
      // Still being read: the job waits for it.
    }
    return this.insert(userId, { questionnaireId: questionnaire.row.id, source: 'cv', template, input });
  }

  private async insert(
    userId: number,
    request: { questionnaireId: number; aiResponseId?: number; source: DocumentSource; markdown?: string; template: string; input: DocumentOptionsInput },
  ): Promise<DocumentRecord> {
    const id = await this.deps.jobs.transactionWithJobs(async (tx, addJob) => {
      const row = await insertDocument(tx, {
        userId,
        questionnaireId: request.questionnaireId,
        aiResponseId: request.aiResponseId ?? null,
        source: request.source,
        markdown: request.markdown ?? null,
        template: request.template,
        options: { ...documentLayoutOf(request.input) },
      });
      const job = await addJob(documentKind, { documentId: row.id }, { ownerId: userId });
      await setDocumentJob(tx, row.id, job.id);
      await this.deps.quotas.charge(tx, userId, 'uploads', job.id);
      return row.id;
    });
    return this.get(userId, id);
  }

  async get(userId: number, rawId: string | number): Promise<DocumentRecord> {
    const record = await findOwnedDocument(this.deps.database.db, userId, positiveIdOr(rawId, documentNotFound));
    if (!record) throw documentNotFound();
    return record;
  }

  async list(userId: number, window?: { limit: number; offset: number }): Promise<{ records: DocumentRecord[]; count?: number }> {
    const { db } = this.deps.database;
    if (!window) return { records: await listOwnedDocuments(db, userId) };
    const [records, count] = await Promise.all([listOwnedDocuments(db, userId, window), countOwnedDocuments(db, userId)]);
    return { records, count };
  }

  /** Waits until the document has settled, at most `waitMs`; answers its latest state either way. */
  async waitUntilSettled(userId: number, record: DocumentRecord, waitMs: number, signal?: AbortSignal): Promise<DocumentRecord> {
    let current = record;
    return this.deps.jobWatch.waitUntil(
      { jobId: () => current.row.jobId, read: async () => (current = await this.get(userId, record.row.id)), settled: isDocumentSettled },
      record,
      waitMs,
      signal,
    );
  }

  /** The rendered PDF, for its owner; 409 while it is being made or when it could not be. */
  async openPdf(userId: number, rawId: string): Promise<DocumentFile> {
    const { row } = await this.get(userId, rawId);
    if (!row.completedAt || !row.blobKey || !row.sha256) {
      throw new AppError('conflict', 'This document has no PDF yet; its status says whether it is still being made or why it failed.', { headers: { 'retry-after': '1' } });
    }
    const bytes = await this.deps.blobs.get(row.blobKey);
    if (!bytes) throw new Error(`The stored PDF ${row.blobKey} of document ${row.id} is missing.`);
    return { bytes, fileName: row.fileName ?? 'CV.pdf', sha256: row.sha256 };
  }
}

function templateOf(input: DocumentOptionsInput): string {
  const template = input.template ?? DEFAULT_TEMPLATE;
  if (!isTemplateName(template)) {
    throw new AppError('invalid_request', `No template named "${template}"; GET /cv/templates/ lists them.`, { body: { template: [`No template named "${template}".`] } });
  }
  return template;
}
