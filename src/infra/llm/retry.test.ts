import { describe, expect, it } from 'vitest';
import { LlmError } from './llm-provider.js';
import { retryDelayMs, withRetries } from './retry.js';

const unavailable = (retryAfterMs?: number): LlmError => new LlmError('llm_unavailable', 'down', true, retryAfterMs);
const refused = (): LlmError => new LlmError('llm_config', 'bad key', false);

/** A sleep that records the delays asked for and returns at once. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}

/** A call that fails with `errors` in turn, then answers `ok`. */
function scripted(errors: Error[]): { call: (attempt: number) => Promise<string>; attempts: number[] } {
  const attempts: number[] = [];
  return {
    attempts,
    call: async (attempt) => {
      attempts.push(attempt);
      const error = errors[attempts.length - 1];
      if (error !== undefined) throw error;
      return 'ok';
    },
  };
}

describe('withRetries', () => {
  it('retries retryable failures until one succeeds, numbering the attempts', async () => {
    const { call, attempts } = scripted([unavailable(), new LlmError('llm_timeout', 'slow', true)]);
    const { sleep, delays } = recordingSleep();
    await expect(withRetries(call, { maxAttempts: 3, sleep })).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
    expect(delays).toHaveLength(2);
  });

  it('throws the last error once the attempts are spent', async () => {
    const errors = [unavailable(), unavailable(), new LlmError('llm_rate_limited', 'the last one', true)];
    const { call, attempts } = scripted(errors);
    await expect(withRetries(call, { maxAttempts: 3, sleep: recordingSleep().sleep })).rejects.toBe(errors[2]);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('does not retry an error that is not retryable, nor one that is not an LlmError', async () => {
    for (const error of [refused(), new TypeError('a bug'), new LlmError('llm_bad_output', 'too large', false)]) {
      const { call, attempts } = scripted([error]);
      await expect(withRetries(call, { maxAttempts: 5, sleep: recordingSleep().sleep })).rejects.toBe(error);
      expect(attempts).toEqual([1]);
    }
  });

  it('with one attempt, calls once', async () => {
    const { call, attempts } = scripted([unavailable()]);
    await expect(withRetries(call, { maxAttempts: 1, sleep: recordingSleep().sleep })).rejects.toBeInstanceOf(LlmError);
    expect(attempts).toEqual([1]);
  });

  it("waits the provider's Retry-After rather than the backoff", async () => {
    const { call } = scripted([unavailable(1234), unavailable(0)]);
    const { sleep, delays } = recordingSleep();
    await withRetries(call, { maxAttempts: 3, sleep, baseDelayMs: 10 });
    expect(delays).toEqual([1234, 0]);
  });

  it('stops at once when the signal is aborted during a wait, with its reason', async () => {
    const controller = new AbortController();
    const { call, attempts } = scripted([unavailable(), unavailable()]);
    const started = performance.now();
    const pending = withRetries(call, { maxAttempts: 3, signal: controller.signal, baseDelayMs: 10_000, random: () => 0.99 });
    setTimeout(() => controller.abort(new Error('job cancelled')), 20);
    await expect(pending).rejects.toThrow('job cancelled');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(attempts).toEqual([1]);
  });

  it('makes no call when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { call, attempts } = scripted([]);
    await expect(withRetries(call, { maxAttempts: 3, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(attempts).toEqual([]);
  });

  it('throws the abort reason, not the error, when the call failed because of the abort', async () => {
    const controller = new AbortController();
    const call = async (): Promise<string> => {
      controller.abort(new Error('shutting down'));
      throw unavailable();
    };
    await expect(withRetries(call, { maxAttempts: 3, signal: controller.signal, sleep: recordingSleep().sleep })).rejects.toThrow('shutting down');
  });
});

describe('retryDelayMs', () => {
  it('grows exponentially with full jitter below a ceiling that caps at maxDelayMs', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    for (const [attempt, ceiling] of [[1, 100], [2, 200], [3, 400], [4, 800], [5, 1000], [9, 1000]] as const) {
      expect(retryDelayMs(unavailable(), attempt, { ...options, random: () => 0 })).toBe(0);
      expect(retryDelayMs(unavailable(), attempt, { ...options, random: () => 0.5 })).toBe(ceiling / 2);
      expect(retryDelayMs(unavailable(), attempt, { ...options, random: () => 0.999_999 })).toBe(ceiling - 1);
    }
  });

  it('spreads delays: many retries at one attempt do not all wait the same', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(unavailable(), 3, { baseDelayMs: 500 })));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(2000);
    }
  });

  it('caps a Retry-After at maxRetryAfterMs (60 s by default)', () => {
    expect(retryDelayMs(unavailable(3_600_000), 1, {})).toBe(60_000);
    expect(retryDelayMs(unavailable(5000), 1, { maxRetryAfterMs: 2000 })).toBe(2000);
    expect(retryDelayMs(unavailable(1500), 1, { maxRetryAfterMs: 2000 })).toBe(1500);
  });
});
