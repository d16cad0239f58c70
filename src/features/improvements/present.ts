import type { CvAnalysis } from '../analysis/schema.js';
import { jobBackedStatus } from '../../jobs/job-backed-status.js';
import type { ImprovementRecord } from './repository.js';
import { improvementErrorCodes } from './rules.js';
import type { ImprovementBody } from './schema.js';

const knownCodes = new Set<string>(improvementErrorCodes);

type Status = ImprovementBody['status'];

/** The improvement's state: its job's, or, once the job row is cleaned away, what the row shows. */
export function improvementStatusOf(record: ImprovementRecord): Status {
  return jobBackedStatus(record.row, record.job);
}

/** Why an improvement failed, as its owner may see it: an unexpected failure shows no internals. */
function errorOf(record: ImprovementRecord): ImprovementBody['error'] {
  const code = record.job?.errorCode;
  if (code && knownCodes.has(code)) return { code, message: record.job?.error ?? '' };
  return { code: 'internal_error', message: 'The improvement failed because of a server error. Ask for it again, or try later.' };
}

/** The improvement object; links are absolute, built from the address the client used. */
export function presentImprovement(record: ImprovementRecord, baseUrl: string): ImprovementBody {
  const { row } = record;
  const status = improvementStatusOf(record);
  const self = `${baseUrl}/cv/ai-responses/${row.id}/`;
  return {
    id: row.id,
    questionnaire: row.questionnaireId,
    status,
    progress: status === 'succeeded' ? 100 : (record.job?.progress ?? 0),
    error: status === 'failed' ? errorOf(record) : null,
    created_at: row.createdAt.toISOString(),
    completed_at: row.completedAt?.toISOString() ?? null,
    response_text: row.responseText,
    resume: (row.resume) ?? null,
    changes: (row.changes as ImprovementBody['changes'] | null) ?? [],
    analysis: {
      before: (row.analysisBefore as CvAnalysis | null) ?? null,
      after: (row.analysisAfter as CvAnalysis | null) ?? null,
    },
    usage:
      row.provider && row.model
        ? {
            provider: row.provider,
            model: row.model,
            input_tokens: row.inputTokens ?? 0,
            output_tokens: row.outputTokens ?? 0,
            latency_ms: row.latencyMs ?? 0,
            calls: row.llmCalls ?? 0,
          }
        : null,
    links: { self, events: `${self}events/`, questionnaire: `${baseUrl}/cv/questionnaire/${row.questionnaireId}/` },
  };
}
