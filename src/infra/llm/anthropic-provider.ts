import Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import { cappedFetch } from './capped-fetch.js';
import type { LlmAnswer, LlmProvider, LlmRequest } from './llm-provider.js';
import { maxAnswerBytes, runCompletion, unusableAnswer, wireName, type ProviderSettings, type RawAnswer } from './run-completion.js';

/** The request options the Anthropic endpoint accepts, learnt from its 400s. */
export interface AnthropicDialect {
  /** output_config: structured outputs, held to the schema; tool: one forced tool whose input is the answer. */
  output: 'output_config' | 'tool';
}

const PROVIDER_NAME = 'Anthropic';

/** Stop reasons in the words LlmAnswer uses: `stop`, `length`, or the provider's own. */
const FINISH_REASONS: Record<string, string> = {
  end_turn: 'stop',
  tool_use: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
};

/** The next dialect after a 400 saying `refusal`: the forced tool where structured outputs are refused. */
export function adjustAnthropicDialect(dialect: AnthropicDialect, refusal: string): AnthropicDialect | undefined {
  const refusesStructuredOutput = /output_config|output_format|structured output|json_schema/.test(refusal.toLowerCase());
  return dialect.output === 'output_config' && refusesStructuredOutput ? { output: 'tool' } : undefined;
}

function messageParams(model: string, request: LlmRequest, dialect: AnthropicDialect): MessageCreateParamsNonStreaming {
  const params: MessageCreateParamsNonStreaming = {
    model,
    max_tokens: request.maxOutputTokens,
    system: request.system,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
  };
  if (request.output && dialect.output === 'output_config') {
    params.output_config = { format: { type: 'json_schema', schema: request.output.schema } };
  } else if (request.output) {
    const name = wireName(request.output.name);
    params.system = `${request.system}\n\nGive your whole answer by calling the tool "${name}" once; its input is the answer.`;
    params.tools = [{ name, description: `Records the answer, which follows the schema "${request.output.name}".`, input_schema: request.output.schema as { type: 'object' } }];
    params.tool_choice = { type: 'tool', name, disable_parallel_tool_use: true };
  }
  return params;
}

function readMessage(message: Message, toolName: string | undefined): RawAnswer {
  if (message.stop_reason === 'refusal') throw unusableAnswer(PROVIDER_NAME, 'the model declined');
  const toolUse = toolName === undefined ? undefined : message.content.find((block) => block.type === 'tool_use' && block.name === toolName);
  const text =
    toolUse?.type === 'tool_use'
      ? JSON.stringify(toolUse.input)
      : message.content
          .filter((block) => block.type === 'text')
          .map((block) => block.text)
          .join('');
  const finishReason = FINISH_REASONS[message.stop_reason ?? ''] ?? message.stop_reason ?? 'unknown';
  if (text.trim() === '') throw unusableAnswer(PROVIDER_NAME, finishReason === 'length' ? 'it is empty, cut at the length limit' : 'it is empty');
  return { text, finishReason, inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens };
}

/** Claude through Anthropic's Messages API. */
export class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic' as const;
  readonly model: string;
  private readonly client: Anthropic;
  private dialect: AnthropicDialect = { output: 'output_config' };

  constructor(private readonly settings: ProviderSettings) {
    this.model = settings.model;
    this.client = new Anthropic({
      apiKey: settings.apiKey ?? null,
      baseURL: settings.baseUrl,
      // One retry layer for the whole service: ours.
      maxRetries: 0,
      timeout: settings.timeoutMs,
      fetch: cappedFetch(maxAnswerBytes(settings)),
    });
  }

  /** The dialect the next call will use: what the endpoint has been found to accept. */
  get currentDialect(): AnthropicDialect {
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
      adjust: adjustAnthropicDialect,
      send: async (dialect, signal) => {
        const message = await this.client.messages.create(messageParams(this.model, request, dialect), {
          signal,
          ...(request.idempotencyKey ? { headers: { 'Idempotency-Key': request.idempotencyKey } } : {}),
        });
        const toolName = request.output && dialect.output === 'tool' ? wireName(request.output.name) : undefined;
        return readMessage(message, toolName);
      },
    });
  }
}
