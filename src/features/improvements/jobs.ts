import type { Logger } from 'pino';
import { Type } from 'typebox';
import type { Database } from '../../infra/db/database.js';
import { LlmError } from '../../infra/llm/llm-provider.js';
import { JobError, JobNotReady, type JobHandler } from '../../jobs/job-handler.js';
import { analysisInputOf } from '../analysis/analysis-input.js';
import type { QuestionnaireService } from '../questionnaires/service.js';
import { improveCv } from './improve-cv.js';
import type { Improver } from './improver.js';
import { findImprovement, saveImprovementResult } from './repository.js';

/** While the CV is still being read, the improvement looks again this often. */
const EXTRACTION_POLL_MS = 500;
/** The least time between two progress writes. */
const PROGRESS_INTERVAL_MS = 200;

/** Improving one questionnaire's CV; the payload names the improvement row, which holds the request. */
export const improvementKind = {
  kind: 'cv_improvement',
  payload: Type.Object({ improvementId: Type.Integer({ minimum: 1 }) }),
  // Provider errors are retried inside the call (LLM_MAX_ATTEMPTS); job attempts are for crashes.
  maxAttempts: 3,
} as const;

export interface ImprovementJobDependencies {
  database: Database;
  questionnaires: QuestionnaireService;
  improver: Improver;
  logger: Logger;
}

/**
 * Runs an improvement in the worker. The result is written with the job's success, once, and only
 * while the row still names this job: a worker killed mid-call leaves the job to run again, and the
 * row gets exactly one result.
 */
export function improvementJob({ database, questionnaires, improver, logger }: ImprovementJobDependencies): JobHandler<typeof improvementKind.payload> {
  return {
    ...improvementKind,
    async perform(context) {
      const { improvementId } = context.payload;
      const log = logger.child({ jobId: context.job.id, improvementId });
      const found = await findImprovement(database.db, improvementId);
      if (!found || found.row.jobId !== context.job.id || found.row.completedAt) {
        log.info('improvement gone, done or handed to another job; nothing to do');
        return;
      }
      const { row } = found;
      const source = await questionnaires.findForImprovement(row.userId, row.questionnaireId);
      if (!source) {
        log.info('questionnaire deleted before the improvement ran; nothing to do');
        return;
      }
      const { record, cv } = source;
      if (!cv) {
        const status = record.extraction?.status;
        if (status === 'queued' || status === 'running') throw new JobNotReady(EXTRACTION_POLL_MS, 'the CV is still being read');
        throw new JobError(
          'cv_unavailable',
          status === 'failed' ? `The uploaded CV could not be read: ${record.extraction?.error ?? 'see the questionnaire'}` : 'The questionnaire has no CV: upload one or import a JSON Resume document.',
          false,
        );
      }
      const q = record.row;
      const input = analysisInputOf(q, cv);
      let progressWrites = Promise.resolve();
      let lastProgressAt = 0;
      let outcome;
      try {
        outcome = await improveCv(
          improver,
          { ...input, target: { ...input.target, companySize: q.companySize, location: q.location ?? '' }, prompt: row.prompt ?? '' },
          {
            signal: context.signal,
            idempotencyKey: context.idempotencyKey('improve'),
            // One write at a time, in order, so progress a client sees never goes back; and at most one
            // every PROGRESS_INTERVAL_MS, so a fast improvement does not spend its time writing progress.
            onProgress: (percent) => {
              const now = Date.now();
              if (now - lastProgressAt < PROGRESS_INTERVAL_MS) return;
              lastProgressAt = now;
              progressWrites = progressWrites.then(() => context.setProgress(percent)).catch((error: unknown) => log.warn({ err: error }, 'progress not recorded'));
            },
          },
        );
      } catch (error) {
        // The provider layer has retried already: what reaches here is its final word.
        if (error instanceof LlmError) throw new JobError(error.code, error.message, false);
        throw error;
      }
      await progressWrites;
      const { usage } = outcome;
      context.commit(async (tx) => {
        const kept = await saveImprovementResult(tx, improvementId, context.job.id, {
          responseText: outcome.markdown,
          resume: outcome.resume,
          changes: outcome.changes as unknown as Record<string, unknown>[],
          analysisBefore: outcome.before,
          analysisAfter: outcome.after,
          provider: usage.provider,
          model: usage.model,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          latencyMs: Math.round(usage.latencyMs),
          llmCalls: usage.calls,
        });
        if (!kept) log.warn('improvement result already stored or the row moved on; this one is dropped');
      });
    },
  };
}
