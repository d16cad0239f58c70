import { afterEach, describe, expect, it } from 'vitest';
import { requestedSchema, startFakeAnthropic, type FakeAnthropicOptions, type MessagesBody } from '../../../test/support/fake-anthropic.js';
import type { FakeLlmRequest, FakeLlmServer } from '../../../test/support/fake-llm-server.js';
import { adjustAnthropicDialect, AnthropicProvider } from './anthropic-provider.js';
import type { LlmRequest } from './llm-provider.js';

const SCHEMA = {
  type: 'object',
  properties: { skills: { type: 'array', items: { type: 'string' } } },
  required: ['skills'],
  additionalProperties: false,
};
const ANSWER = { skills: ['welding', 'pipe fitting'] };

const asked = (overrides: Partial<LlmRequest> = {}): LlmRequest => ({
  system: 'List the skills.',
  messages: [{ role: 'user', content: 'CV text' }],
  output: { name: 'skill list', schema: SCHEMA },
  maxOutputTokens: 900,
  ...overrides,
});

let fake: FakeLlmServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function currentFake(): FakeLlmServer {
  if (!fake) throw new Error('no fake started');
  return fake;
}

async function providerFor(options: FakeAnthropicOptions): Promise<AnthropicProvider> {
  fake = await startFakeAnthropic({ answer: JSON.stringify(ANSWER), ...options });
  return new AnthropicProvider({ apiKey: 'sk-ant-test', baseUrl: currentFake().url, model: 'claude-test', timeoutMs: 5000, maxAttempts: 3, retry: { baseDelayMs: 10 } });
}

const bodies = (): MessagesBody[] => currentFake().bodies<MessagesBody>();

describe('AnthropicProvider', () => {
  it('asks for structured output with the schema, the system prompt apart, no tools', async () => {
    const provider = await providerFor({});
    const answer = await provider.complete(asked());
    expect(JSON.parse(answer.text)).toEqual(ANSWER);
    const [body] = bodies();
    expect(body?.output_config).toEqual({ format: { type: 'json_schema', schema: SCHEMA } });
    expect(body?.system).toBe('List the skills.');
    expect(body?.max_tokens).toBe(900);
    expect(body?.tools).toBeUndefined();
  });

  it('sends neither format nor tools when no schema is given', async () => {
    const provider = await providerFor({ answer: 'Hello.' });
    const answer = await provider.complete({ system: 'Greet.', messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 50 });
    expect(answer.text).toBe('Hello.');
    expect(bodies()[0]?.output_config).toBeUndefined();
    expect(bodies()[0]?.tools).toBeUndefined();
  });

  it('falls back to one forced tool when structured outputs are refused, takes its input as the answer, and remembers', async () => {
    const provider = await providerFor({ structuredOutputs: false });
    const first = await provider.complete(asked());
    expect(JSON.parse(first.text)).toEqual(ANSWER);
    expect(first.finishReason).toBe('stop');
    expect(first.usage.calls).toBe(2);

    const fallback = bodies()[1];
    expect(fallback?.output_config).toBeUndefined();
    expect(fallback?.tools).toEqual([expect.objectContaining({ name: 'skill_list', input_schema: SCHEMA })]);
    expect(fallback?.tool_choice).toMatchObject({ type: 'tool', name: 'skill_list' });
    expect(fallback?.system).toContain('List the skills.');
    expect(requestedSchema(currentFake().requests[1] as FakeLlmRequest)).toEqual(SCHEMA);

    const second = await provider.complete(asked());
    expect(second.usage.calls).toBe(1);
    expect(bodies()).toHaveLength(3);
    expect(bodies()[2]?.tool_choice).toMatchObject({ type: 'tool', name: 'skill_list' });
    expect(provider.currentDialect.output).toBe('tool');
  });

  it('retries an overloaded endpoint (529) and answers', async () => {
    const provider = await providerFor({});
    currentFake().enqueue({ status: 529, message: 'Overloaded' }, { status: 529, message: 'Overloaded' });
    const answer = await provider.complete(asked());
    expect(answer.usage.calls).toBe(3);
    expect(currentFake().requests).toHaveLength(3);
  });

  it("treats the model's refusal as llm_bad_output, not retried", async () => {
    const provider = await providerFor({});
    currentFake().enqueue({ refusal: 'I will not do that.' });
    await expect(provider.complete(asked())).rejects.toMatchObject({ code: 'llm_bad_output', retryable: false });
    expect(currentFake().requests).toHaveLength(1);
  });

  it('reports an unknown model (404) as llm_config naming it, after one call', async () => {
    const provider = await providerFor({});
    currentFake().enqueue({ status: 404, message: 'model: claude-test' });
    const error = await provider.complete(asked()).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'llm_config', retryable: false });
    expect((error as Error).message).toContain('claude-test');
    expect(currentFake().requests).toHaveLength(1);
  });
});

describe('adjustAnthropicDialect', () => {
  it('moves from structured outputs to the tool only for a refusal that is about them', () => {
    expect(adjustAnthropicDialect({ output: 'output_config' }, 'output_config: Extra inputs are not permitted')).toEqual({ output: 'tool' });
    expect(adjustAnthropicDialect({ output: 'output_config' }, 'messages: roles must alternate')).toBeUndefined();
    expect(adjustAnthropicDialect({ output: 'tool' }, 'output_config: Extra inputs are not permitted')).toBeUndefined();
  });
});
