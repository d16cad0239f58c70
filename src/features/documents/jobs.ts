import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { Type } from 'typebox';
import type { BlobStore } from '../../infra/blobs/blob-store.js';
import type { Database } from '../../infra/db/database.js';
import { RenderError } from '../../infra/pdf/pdf-renderer.js';
import { JobError, JobNotReady, type JobHandler } from '../../jobs/job-handler.js';
import type { JsonResume } from '../../resume/json-resume.js';
import { improvementStatusOf } from '../improvements/present.js';
import { findImprovement } from '../improvements/repository.js';
import type { QuestionnaireService } from '../questionnaires/service.js';
import { resumeFromMarkdown } from './markdown-resume.js';
import { renderCvDocument, type DocumentRendering } from './render-cv-document.js';
import { findDocument, saveDocumentResult, type DocumentRow } from './repository.js';
import { documentFileName, type DocumentLayout } from './rules.js';

/** While the CV or the improvement is still being made, the document looks again this often. */
const SOURCE_POLL_MS = 300;

/** Rendering one document; the payload names the document row, which holds the request. */
export const documentKind = {
  kind: 'document_render',
  payload: Type.Object({ documentId: Type.Integer({ minimum: 1 }) }),
  maxAttempts: 3,
} as const;

export interface DocumentJobDependencies extends DocumentRendering {
  database: Database;
  blobs: BlobStore;
  questionnaires: QuestionnaireService;
  logger: Logger;
}

/**
 * Renders a document in the worker: reads what it renders (an improvement's CV, the questionnaire's
 * CV or the Markdown sent), renders and checks it, stores the PDF under a new key, and writes the
 * result with the job's success, once, only while the row still names this job.
 */
export function documentJob(deps: DocumentJobDependencies): JobHandler<typeof documentKind.payload> {
  const { database, blobs, logger } = deps;
  return {
    ...documentKind,
    async perform(context) {
      const { documentId } = context.payload;
      const log = logger.child({ jobId: context.job.id, documentId });
      const found = await findDocument(database.db, documentId);
      if (!found || found.row.jobId !== context.job.id || found.row.completedAt) {
        log.info('document gone, done or handed to another job; nothing to do');
        return;
      }
      const { row } = found;
      const resume = await resumeToRender(deps, row);
      if (!resume) {
        log.info('what the document renders was deleted before it ran; nothing to do');
        return;
      }
      let rendered;
      try {
        rendered = await renderCvDocument(deps, resume, row.template, row.options as unknown as DocumentLayout, context.signal);
      } catch (error) {
        throw asJobError(error);
      }
      const bytes = rendered.pdf;
      const blobKey = await blobs.put('documents', bytes);
      context.commit(async (tx) => {
        const kept = await saveDocumentResult(tx, documentId, context.job.id, {
          blobKey,
          fileName: documentFileName(resume),
          pages: rendered.pages,
          bytes: bytes.byteLength,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          textRecall: rendered.textRecall,
          warnings: rendered.warnings as unknown as Record<string, unknown>[],
          dropped: rendered.dropped as unknown as Record<string, unknown>[],
          renderMs: rendered.renderMs,
          options: { ...(row.options), language: rendered.options.language },
        });
        if (!kept) {
          // Nothing will ever name this file: another attempt has stored its own.
          log.warn('document result already stored or the row moved on; this PDF is dropped');
          await blobs.delete(blobKey);
        }
      });
    },
  };
}

/** The structured CV the document renders; undefined when its source was deleted. */
async function resumeToRender(deps: DocumentJobDependencies, row: DocumentRow): Promise<JsonResume | undefined> {
  if (row.source === 'markdown') return resumeFromMarkdown(row.markdown ?? '').resume;
  if (row.source === 'improvement') {
    const improvement = row.aiResponseId === null ? undefined : await findImprovement(deps.database.db, row.aiResponseId);
    if (!improvement) return undefined;
    const status = improvementStatusOf(improvement);
    if (status === 'queued' || status === 'running') throw new JobNotReady(SOURCE_POLL_MS, 'the improvement is still being made');
    if (status === 'failed') throw new JobError('improvement_failed', 'The improvement this document renders failed, so there is no CV to render; ask for a new improvement.', false);
    if (improvement.row.resume) return improvement.row.resume;
    return resumeFromMarkdown(improvement.row.responseText ?? '').resume;
  }
  const source = await deps.questionnaires.findForImprovement(row.userId, row.questionnaireId);
  if (!source) return undefined;
  if (source.cv) return source.cv.resume;
  const status = source.record.extraction?.status;
  if (status === 'queued' || status === 'running') throw new JobNotReady(SOURCE_POLL_MS, 'the CV is still being read');
  throw new JobError('cv_unavailable', status === 'failed' ? 'The uploaded CV could not be read; extraction_error on the questionnaire says why.' : 'The questionnaire has no CV: upload one or import a JSON Resume document.', false);
}

/** A render failure as the job reports it: the person's own text is at fault only for missing glyphs. */
function asJobError(error: unknown): unknown {
  if (!(error instanceof RenderError)) return error;
  if (error.code === 'missing_glyphs') return new JobError('missing_glyphs', error.message, false);
  if (error.code === 'render_timeout') return new JobError('render_timeout', 'Rendering took too long; try a shorter CV or a page budget.', true);
  return error;
}
