import { afterEach, describe, expect, it } from 'vitest';
import { requestedSchema as anthropicSchema, startFakeAnthropic, type MessagesBody } from '../../../test/support/fake-anthropic.js';
import type { FakeLlmOptions, FakeLlmRequest, FakeLlmServer } from '../../../test/support/fake-llm-server.js';
import { requestedSchema as openAiSchema, startFakeOpenAi, type ChatCompletionBody } from '../../../test/support/fake-openai.js';
import { AnthropicProvider } from './anthropic-provider.js';
import { LlmError, type LlmProvider, type LlmRequest } from './llm-provider.js';
import { OpenAiProvider } from './openai-provider.js';
import type { ProviderSettings } from './run-completion.js';
import { completeJson, type JsonValidation } from './structured-output.js';

const KEY = 'sk-test-0123456789abcdef';

/** What the shared tests need to know of one provider and its fake. */
interface ProviderKit {
  name: 'openai' | 'anthropic';
  start(options?: FakeLlmOptions): Promise<FakeLlmServer>;
  create(settings: ProviderSettings): LlmProvider;
  maxTokens(body: unknown): number | undefined;
  system(body: unknown): string | undefined;
  /** The conversation sent, system prompt left out. */
  messages(body: unknown): { role: string; content: string }[];
  /** The schema the request holds the answer to. */
  schema(request: FakeLlmRequest): unknown;
  apiKey(headers: Record<string, string | string[] | undefined>): string | undefined;
}

const kits: ProviderKit[] = [
  {
    name: 'openai',
    start: (options) => startFakeOpenAi(options),
    create: (settings) => new OpenAiProvider(settings),
    maxTokens: (body) => {
      const chat = body as ChatCompletionBody;
      return chat.max_tokens ?? chat.max_completion_tokens;
    },
    system: (body) => (body as ChatCompletionBody).messages.find((message) => message.role === 'system')?.content,
    messages: (body) => (body as ChatCompletionBody).messages.filter((message) => message.role !== 'system'),
    schema: openAiSchema,
    apiKey: (headers) => /^Bearer (.*)$/.exec(String(headers.authorization))?.[1],
  },
  {
    name: 'anthropic',
    start: (options) => startFakeAnthropic(options),
    create: (settings) => new AnthropicProvider(settings),
    maxTokens: (body) => (body as MessagesBody).max_tokens,
    system: (body) => (body as MessagesBody).system,
    messages: (body) => (body as MessagesBody).messages,
    schema: anthropicSchema,
    apiKey: (headers) => /^Bearer (.*)$/.exec(String(headers.authorization))?.[1] ?? (headers['x-api-key'] as string | undefined),
  },
];

const SCHEMA = {
  type: 'object',
  properties: { summary: { type: 'string' }, score: { type: 'number' } },
  required: ['summary', 'score'],
  additionalProperties: false,
};

interface Verdict {
  summary: string;
  score: number;
}

function request(overrides: Partial<LlmRequest> = {}): LlmRequest & { output: { name: string; schema: Record<string, unknown> } } {
  return {
    system: 'Judge the CV against the job.',
    messages: [{ role: 'user', content: '<cv>Ten years of plumbing.</cv>' }],
    output: { name: 'verdict', schema: SCHEMA },
    maxOutputTokens: 777,
    ...overrides,
  };
}

const validateVerdict = (value: unknown): JsonValidation<Verdict> => {
  const candidate = value as Partial<Verdict> | null;
  if (candidate && typeof candidate.summary === 'string' && typeof candidate.score === 'number') return { ok: true, value: candidate as Verdict };
  return { ok: false, problems: 'summary (string) and score (number) are required' };
};

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(LlmError);
  return error as LlmError;
}

