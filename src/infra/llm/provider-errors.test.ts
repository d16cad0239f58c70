import * as Anthropic from '@anthropic-ai/sdk';
import * as OpenAi from 'openai';
import { describe, expect, it } from 'vitest';
import { AnswerTooLargeError } from './capped-fetch.js';
import { LlmError } from './llm-provider.js';
import { badRequestMessage, redact, retryAfterMs, toLlmError } from './provider-errors.js';

const KEY = 'sk-proj-0123456789abcdefSECRET';
const context = { provider: 'The provider', model: 'model-x', secrets: [KEY] };

/** Each SDK's error for an HTTP answer, as it builds them from a response. */
const sdks = [
  { name: 'openai', httpError: (status: number, message: string, headers: Record<string, string> = {}, code?: string) => OpenAi.APIError.generate(status, { error: { message, code } }, undefined, new Headers(headers)) },
  { name: 'anthropic', httpError: (status: number, message: string, headers: Record<string, string> = {}) => Anthropic.APIError.generate(status, { type: 'error', error: { type: 'x', message } }, undefined, new Headers(headers)) },
];

function mapped(error: unknown): LlmError {
  const result = toLlmError(error, context);
  expect(result).toBeInstanceOf(LlmError);
  return result as LlmError;
}

describe.each(sdks)('toLlmError, $name errors', ({ httpError }) => {
  it.each([
    [400, 'llm_config', false],
    [401, 'llm_config', false],
    [403, 'llm_config', false],
    [404, 'llm_config', false],
    [413, 'llm_config', false],
    [422, 'llm_config', false],
    [408, 'llm_timeout', true],
    [409, 'llm_unavailable', true],
    [429, 'llm_rate_limited', true],
    [500, 'llm_unavailable', true],
    [502, 'llm_unavailable', true],
    [503, 'llm_unavailable', true],
    [529, 'llm_unavailable', true],
  ] as const)('maps %i to %s (retryable: %s)', (status, code, retryable) => {
    const error = mapped(httpError(status, 'what the provider said'));
    expect(error).toMatchObject({ code, retryable });
    expect(error.cause).toBeDefined();
  });

  it('carries the Retry-After of a 429 and a 503', () => {
    expect(mapped(httpError(429, 'slow down', { 'retry-after': '7' })).retryAfterMs).toBe(7000);
    expect(mapped(httpError(503, 'later', { 'retry-after-ms': '250' })).retryAfterMs).toBe(250);
    expect(mapped(httpError(429, 'slow down')).retryAfterMs).toBeUndefined();
  });

  it('never repeats the API key, even where the provider quotes it', () => {
    for (const status of [400, 401, 403, 404, 500]) {
      const error = mapped(httpError(status, `Incorrect API key provided: ${KEY}. Or sk-abc***wxyz maybe.`));
      expect(error.message).not.toContain(KEY);
      expect(error.message).not.toContain('sk-abc');
    }
  });

  it("names the model on a 404 and quotes the provider's reason on a 400", () => {
    expect(mapped(httpError(404, 'model not found')).message).toContain('model-x');
    expect(mapped(httpError(400, 'max_tokens: 99999 > 8192, the maximum')).message).toContain('max_tokens: 99999 > 8192');
  });

  it("lets the dialect fallback read a 400's words, and only a 400's (or 422's)", () => {
    expect(badRequestMessage(mapped(httpError(400, "response_format type 'json_schema' is not supported")))).toContain('json_schema');
    expect(badRequestMessage(mapped(httpError(422, 'unknown field max_completion_tokens')))).toContain('max_completion_tokens');
    expect(badRequestMessage(mapped(httpError(500, 'json_schema crashed')))).toBeUndefined();
    expect(badRequestMessage(new Error('400 response_format'))).toBeUndefined();
  });
});

describe('toLlmError, failures without an answer', () => {
  it('maps connection failures to llm_unavailable and timeouts to llm_timeout, both retryable', () => {
    expect(mapped(new OpenAi.APIConnectionError({ cause: new Error('connect ECONNREFUSED 127.0.0.1:9') }))).toMatchObject({ code: 'llm_unavailable', retryable: true });
    expect(mapped(new Anthropic.APIConnectionError({ message: 'socket hang up' }))).toMatchObject({ code: 'llm_unavailable', retryable: true });
    expect(mapped(new OpenAi.APIConnectionTimeoutError())).toMatchObject({ code: 'llm_timeout', retryable: true });
    expect(mapped(new Anthropic.APIConnectionTimeoutError())).toMatchObject({ code: 'llm_timeout', retryable: true });
  });

  it('maps an answer over the size cap, wherever it sits in the causes, to llm_bad_output, not retryable', () => {
    const deep = new TypeError('body read failed', { cause: new AnswerTooLargeError(1024) });
    for (const error of [new AnswerTooLargeError(1024), deep, new OpenAi.APIConnectionError({ cause: deep })]) {
      const result = mapped(error);
      expect(result).toMatchObject({ code: 'llm_bad_output', retryable: false });
      expect(result.message).toContain('1024 bytes');
    }
  });

  it('treats a spent OpenAI quota as a 429 that waiting does not mend', () => {
    const spent = OpenAi.APIError.generate(429, { error: { message: 'You exceeded your current quota', code: 'insufficient_quota' } }, undefined, new Headers({ 'retry-after': '1' }));
    expect(mapped(spent)).toMatchObject({ code: 'llm_rate_limited', retryable: false });
  });

  it('returns an LlmError as it is, and an unknown error untouched', () => {
    const own = new LlmError('llm_bad_output', 'empty', false);
    expect(toLlmError(own, context)).toBe(own);
    const bug = new RangeError('a bug of ours');
    expect(toLlmError(bug, context)).toBe(bug);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '120', 'retry-after': '9' }), now)).toBe(120);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now)).toBe(0);
  });

  it('gives nothing for no header or one it cannot read', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});

describe('redact', () => {
  it('removes given secrets and key-shaped words, and cuts long text', () => {
    expect(redact(`key ${KEY} here`, [KEY])).toBe('key [redacted] here');
    expect(redact('use sk-ant-api03-abcdefgh please', [])).not.toContain('api03');
    expect(redact('x'.repeat(1000), []).length).toBeLessThan(400);
    expect(redact('max_tokens is too large', [undefined])).toBe('max_tokens is too large');
  });
});
