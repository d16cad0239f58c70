import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { cappedFetch } from './capped-fetch.js';
import type { LlmAnswer, LlmProvider, LlmRequest } from './llm-provider.js';
import { maxAnswerBytes, runCompletion, schemaInstruction, unusableAnswer, wireName, type ProviderSettings, type RawAnswer } from './run-completion.js';

/** The request options an OpenAI-compatible server accepts, learnt from its 400s. */
export interface OpenAiDialect {
  /** json_schema: held to the schema; json_object: any JSON, the schema in the instructions; text: JSON found in the prose. */
  output: 'json_schema' | 'json_object' | 'text';
  /** OpenAI's reasoning models take only max_completion_tokens; many compatible servers know only max_tokens. */
  tokenLimitField: 'max_tokens' | 'max_completion_tokens';
  /** Some models take only their default temperature. */
  temperature: boolean;
}

const TEMPERATURE = 0.2;
const PROVIDER_NAME = 'The OpenAI-compatible provider';
/** Sent when no key is configured: local servers (Ollama, vLLM, LM Studio) ignore it, the SDK insists on one. */
const PLACEHOLDER_KEY = 'no-key';

function isOpenAiItself(baseUrl: string | undefined): boolean {
  return baseUrl === undefined || new URL(baseUrl).hostname === 'api.openai.com';
}

const WEAKER_OUTPUT: Record<OpenAiDialect['output'], OpenAiDialect['output'] | undefined> = {
  json_schema: 'json_object',
  json_object: 'text',
  text: undefined,
};

/** The next dialect after a 400 saying `refusal`: a weaker output mode, the other length field, no temperature. */
export function adjustOpenAiDialect(dialect: OpenAiDialect, refusal: string): OpenAiDialect | undefined {
  const said = refusal.toLowerCase();
  const weaker = WEAKER_OUTPUT[dialect.output];
  if (/response_format|json_schema|json_object|structured output/.test(said)) return weaker ? { ...dialect, output: weaker } : undefined;
  if (said.includes(dialect.tokenLimitField)) {
    return { ...dialect, tokenLimitField: dialect.tokenLimitField === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens' };
  }
  if (said.includes('temperature') && dialect.temperature) return { ...dialect, temperature: false };
  return undefined;
}

function chatParams(model: string, request: LlmRequest, dialect: OpenAiDialect): ChatCompletionCreateParamsNonStreaming {
  const describeSchema = request.output !== undefined && dialect.output !== 'json_schema';
  const system = describeSchema && request.output ? request.system + schemaInstruction(request.output) : request.system;
  const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: system }, ...request.messages.map((message) => ({ role: message.role, content: message.content }))];
  const params: ChatCompletionCreateParamsNonStreaming = { model, messages, [dialect.tokenLimitField]: request.maxOutputTokens };
  if (dialect.temperature) params.temperature = TEMPERATURE;
  if (request.output && dialect.output === 'json_schema') {
    params.response_format = { type: 'json_schema', json_schema: { name: wireName(request.output.name), schema: request.output.schema, strict: true } };
  } else if (request.output && dialect.output === 'json_object') {
    params.response_format = { type: 'json_object' };
  }
  return params;
}

function readCompletion(completion: ChatCompletion): RawAnswer {
  const choice = completion.choices[0];
  if (!choice) throw unusableAnswer(PROVIDER_NAME, 'it holds no choice');
  if (choice.message.refusal) throw unusableAnswer(PROVIDER_NAME, `the model declined (${choice.message.refusal.slice(0, 200)})`);
  if (choice.finish_reason === 'content_filter') throw unusableAnswer(PROVIDER_NAME, 'the content filter stopped it');
  const text = choice.message.content ?? '';
  if (text.trim() === '') throw unusableAnswer(PROVIDER_NAME, choice.finish_reason === 'length' ? 'it is empty, cut at the length limit' : 'it is empty');
  return {
    text,
    finishReason: choice.finish_reason,
    inputTokens: completion.usage?.prompt_tokens ?? 0,
    outputTokens: completion.usage?.completion_tokens ?? 0,
  };
}

/** Chat completions of OpenAI or any server that speaks its protocol (Ollama, vLLM, LM Studio). */
export class OpenAiProvider implements LlmProvider {
  readonly name = 'openai' as const;
  readonly model: string;
  private readonly client: OpenAI;
  private dialect: OpenAiDialect;

  constructor(private readonly settings: ProviderSettings) {
    this.model = settings.model;
    this.client = new OpenAI({
      apiKey: settings.apiKey ?? PLACEHOLDER_KEY,
      baseURL: settings.baseUrl,
      // One retry layer for the whole service: ours.
      maxRetries: 0,
      timeout: settings.timeoutMs,
      fetch: cappedFetch(maxAnswerBytes(settings)),
    });
    this.dialect = { output: 'json_schema', tokenLimitField: isOpenAiItself(settings.baseUrl) ? 'max_completion_tokens' : 'max_tokens', temperature: true };
  }

  /** The dialect the next call will use: what this server has been found to accept. */
  get currentDialect(): OpenAiDialect {
    return this.dialect;
  }

  /** One answer; retries, deadline and dialect fallbacks inside. */
  complete(request: LlmRequest): Promise<LlmAnswer> {
    return runCompletion(request, this.settings, {
      name: this.name,
      errorContext: { provider: PROVIDER_NAME, model: this.model, secrets: [this.settings.apiKey] },
      dialect: () => this.dialect,
      remember: (dialect) => {
        this.dialect = dialect;
      },
      adjust: adjustOpenAiDialect,
      send: async (dialect, signal) => {
        const completion = await this.client.chat.completions.create(chatParams(this.model, request, dialect), {
          signal,
          ...(request.idempotencyKey ? { headers: { 'Idempotency-Key': request.idempotencyKey } } : {}),
        });
        return readCompletion(completion);
      },
    });
  }
}
