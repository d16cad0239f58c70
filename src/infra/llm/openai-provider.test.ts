import { afterEach, describe, expect, it } from 'vitest';
import type { FakeLlmServer } from '../../../test/support/fake-llm-server.js';
import { startFakeOpenAi, type ChatCompletionBody, type FakeOpenAiOptions } from '../../../test/support/fake-openai.js';
import { LlmError, type LlmRequest } from './llm-provider.js';
import { adjustOpenAiDialect, OpenAiProvider, type OpenAiDialect } from './openai-provider.js';
import { completeJson } from './structured-output.js';

const SCHEMA = {
  type: 'object',
  properties: { title: { type: 'string' }, years: { type: ['number', 'null'] } },
  required: ['title', 'years'],
  additionalProperties: false,
};
const ANSWER = '{"title":"Plumber","years":10}';

const asked = (overrides: Partial<LlmRequest> = {}): LlmRequest & { output: { name: string; schema: Record<string, unknown> } } => ({
  system: 'Read the CV.',
  messages: [{ role: 'user', content: 'CV text' }],
  output: { name: 'cv facts', schema: SCHEMA },
  maxOutputTokens: 500,
  ...overrides,
});

const acceptAnything = (value: unknown) => ({ ok: true as const, value });

let fake: FakeLlmServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function currentFake(): FakeLlmServer {
  if (!fake) throw new Error('no fake started');
  return fake;
}

async function providerFor(options: FakeOpenAiOptions): Promise<OpenAiProvider> {
  fake = await startFakeOpenAi({ answer: ANSWER, ...options });
  return new OpenAiProvider({ baseUrl: currentFake().url, model: 'local-model', timeoutMs: 5000, maxAttempts: 3, retry: { baseDelayMs: 10 } });
}

const bodies = (): ChatCompletionBody[] => currentFake().bodies<ChatCompletionBody>();

describe('OpenAiProvider structured output', () => {
  it('asks for strict json_schema first, the schema named as the API allows and not repeated in the instructions', async () => {
    const provider = await providerFor({});
    await provider.complete(asked());
    const [body] = bodies();
    expect(body?.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'cv_facts', schema: SCHEMA, strict: true } });
    expect(body?.messages[0]).toEqual({ role: 'system', content: 'Read the CV.' });
    expect(body?.temperature).toBe(0.2);
  });

  it('asks for no format and adds nothing to the instructions when no schema is given', async () => {
    const provider = await providerFor({ responseFormats: ['text'] });
    await provider.complete({ system: 'Say hello.', messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 50 });
    const [body] = bodies();
    expect(body?.response_format).toBeUndefined();
    expect(body?.messages[0]?.content).toBe('Say hello.');
    expect(currentFake().requests).toHaveLength(1);
  });

  it('falls back to json_object with the schema in the instructions when json_schema is refused, and goes straight there afterwards', async () => {
    const provider = await providerFor({ responseFormats: ['json_object', 'text'] });
    const first = await provider.complete(asked());
    expect(first.text).toBe(ANSWER);
    expect(first.usage.calls).toBe(2);
    expect(bodies().map((body) => body.response_format?.type)).toEqual(['json_schema', 'json_object']);
    const fallbackSystem = bodies()[1]?.messages[0]?.content ?? '';
    expect(fallbackSystem.startsWith('Read the CV.')).toBe(true);
    expect(fallbackSystem).toContain(JSON.stringify(SCHEMA));

    const second = await provider.complete(asked());
    expect(second.usage.calls).toBe(1);
    expect(bodies().map((body) => body.response_format?.type)).toEqual(['json_schema', 'json_object', 'json_object']);
    expect(provider.currentDialect.output).toBe('json_object');
  });

  it('falls back to plain text when both JSON modes are refused, and the JSON is found in the prose', async () => {
    const provider = await providerFor({ responseFormats: ['text'], respond: () => ({ content: `Here it is:\n\`\`\`json\n${ANSWER}\n\`\`\`` }) });
    const result = await completeJson(provider, asked(), acceptAnything);
    expect(result.value).toEqual(JSON.parse(ANSWER));
    expect(result.repaired).toBe(false);
    expect(bodies().map((body) => body.response_format?.type ?? 'none')).toEqual(['json_schema', 'json_object', 'none']);
    expect(bodies()[2]?.messages[0]?.content).toContain(JSON.stringify(SCHEMA));

    await provider.complete(asked());
    expect(bodies()).toHaveLength(4);
    expect(bodies()[3]?.response_format).toBeUndefined();
  });

  it('says once why it falls back, for the log', async () => {
    fake = await startFakeOpenAi({ answer: ANSWER, responseFormats: ['json_object'] });
    const told: string[] = [];
    const provider = new OpenAiProvider({ baseUrl: currentFake().url, model: 'm', timeoutMs: 5000, maxAttempts: 1, onFallback: (message) => told.push(message) });
    await provider.complete(asked());
    await provider.complete(asked());
    expect(told).toHaveLength(1);
    expect(told[0]).toContain("response_format type 'json_schema' is not supported");
    expect(told[0]).toContain('json_object');
  });

  it('does not count the fallback calls against the attempts', async () => {
    fake = await startFakeOpenAi({ answer: ANSWER, responseFormats: ['text'] });
    const provider = new OpenAiProvider({ baseUrl: currentFake().url, model: 'm', timeoutMs: 5000, maxAttempts: 1 });
    expect((await provider.complete(asked())).usage.calls).toBe(3);
  });

  it('reports a 400 about something else as llm_config at once, dialect unchanged', async () => {
    const provider = await providerFor({});
    currentFake().enqueue({ status: 400, message: "This model's maximum context length is 8192 tokens." });
    const error = await provider.complete(asked()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ code: 'llm_config', retryable: false });
    expect((error as LlmError).message).toContain('maximum context length');
    expect(currentFake().requests).toHaveLength(1);
    expect(provider.currentDialect.output).toBe('json_schema');
  });

  it("treats the model's refusal as llm_bad_output, not retried", async () => {
    const provider = await providerFor({});
    currentFake().enqueue({ refusal: 'I cannot help with that.' });
    await expect(provider.complete(asked())).rejects.toMatchObject({ code: 'llm_bad_output', retryable: false });
    expect(currentFake().requests).toHaveLength(1);
  });
});

