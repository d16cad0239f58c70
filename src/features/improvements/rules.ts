import type { LlmErrorCode } from '../../infra/llm/llm-provider.js';

/** Why an improvement job fails, by a code its owner may see. */
export const llmErrorCodes = ['llm_unavailable', 'llm_rate_limited', 'llm_timeout', 'llm_bad_output', 'llm_config'] as const satisfies readonly LlmErrorCode[];

export const improvementErrorCodes = [...llmErrorCodes, 'cv_unavailable'] as const;
