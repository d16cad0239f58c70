import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { createLlmProvider } from '../../infra/llm/create-llm-provider.js';
import type { Improver } from './improver.js';
import { LlmImprover } from './llm-improver.js';
import { OfflineImprover } from './offline-improver.js';

/** A cautious estimate of the characters of JSON a token carries. */
const CHARACTERS_PER_TOKEN = 3;

/** The configured language model behind the improver, or the offline rules when none is configured. */
export function createImprover(config: Config, logger: Logger): Improver {
  const provider = createLlmProvider(config, { onFallback: (message) => logger.warn({ provider: config.llm }, message) });
  if (!provider) return new OfflineImprover();
  // The answer is JSON, about three characters a token, so it fits the tokens asked for; the stored
  // Markdown is kept to its own limit when it is written (resumeAsMarkdown drops the least important first).
  return new LlmImprover(provider, { maxOutputTokens: config.llmMaxOutputTokens, maxOutputChars: config.llmMaxOutputTokens * CHARACTERS_PER_TOKEN });
}
