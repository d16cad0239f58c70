import type { LlmUsage } from '../../infra/llm/llm-provider.js';
import type { JsonResume } from '../../resume/json-resume.js';
import type { AnalysisTarget } from '../analysis/analysis-input.js';
import type { KeywordFinding } from '../analysis/schema.js';

/** What an improver is asked: a CV (personal data already replaced by placeholders) and the job it should fit. */
export interface ImprovementRequest {
  resume: JsonResume;
  target: AnalysisTarget & { companySize: string; location: string };
  /** The person's own request, at least 10 characters. */
  prompt: string;
  /** The advert's keywords the CV already shows (with where), from the analysis before. */
  keywordsFound: KeywordFinding[];
  /** The advert's keywords the CV does not show: an improver may not claim them. */
  keywordsMissing: KeywordFinding[];
}

/** Why something changed, by JSON pointer into the improved CV (e.g. /work/0/highlights/1). */
export type ChangeReasons = Record<string, string>;

/** What an improver returns before it is checked for invented facts. */
export interface ImprovementDraft {
  resume: JsonResume;
  reasons: ChangeReasons;
  usage: LlmUsage;
}

/** Rewrites a CV for a job: through a language model, or offline by fixed rules. */
export interface Improver {
  readonly provider: 'openai' | 'anthropic' | 'offline';
  readonly model: string;
  improve(request: ImprovementRequest, options: { signal: AbortSignal; idempotencyKey: string; onProgress?: (percent: number) => void }): Promise<ImprovementDraft>;
}

/** One change the improvement made, for the person to review. */
export interface ResumeChange {
  /** Top-level section: basics, work, education, skills… */
  section: string;
  path: string;
  kind: 'added' | 'removed' | 'changed' | 'moved';
  before: string | null;
  after: string | null;
  reason: string;
}
