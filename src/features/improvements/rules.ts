import type { LlmErrorCode } from '../../infra/llm/llm-provider.js';

/** Why an improvement job fails, by a code its owner may see. */
export const llmErrorCodes = ['llm_unavailable', 'llm_rate_limited', 'llm_timeout', 'llm_bad_output', 'llm_config'] as const satisfies readonly LlmErrorCode[];

export const improvementErrorCodes = [...llmErrorCodes, 'cv_unavailable'] as const;

/** `Prefer: wait=N` (RFC 7240): how many seconds the client will wait, capped; 0 when it did not ask. */
export function preferredWaitSeconds(prefer: string | undefined, maxSeconds: number): number {
  if (!prefer) return 0;
  for (const part of prefer.split(',')) {
    const match = /^\s*wait\s*=\s*"?(\d{1,6})"?\s*(?:;.*)?$/i.exec(part);
    if (match?.[1]) return Math.min(Number(match[1]), maxSeconds);
  }
  return 0;
}
