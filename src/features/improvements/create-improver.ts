import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { createLlmProvider } from '../../infra/llm/create-llm-provider.js';
import type { Improver } from './improver.js';
import { LlmImprover } from './llm-improver.js';
import { OfflineImprover } from './offline-improver.js';
import { IMPROVEMENT_LIMITS } from './schema.js';

/** The configured language model behind the improver, or the offline rules when none is configured. */
export function createImprover(config: Config, logger: Logger): Improver {
  const provider = createLlmProvider(config, { onFallback: (message) => logger.warn({ provider: config.llm }, message) });
  if (!provider) return new OfflineImprover();
  return new LlmImprover(provider, { maxOutputTokens: config.llmMaxOutputTokens, maxOutputChars: IMPROVEMENT_LIMITS.responseTextMax });
}
