import { Type } from 'typebox';
import type { Logger } from 'pino';
import type { BlobStore } from '../../infra/blobs/blob-store.js';
import type { CpuPool } from '../../infra/cpu/cpu-pool.js';
import type { Database } from '../../infra/db/database.js';
import { defaultExtractionLimits, type ExtractionLimits } from '../../infra/extract/extraction.js';
import { JobError, type JobHandler } from '../../jobs/job-handler.js';
import { findExtractionTarget, saveExtractedCv } from './repository.js';

/** Reading an uploaded CV: its text, then its structure. The payload names the questionnaire only. */
export const extractionKind = {
  kind: 'cv_extraction',
  payload: Type.Object({ questionnaireId: Type.Integer({ minimum: 1 }) }),
  // A file that cannot be read fails for good at once (its error says why); retries are for crashes.
  maxAttempts: 3,
} as const;

export interface ExtractionJobDependencies {
  database: Database;
  blobs: BlobStore;
  cpu: CpuPool;
  logger: Logger;
  timeoutMs: number;
  limits?: ExtractionLimits;
}

/**
 * Reads the current upload of a questionnaire in a worker thread, bounded in pages, bytes and time,
 * and stores the text and the structured CV. A job whose upload was replaced or removed meanwhile
 * stores nothing: only the job the row still names may write.
 */
export function extractionJob({ database, blobs, cpu, logger, timeoutMs, limits = defaultExtractionLimits }: ExtractionJobDependencies): JobHandler<typeof extractionKind.payload> {
  return {
    ...extractionKind,
    async perform(context) {
      const { questionnaireId } = context.payload;
      const target = await findExtractionTarget(database.db, questionnaireId, context.job.id);
      if (!target) {
        logger.info({ jobId: context.job.id, questionnaireId }, 'upload replaced or removed before it was read; nothing to do');
        return;
      }
      const bytes = await blobs.get(target.resumeBlobKey);
      if (!bytes) throw new JobError('file_corrupt', 'The uploaded file is no longer stored; upload it again.', false);
      const deadline = AbortSignal.timeout(timeoutMs);
      let reading;
      try {
        reading = await cpu.run('readCv', [new Uint8Array(bytes), limits], { signal: AbortSignal.any([context.signal, deadline]) });
      } catch (error) {
        if (deadline.aborted && !context.signal.aborted) {
          throw new JobError('extraction_timeout', `Reading the file took longer than ${Math.round(timeoutMs / 1000)} s and was stopped. A shorter or simpler file (or a PDF with a text layer) will read faster.`, false);
        }
        throw error;
      }
      if (!reading.ok) throw new JobError(reading.code, reading.message, false);
      const { text, source, resume, warnings } = reading;
      context.commit(async (tx) => {
        const kept = await saveExtractedCv(tx, questionnaireId, context.job.id, { origin: 'extracted', text, resume, warnings, source: { ...source } });
        if (!kept) logger.info({ jobId: context.job.id, questionnaireId }, 'upload replaced while it was read; the reading is dropped');
      });
    },
  };
}
