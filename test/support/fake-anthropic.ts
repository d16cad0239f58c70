import { estimateTokens, startFakeLlmServer, type FakeLlmOptions, type FakeLlmRequest, type FakeLlmServer, type FakeProtocol, type FakeReply } from './fake-llm-server.js';

export type { FakeLlmRequest, FakeLlmServer, FakeReply } from './fake-llm-server.js';

export interface FakeAnthropicOptions extends FakeLlmOptions {
  /** Whether `output_config.format` (structured outputs) is accepted, as it is by current models; default true. */
  structuredOutputs?: boolean;
}

/** The body of a Messages request as the fake reads it. */
export interface MessagesBody {
  model: string;
  max_tokens: number;
  system?: string;
  messages: { role: string; content: string }[];
  output_config?: { format?: { type: 'json_schema'; schema: Record<string, unknown> } };
  tools?: { name: string; description?: string; input_schema: Record<string, unknown> }[];
  tool_choice?: { type: string; name?: string };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function errorBody(status: number, message: string): unknown {
  return { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } };
}

function badRequest(message: string): FakeReply {
  return { status: 400, body: errorBody(400, message) };
}

function promptText(body: MessagesBody): string {
  return [body.system ?? '', ...body.messages.map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content)))].join('\n');
}

/** The tool a request forces, if it forces one. */
function forcedTool(body: MessagesBody): string | undefined {
  return body.tool_choice?.type === 'tool' ? body.tool_choice.name : undefined;
}

function toolInput(content: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(content);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The key a request carries: current SDKs send it as a bearer token, older ones as x-api-key. */
export function sentKey(request: FakeLlmRequest): string | undefined {
  const bearer = /^Bearer (.*)$/.exec(request.headers.authorization ?? '')?.[1];
  return bearer ?? (request.headers['x-api-key'] as string | undefined);
}

const STOP_REASONS: Record<string, string> = { length: 'max_tokens', stop: 'end_turn' };

function anthropicProtocol(options: FakeAnthropicOptions): FakeProtocol {
  return {
    basePath: '',
    check(request) {
      if (request.method !== 'POST' || request.path.split('?')[0] !== '/v1/messages') {
        return { status: 404, body: errorBody(404, `Not found: ${request.method} ${request.path}`) };
      }
      if (options.apiKey !== undefined && sentKey(request) !== options.apiKey) {
        return { status: 401, body: errorBody(401, 'invalid x-api-key') };
      }
      if (!request.headers['anthropic-version']) return badRequest('anthropic-version: header is required');
      const body = request.json as Partial<MessagesBody> | undefined;
      if (!body || typeof body.model !== 'string' || !Array.isArray(body.messages) || typeof body.max_tokens !== 'number') {
        return badRequest('model, max_tokens and messages: Field required');
      }
      if (body.output_config !== undefined && options.structuredOutputs === false) {
        return badRequest('output_config: Extra inputs are not permitted');
      }
      const tool = forcedTool(body as MessagesBody);
      if (tool !== undefined && !body.tools?.some((candidate) => candidate.name === tool)) {
        return badRequest(`tool_choice: tool '${tool}' not found in tools`);
      }
      return undefined;
    },
    completion(request, reply) {
      const body = request.json as MessagesBody;
      const text = 'content' in reply ? reply.content : '';
      const tool = forcedTool(body);
      const input = tool !== undefined ? toolInput(text) : undefined;
      const content = input !== undefined ? [{ type: 'tool_use', id: 'toolu_fake', name: tool, input }] : [{ type: 'text', text }];
      const finish = 'content' in reply ? reply.finishReason : 'refusal';
      const stopReason = finish === undefined ? (input !== undefined ? 'tool_use' : 'end_turn') : (STOP_REASONS[finish] ?? finish);
      const usage = 'content' in reply && reply.usage ? reply.usage : { inputTokens: estimateTokens(promptText(body)), outputTokens: estimateTokens(text) };
      return {
        id: `msg_fake${Date.now()}`,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: 'refusal' in reply ? [{ type: 'text', text: reply.refusal }] : content,
        stop_reason: stopReason,
        stop_sequence: null,
        usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
      };
    },
    error: errorBody,
    hugeCompletion(request) {
      const body = request.json as MessagesBody;
      const [before, after] = JSON.stringify({
        id: 'msg_fakehuge',
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [{ type: 'text', text: '\u0000' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 1, output_tokens: 1 },
      }).split('\\u0000') as [string, string];
      return { before, after };
    },
  };
}

/** The JSON schema a request holds the answer to (structured outputs, or the forced tool's input), if any. */
export function requestedSchema(request: FakeLlmRequest): Record<string, unknown> | undefined {
  const body = request.json as Partial<MessagesBody> | undefined;
  if (!body) return undefined;
  const tool = body.tool_choice?.type === 'tool' ? body.tools?.find((candidate) => candidate.name === body.tool_choice?.name) : undefined;
  return body.output_config?.format?.schema ?? tool?.input_schema;
}

/** A fake Anthropic server: POST /v1/messages, structured outputs and forced tool use included. */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeLlmServer> {
  return startFakeLlmServer(anthropicProtocol(options), options);
}
