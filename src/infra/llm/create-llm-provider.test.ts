import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../../../test/support/fake-anthropic.js';
import type { FakeLlmServer } from '../../../test/support/fake-llm-server.js';
import { startFakeOpenAi } from '../../../test/support/fake-openai.js';
import { loadConfig } from '../../config.js';
import { AnthropicProvider } from './anthropic-provider.js';
import { createLlmProvider } from './create-llm-provider.js';
import type { LlmRequest } from './llm-provider.js';
import { OpenAiProvider } from './openai-provider.js';

const hello: LlmRequest = { system: 'Greet.', messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 100 };
const tinyDelays = { retry: { baseDelayMs: 1 } };

let fake: FakeLlmServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('createLlmProvider', () => {
  it('gives no provider offline, chosen or for want of a key', () => {
    expect(createLlmProvider(loadConfig({}))).toBeUndefined();
    expect(createLlmProvider(loadConfig({ LLM_PROVIDER: 'offline', OPENAI_API_KEY: 'sk-x' }))).toBeUndefined();
  });

  it('builds the provider the configuration resolves to, with its model', () => {
    const openai = createLlmProvider(loadConfig({ OPENAI_API_KEY: 'sk-x' }));
    expect(openai).toBeInstanceOf(OpenAiProvider);
    expect(openai).toMatchObject({ name: 'openai', model: 'gpt-4o-mini' });

    const anthropic = createLlmProvider(loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-x', ANTHROPIC_MODEL: 'claude-x' }));
    expect(anthropic).toBeInstanceOf(AnthropicProvider);
    expect(anthropic).toMatchObject({ name: 'anthropic', model: 'claude-x' });

    const local = createLlmProvider(loadConfig({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_MODEL: 'llama3' }));
    expect(local).toMatchObject({ name: 'openai', model: 'llama3' });
  });

  it('uses LLM_MAX_ATTEMPTS and the base URL', async () => {
    fake = await startFakeOpenAi({ respond: () => ({ status: 503 }) });
    const provider = createLlmProvider(loadConfig({ OPENAI_BASE_URL: fake.url, LLM_PROVIDER: 'openai', LLM_MAX_ATTEMPTS: '2' }), tinyDelays);
    await expect(provider?.complete(hello)).rejects.toMatchObject({ code: 'llm_unavailable' });
    expect(fake.requests).toHaveLength(2);
  });

  it('uses LLM_TIMEOUT_SECONDS', async () => {
    fake = await startFakeAnthropic({ respond: () => ({ hang: true }) });
    const provider = createLlmProvider(loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-x', ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_MODEL: 'claude-test', LLM_TIMEOUT_SECONDS: '1', LLM_MAX_ATTEMPTS: '1' }));
    const started = performance.now();
    await expect(provider?.complete(hello)).rejects.toMatchObject({ code: 'llm_timeout' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('sizes the answer cap from LLM_MAX_OUTPUT_TOKENS', async () => {
    fake = await startFakeOpenAi({ respond: () => ({ bodyBytes: 400 * 1024 }) });
    const small = createLlmProvider(loadConfig({ OPENAI_BASE_URL: fake.url, LLM_PROVIDER: 'openai', LLM_MAX_OUTPUT_TOKENS: '4000' }), tinyDelays);
    await expect(small?.complete(hello)).rejects.toMatchObject({ code: 'llm_bad_output' });
    const large = createLlmProvider(loadConfig({ OPENAI_BASE_URL: fake.url, LLM_PROVIDER: 'openai', LLM_MAX_OUTPUT_TOKENS: '20000' }), tinyDelays);
    expect((await large?.complete(hello))?.text).toHaveLength(400 * 1024);
  });
});
