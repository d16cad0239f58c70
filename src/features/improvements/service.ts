import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, upstreamError } from '../../http/errors.js';
import type { Database } from '../../infra/db/database.js';
import { isUniqueViolation } from '../../infra/db/database-errors.js';
import type { RateLimitInfo } from '../limits/schema.js';
import type { QuotaService } from '../limits/service.js';
import type { JobService } from '../../jobs/job-service.js';
import { positiveIdOr } from '../../lib/positive-id.js';
import { isSettledStatus } from '../../jobs/job-backed-status.js';
import type { JobWatch } from '../../jobs/job-watch.js';
import type { QuestionnaireService } from '../questionnaires/service.js';
import { sanitiseParagraphs } from '../questionnaires/sanitise.js';
import { improvementKind } from './jobs.js';
import { improvementStatusOf } from './present.js';
import {
  countOwnedImprovements,
  findByIdempotencyKey,
  findOwnedImprovement,
  insertImprovement,
  listOwnedImprovements,
  setImprovementJob,
  type ImprovementRecord,
} from './repository.js';
import { IMPROVEMENT_LIMITS, type ImprovementInput } from './schema.js';

const questionnaireNotFound = () => upstreamError('not_found', 'Questionnaire not found or you do not have permission to access it.');
const improvementNotFound = () => new AppError('not_found', 'No AIResponse matches the given query.');

/** Whether an improvement has finished, one way or the other. */
export function isSettled(record: ImprovementRecord): boolean {
  return isSettledStatus(improvementStatusOf(record));
}

/** A fingerprint of what was asked, so a repeated Idempotency-Key can tell the same request from another. */
function requestHash(questionnaireId: number, prompt: string): string {
  return createHash('sha256').update(JSON.stringify([questionnaireId, prompt])).digest('hex');
}

/** Improvements of a questionnaire's CV: asked for here, made by a job, read back and watched. */
export class ImprovementService {
  constructor(
    private readonly deps: { database: Database; jobs: JobService; jobWatch: JobWatch; questionnaires: QuestionnaireService; quotas: QuotaService; logger: Logger },
  ) {}

  /**
   * Checks the request as the upstream did (same order, same messages), then stores the
   * improvement as queued and starts its job after the commit. A repeated Idempotency-Key with the
   * same request answers the first improvement; with another request, 422.
   */
  async create(userId: number, input: ImprovementInput, idempotencyKey?: string): Promise<{ record: ImprovementRecord; repeated: boolean; allowance?: RateLimitInfo }> {
    const { questionnaire: rawQuestionnaire, prompt } = input;
    if (rawQuestionnaire === undefined || rawQuestionnaire === null || rawQuestionnaire === '' || prompt === undefined || prompt === null || prompt === '') {
      throw upstreamError('invalid_request', 'Both questionnaire ID and prompt are required.');
    }
    if (prompt.trim().length < IMPROVEMENT_LIMITS.promptMin) throw upstreamError('invalid_request', 'Prompt must be at least 10 characters long.');
    if (prompt.length > IMPROVEMENT_LIMITS.promptMax) throw upstreamError('invalid_request', 'Prompt must be less than 5000 characters.');
    const questionnaireId = positiveIdOr(rawQuestionnaire, questionnaireNotFound);
    const cleanedPrompt = sanitiseParagraphs(prompt);
    const hash = requestHash(questionnaireId, cleanedPrompt);

    if (idempotencyKey !== undefined) {
      const earlier = await this.repeatOf(userId, idempotencyKey, hash);
      if (earlier) return { record: earlier, repeated: true };
    }

    const source = await this.deps.questionnaires.findForImprovement(userId, questionnaireId);
    if (!source) throw questionnaireNotFound();
    const { record: questionnaire, cv } = source;
    if (!cv) {
      if (!questionnaire.row.resumeBlobKey) {
        throw upstreamError('invalid_request', 'This questionnaire has no CV yet. Upload your CV (PDF, DOCX or TXT) or import a JSON Resume document first.');
      }
      if (questionnaire.extraction?.status === 'failed') {
        throw upstreamError('invalid_request', `Unable to read CV file: ${questionnaire.extraction.error ?? 'see extraction_error on the questionnaire'}`);
      }
      // Still being read: the job waits for it.
    }

    try {
      const { id, allowance } = await this.deps.jobs.transactionWithJobs(async (tx, addJob) => {
        const row = await insertImprovement(tx, { questionnaireId, userId, prompt: cleanedPrompt, idempotencyKey: idempotencyKey ?? null, requestHash: hash });
        const job = await addJob(improvementKind, { improvementId: row.id }, { ownerId: userId });
        await setImprovementJob(tx, row.id, job.id);
        return { id: row.id, allowance: await this.deps.quotas.charge(tx, userId, 'ai_responses', job.id) };
      });
      return { record: await this.get(userId, id), repeated: false, allowance };
    } catch (error) {
      // Two requests with one key at once: the other one's row stands.
      if (idempotencyKey !== undefined && isUniqueViolation(error)) {
        const earlier = await this.repeatOf(userId, idempotencyKey, hash);
        if (earlier) return { record: earlier, repeated: true };
      }
      throw error;
    }
  }

  private async repeatOf(userId: number, key: string, hash: string): Promise<ImprovementRecord | undefined> {
    const earlier = await findByIdempotencyKey(this.deps.database.db, userId, key);
    if (!earlier) return undefined;
    if (earlier.row.requestHash !== hash) {
      throw new AppError('idempotency_key_reused', 'This Idempotency-Key was sent before with a different questionnaire or prompt; use a new key for a new request.');
    }
    return earlier;
  }

  async get(userId: number, rawId: string | number): Promise<ImprovementRecord> {
    const record = await findOwnedImprovement(this.deps.database.db, userId, positiveIdOr(rawId, improvementNotFound));
    if (!record) throw improvementNotFound();
    return record;
  }

  async list(userId: number, window?: { limit: number; offset: number }): Promise<{ records: ImprovementRecord[]; count?: number }> {
    const { db } = this.deps.database;
    if (!window) return { records: await listOwnedImprovements(db, userId) };
    const [records, count] = await Promise.all([listOwnedImprovements(db, userId, window), countOwnedImprovements(db, userId)]);
    return { records, count };
  }

  /** Waits until the improvement has settled, at most `waitMs`; answers its latest state either way. */
  async waitUntilSettled(userId: number, record: ImprovementRecord, waitMs: number, signal?: AbortSignal): Promise<ImprovementRecord> {
    let current = record;
    return this.deps.jobWatch.waitUntil(
      { jobId: () => current.row.jobId, read: async () => (current = await this.get(userId, record.row.id)), settled: isSettled },
      record,
      waitMs,
      signal,
    );
  }

  /**
   * The improvement's states as they change, from the current one to the settled one; ends early
   * when `signal` aborts (the client went away).
   */
  async *changes(userId: number, rawId: string, signal: AbortSignal): AsyncGenerator<ImprovementRecord> {
    let current = await this.get(userId, rawId);
    yield current;
    let last = `${improvementStatusOf(current)}:${current.job?.progress ?? 0}`;
    while (!isSettled(current) && current.row.jobId && !signal.aborted) {
      await this.deps.jobWatch.nextChange(current.row.jobId, undefined, signal);
      if (signal.aborted) return;
      current = await this.get(userId, current.row.id);
      const state = `${improvementStatusOf(current)}:${current.job?.progress ?? 0}`;
      if (state !== last) {
        last = state;
        yield current;
      }
    }
  }
}
