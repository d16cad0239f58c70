import { estimateTokens, startFakeLlmServer, type FakeLlmOptions, type FakeLlmRequest, type FakeLlmServer, type FakeProtocol, type FakeReply } from './fake-llm-server.js';

export type { FakeLlmRequest, FakeLlmServer, FakeReply } from './fake-llm-server.js';

type ResponseFormatType = 'json_schema' | 'json_object' | 'text';

export interface FakeOpenAiOptions extends FakeLlmOptions {
  /**
   * The response_format types this server accepts (`text` = none asked). Many OpenAI-compatible
   * servers refuse json_schema, some json_object too; default: all.
   */
  responseFormats?: ResponseFormatType[];
  /** The one output-length field the model takes, as OpenAI's reasoning models insist; default: either. */
  tokenLimitField?: 'max_tokens' | 'max_completion_tokens';
  /** Refuses any temperature but the default, as OpenAI's reasoning models do. */
  defaultTemperatureOnly?: boolean;
}

/** The body of a chat-completion request as the fake reads it. */
export interface ChatCompletionBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: ResponseFormatType; json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean } };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
}

function errorBody(status: number, message: string, param: string | null = null, code: string | null = null): unknown {
  const type = status === 401 ? 'invalid_request_error' : status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param, code } };
}

function badRequest(message: string, param: string): FakeReply {
  return { status: 400, body: errorBody(400, message, param) };
}

function promptText(body: ChatCompletionBody): string {
  return body.messages.map((message) => message.content).join('\n');
}

/** A masked form of a key, as OpenAI quotes a wrong one back. */
function masked(key: string): string {
  return key.length > 8 ? `${key.slice(0, 3)}*****${key.slice(-4)}` : '*****';
}

function openAiProtocol(formats: ResponseFormatType[], options: FakeOpenAiOptions): FakeProtocol {
  return {
    basePath: '/v1',
    check(request) {
      if (request.method !== 'POST' || request.path.split('?')[0] !== '/v1/chat/completions') {
        return { status: 404, body: errorBody(404, `Unknown request URL: ${request.method} ${request.path}.`, null, 'unknown_url') };
      }
      if (options.apiKey !== undefined) {
        const sent = /^Bearer (.*)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
        if (sent !== options.apiKey) {
          return { status: 401, body: errorBody(401, `Incorrect API key provided: ${masked(sent)}. You can find your API key at https://platform.openai.com/account/api-keys.`, null, 'invalid_api_key') };
        }
      }
      const body = request.json as Partial<ChatCompletionBody> | undefined;
      if (!body || typeof body.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
        return badRequest("Missing required parameter: 'model' or 'messages'.", 'messages');
      }
      const format = body.response_format?.type ?? 'text';
      if (!formats.includes(format)) {
        return badRequest(`response_format type '${format}' is not supported by this server`, 'response_format');
      }
      if (format === 'json_object' && !promptText(body as ChatCompletionBody).toLowerCase().includes('json')) {
        return badRequest("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'messages');
      }
      const field = options.tokenLimitField;
      if (field === 'max_completion_tokens' && body.max_tokens !== undefined) {
        return badRequest("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens');
      }
      if (field === 'max_tokens' && body.max_completion_tokens !== undefined) {
        return badRequest('Unrecognized request argument supplied: max_completion_tokens', 'max_completion_tokens');
      }
      if (options.defaultTemperatureOnly && body.temperature !== undefined && body.temperature !== 1) {
        return badRequest(`Unsupported value: 'temperature' does not support ${body.temperature} with this model. Only the default (1) value is supported.`, 'temperature');
      }
      return undefined;
    },
    completion(request, reply) {
      const body = request.json as ChatCompletionBody;
      const content = 'content' in reply ? reply.content : null;
      const usage = 'content' in reply && reply.usage ? reply.usage : { inputTokens: estimateTokens(promptText(body)), outputTokens: estimateTokens(content ?? '') };
      return {
        id: `chatcmpl-fake${Date.now()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, refusal: 'refusal' in reply ? reply.refusal : null },
            finish_reason: 'content' in reply ? (reply.finishReason ?? 'stop') : 'stop',
            logprobs: null,
          },
        ],
        usage: { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens },
      };
    },
    error: (status, message) => errorBody(status, message),
    hugeCompletion(request) {
      const body = request.json as ChatCompletionBody;
      const [before, after] = JSON.stringify({
        id: 'chatcmpl-fakehuge',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: '\u0000', refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }).split('\\u0000') as [string, string];
      return { before, after };
    },
  };
}

/** The JSON schema a request holds the answer to (strict json_schema mode), if any. */
export function requestedSchema(request: FakeLlmRequest): Record<string, unknown> | undefined {
  return (request.json as Partial<ChatCompletionBody> | undefined)?.response_format?.json_schema?.schema;
}

/** A fake OpenAI-compatible server: POST /v1/chat/completions, response_format included. */
export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeLlmServer> {
  return startFakeLlmServer(openAiProtocol(options.responseFormats ?? ['json_schema', 'json_object', 'text'], options), options);
}
