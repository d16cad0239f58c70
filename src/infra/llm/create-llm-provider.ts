import type { Config } from '../../config.js';
import { AnthropicProvider } from './anthropic-provider.js';
import { answerByteCap } from './capped-fetch.js';
import { OpenAiProvider } from './openai-provider.js';
import type { LlmProvider } from './llm-provider.js';
import type { ProviderSettings } from './run-completion.js';

type LlmConfig = Pick<
  Config,
  | 'llm'
  | 'openaiApiKey'
  | 'openaiBaseUrl'
  | 'openaiModel'
  | 'anthropicApiKey'
  | 'anthropicBaseUrl'
  | 'anthropicModel'
  | 'llmTimeoutSeconds'
  | 'llmMaxAttempts'
  | 'llmMaxOutputTokens'
>;

/** The configured language model, or undefined when the service runs offline (LLM_PROVIDER=offline or no key). */
export function createLlmProvider(config: LlmConfig, overrides: Pick<ProviderSettings, 'retry' | 'onFallback'> = {}): LlmProvider | undefined {
  if (config.llm === 'offline') return undefined;
  const shared = {
    timeoutMs: config.llmTimeoutSeconds * 1000,
    maxAttempts: config.llmMaxAttempts,
    maxAnswerBytes: answerByteCap(config.llmMaxOutputTokens),
    ...overrides,
  };
  if (config.llm === 'openai') {
    return new OpenAiProvider({ apiKey: config.openaiApiKey, baseUrl: config.openaiBaseUrl, model: config.openaiModel, ...shared });
  }
  return new AnthropicProvider({ apiKey: config.anthropicApiKey, baseUrl: config.anthropicBaseUrl, model: config.anthropicModel, ...shared });
}