describe.each(kits)('$name provider against its fake', (kit) => {
  let fake: FakeLlmServer;
  afterEach(async () => {
    await fake.close();
  });

  async function setUp(settings: Partial<ProviderSettings> = {}, options: FakeLlmOptions = {}): Promise<LlmProvider> {
    fake = await kit.start({ apiKey: KEY, answer: '{"summary":"fits","score":0.5}', ...options });
    return kit.create({ apiKey: KEY, baseUrl: fake.url, model: `${kit.name}-model`, timeoutMs: 5000, maxAttempts: 3, retry: { baseDelayMs: 10 }, ...settings });
  }

  it('answers with the text, the finish reason and the usage, in one call that carries the request as given', async () => {
    const provider = await setUp();
    fake.enqueue({ content: '{"summary":"a good fit","score":0.8}', usage: { inputTokens: 321, outputTokens: 54 } });
    const answer = await provider.complete(request({ idempotencyKey: 'job-42' }));

    expect(answer.text).toBe('{"summary":"a good fit","score":0.8}');
    expect(answer.finishReason).toBe('stop');
    expect(answer.usage).toMatchObject({ provider: kit.name, model: `${kit.name}-model`, inputTokens: 321, outputTokens: 54, calls: 1 });
    expect(answer.usage.latencyMs).toBeGreaterThanOrEqual(0);

    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    const body = sent?.json;
    expect(kit.apiKey(sent?.headers ?? {})).toBe(KEY);
    expect(sent?.headers['idempotency-key']).toBe('job-42');
    expect((body as { model: string }).model).toBe(`${kit.name}-model`);
    expect(kit.maxTokens(body)).toBe(777);
    expect(kit.system(body)).toContain('Judge the CV against the job.');
    expect(kit.messages(body)).toEqual([{ role: 'user', content: '<cv>Ten years of plumbing.</cv>' }]);
    expect(sent && kit.schema(sent)).toEqual(SCHEMA);
  });

  it('reports an answer cut at the length limit as finish reason length', async () => {
    const provider = await setUp();
    fake.enqueue({ content: '{"summary":"a lo', finishReason: 'length' });
    expect((await provider.complete(request())).finishReason).toBe('length');
  });

  it('waits out a 429 for its Retry-After, then answers', async () => {
    const provider = await setUp();
    fake.enqueue({ status: 429, headers: { 'retry-after': '1' } });
    const started = performance.now();
    const answer = await provider.complete(request());
    const waited = performance.now() - started;

    expect(fake.requests).toHaveLength(2);
    expect(answer.usage.calls).toBe(2);
    expect(waited).toBeGreaterThanOrEqual(950);
  });

  it('gives up with llm_unavailable after exactly maxAttempts calls to a failing server', async () => {
    const provider = await setUp({ maxAttempts: 3 }, { respond: () => ({ status: 500, message: 'upstream exploded' }) });
    const error = await failure(provider.complete(request()));
    expect(error).toMatchObject({ code: 'llm_unavailable', retryable: true });
    expect(error.message).toContain('upstream exploded');
    expect(fake.requests).toHaveLength(3);
  });

  it('stops at the first 401 with llm_config, without repeating the key', async () => {
    const provider = await setUp({ apiKey: 'sk-wrong-key-9876543210' });
    const error = await failure(provider.complete(request()));
    expect(error).toMatchObject({ code: 'llm_config', retryable: false });
    expect(error.message).toContain('401');
    expect(error.message).not.toContain('9876543210');
    expect(fake.requests).toHaveLength(1);
  });

  it('abandons a server that never answers after the timeout, once per attempt', async () => {
    const provider = await setUp({ timeoutMs: 300, maxAttempts: 2 }, { respond: () => ({ hang: true }) });
    const started = performance.now();
    const error = await failure(provider.complete(request()));
    expect(error).toMatchObject({ code: 'llm_timeout', retryable: true });
    expect(fake.requests).toHaveLength(2);
    // Two attempts of 300 ms and a backoff, not the test's own timeout.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('counts the body in the timeout: an answer that stalls halfway is abandoned too', async () => {
    const provider = await setUp({ timeoutMs: 300, maxAttempts: 1 });
    fake.enqueue({ content: '{"summary":"slow","score":1}', stallBodyMs: 3000 });
    const started = performance.now();
    const error = await failure(provider.complete(request()));
    expect(error.code).toBe('llm_timeout');
    // Abandoned before the rest of the body would have come.
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('waits for a slow answer that comes within the timeout', async () => {
    const provider = await setUp({ timeoutMs: 1000, maxAttempts: 1 });
    fake.enqueue({ content: '{"summary":"late but fine","score":1}', delayMs: 150 });
    expect((await provider.complete(request())).text).toContain('late but fine');
  });

  it('repairs an answer that is not JSON in a second call that shows the model its answer and what is wrong', async () => {
    const provider = await setUp();
    fake.enqueue({ content: 'Sure! The summary is: fits.' }, { content: '{"summary":"fits","score":0.7}' });
    const result = await completeJson(provider, request({ idempotencyKey: 'job-7' }), validateVerdict);

    expect(result).toMatchObject({ value: { summary: 'fits', score: 0.7 }, repaired: true });
    expect(result.usage.calls).toBe(2);
    expect(fake.requests).toHaveLength(2);
    const repairMessages = kit.messages(fake.requests[1]?.json);
    expect(repairMessages.slice(0, 2)).toEqual([
      { role: 'user', content: '<cv>Ten years of plumbing.</cv>' },
      { role: 'assistant', content: 'Sure! The summary is: fits.' },
    ]);
    expect(repairMessages[2]?.content).toContain('not valid JSON');
    expect(fake.requests[1]?.headers['idempotency-key']).toBe('job-7:repair');
  });

  it('drops a 5 MB answer quickly as llm_bad_output, without retrying it', async () => {
    const provider = await setUp();
    fake.enqueue({ bodyBytes: 5 * 1024 * 1024 });
    const started = performance.now();
    const error = await failure(provider.complete(request()));
    expect(error).toMatchObject({ code: 'llm_bad_output', retryable: false });
    expect(error.message).toMatch(/exceeded \d+ bytes/);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(fake.requests).toHaveLength(1);
  });

  it('stops reading a huge answer early: the connection is dropped and memory stays flat', async () => {
    const provider = await setUp();
    const size = 128 * 1024 * 1024;
    fake.enqueue({ bodyBytes: size });
    const before = process.memoryUsage();
    const error = await failure(provider.complete(request()));
    const after = process.memoryUsage();
    expect(error.code).toBe('llm_bad_output');
    // Loopback socket buffers may take some megabytes before the hang-up is seen; nowhere near the whole.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.requests[0]?.answeredBytes).toBeLessThan(size / 2);
    expect(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)).toBeLessThan(size / 4);
  });

  it('also drops an answer whose declared length is over the cap', async () => {
    const provider = await setUp({ maxAnswerBytes: 64 * 1024 });
    fake.enqueue({ bodyBytes: 100 * 1024, declareLength: true });
    expect((await failure(provider.complete(request()))).code).toBe('llm_bad_output');
  });

  it('turns an empty answer into llm_bad_output without retrying', async () => {
    const provider = await setUp();
    fake.enqueue({ content: '   ' });
    const error = await failure(provider.complete(request()));
    expect(error).toMatchObject({ code: 'llm_bad_output', retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a server that cannot be reached, then reports llm_unavailable', async () => {
    const provider = await setUp({ maxAttempts: 2 });
    await fake.close();
    const error = await failure(provider.complete(request()));
    expect(error).toMatchObject({ code: 'llm_unavailable', retryable: true });
  });

  it("ends at once with the caller's abort reason, neither retried nor reported as a timeout", async () => {
    const provider = await setUp({ timeoutMs: 5000, maxAttempts: 3 }, { respond: () => ({ hang: true }) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('job cancelled')), 100);
    const started = performance.now();
    await expect(provider.complete(request({ signal: controller.signal }))).rejects.toThrow('job cancelled');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(fake.requests).toHaveLength(1);
  });
});
