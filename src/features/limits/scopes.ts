import type { UsageScope } from '../../infra/db/schema.js';
import type { PlanRow } from '../plans/repository.js';
import { freePlanSeed } from '../plans/seed.js';

export { usageScopes as quotaScopes, type UsageScope as QuotaScope } from '../../infra/db/schema.js';

/** Daily allowances count over a rolling 24 hours, not a calendar day. */
export const QUOTA_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The limits a plan gives: daily allowances, kept in PostgreSQL, and request rates, counted in Redis or memory. */
export interface Allowances {
  planName: string;
  ai_responses: number;
  questionnaires: number;
  uploads: number;
  cv_uploads: number;
  /** Requests to /cv/ per hour. */
  api_calls: number;
  /** Unsafe requests outside /cv/ per minute. */
  burst: number;
}

type AllowanceColumns = Pick<PlanRow, 'name' | 'aiResponsesPerDay' | 'questionnairesPerDay' | 'uploadsPerDay' | 'cvUploadsPerDay' | 'apiCallsPerHour' | 'burstPerMinute'>;

export function allowancesOf(plan: AllowanceColumns): Allowances {
  return {
    planName: plan.name,
    ai_responses: plan.aiResponsesPerDay,
    questionnaires: plan.questionnairesPerDay,
    uploads: plan.uploadsPerDay,
    cv_uploads: plan.cvUploadsPerDay,
    api_calls: plan.apiCallsPerHour,
    burst: plan.burstPerMinute,
  };
}

/** The Free plan as seeded: for an account with no plan when no Free plan row exists either. */
export const SEEDED_FREE_ALLOWANCES: Allowances = allowancesOf(freePlanSeed);

/** How each daily allowance is named to people: the upstream's messages, and ours for its new scopes. */
export const quotaWords: Record<UsageScope, { limit: string; more: string }> = {
  ai_responses: { limit: 'AI response', more: 'AI responses' },
  questionnaires: { limit: 'questionnaire', more: 'questionnaires' },
  uploads: { limit: 'PDF document', more: 'PDF documents' },
  cv_uploads: { limit: 'CV upload', more: 'CV uploads' },
};