describe('OpenAiProvider length and sampling fields', () => {
  it('sends max_tokens to a compatible server and max_completion_tokens to OpenAI itself', () => {
    expect(new OpenAiProvider({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3', timeoutMs: 1000, maxAttempts: 1 }).currentDialect.tokenLimitField).toBe('max_tokens');
    expect(new OpenAiProvider({ apiKey: 'k', model: 'gpt-4o-mini', timeoutMs: 1000, maxAttempts: 1 }).currentDialect.tokenLimitField).toBe('max_completion_tokens');
    expect(new OpenAiProvider({ apiKey: 'k', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', timeoutMs: 1000, maxAttempts: 1 }).currentDialect.tokenLimitField).toBe(
      'max_completion_tokens',
    );
  });

  it('switches to max_completion_tokens when the model refuses max_tokens, and remembers', async () => {
    const provider = await providerFor({ tokenLimitField: 'max_completion_tokens' });
    await provider.complete(asked());
    await provider.complete(asked());
    expect(bodies().map((body) => [body.max_tokens, body.max_completion_tokens])).toEqual([
      [500, undefined],
      [undefined, 500],
      [undefined, 500],
    ]);
  });

  it('drops the temperature for a model that takes only its default, and remembers', async () => {
    const provider = await providerFor({ defaultTemperatureOnly: true });
    await provider.complete(asked());
    await provider.complete(asked());
    expect(bodies().map((body) => body.temperature)).toEqual([0.2, undefined, undefined]);
  });

  it('learns several refusals in a row: format, length field, temperature', async () => {
    const provider = await providerFor({ responseFormats: ['json_object'], tokenLimitField: 'max_completion_tokens', defaultTemperatureOnly: true });
    const answer = await provider.complete(asked());
    expect(answer.text).toBe(ANSWER);
    expect(provider.currentDialect).toEqual({ output: 'json_object', tokenLimitField: 'max_completion_tokens', temperature: false });
  });

  it('talks to a keyless local server with a placeholder key', async () => {
    const provider = await providerFor({});
    await provider.complete(asked());
    expect(currentFake().requests[0]?.headers.authorization).toMatch(/^Bearer \S+$/);
  });
});

describe('adjustOpenAiDialect', () => {
  const start: OpenAiDialect = { output: 'json_schema', tokenLimitField: 'max_tokens', temperature: true };

  it('steps the output mode down one at a time and stops at text', () => {
    const refusal = "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.";
    const once = adjustOpenAiDialect(start, refusal);
    expect(once?.output).toBe('json_object');
    expect(adjustOpenAiDialect(once as OpenAiDialect, refusal)?.output).toBe('text');
    expect(adjustOpenAiDialect({ ...start, output: 'text' }, refusal)).toBeUndefined();
  });

  it('offers nothing for a refusal no dialect change can mend', () => {
    expect(adjustOpenAiDialect(start, 'Invalid model name')).toBeUndefined();
    expect(adjustOpenAiDialect({ ...start, temperature: false }, "'temperature' unsupported")).toBeUndefined();
  });
});
