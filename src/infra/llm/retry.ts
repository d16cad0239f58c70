import { LlmError } from './llm-provider.js';

/** How long to wait between attempts; tests shrink these to keep retries instant. */
export interface RetryDelays {
  /** The ceiling of the first backoff; each later one doubles it (full jitter below that ceiling). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A provider's Retry-After is honoured up to this; a longer one is cut to it. */
  maxRetryAfterMs?: number;
}

export interface RetryOptions extends RetryDelays {
  maxAttempts: number;
  /** When aborted, no further attempt starts and a pending wait ends at once with the signal's reason. */
  signal?: AbortSignal;
  /** Waits `ms`; replaceable so tests can see the delays chosen without spending them. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A number in [0, 1) for the jitter. */
  random?: () => number;
}

export const DEFAULT_BASE_DELAY_MS = 500;
export const DEFAULT_MAX_DELAY_MS = 20_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/** The abort reason as an Error, which is what fetch and the SDKs throw on abort too. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted.', 'AbortError');
}

/** Waits `ms` milliseconds, or rejects with the signal's reason as soon as it is aborted. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The wait before attempt `attempt + 1`: the provider's Retry-After when it gave one (capped),
 * otherwise exponential backoff with full jitter, so many workers hit by one outage do not retry in step.
 */
export function retryDelayMs(error: LlmError, attempt: number, options: RetryDelays & { random?: () => number }): number {
  if (error.retryAfterMs !== undefined) {
    return Math.min(Math.max(0, error.retryAfterMs), options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS);
  }
  const base = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const ceiling = Math.min(options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, base * 2 ** (attempt - 1));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

/**
 * Runs `call` until it succeeds, up to `maxAttempts` times. Only an LlmError marked retryable is
 * tried again; any other failure, and the last attempt's, is thrown as it is.
 */
export async function withRetries<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? abortableSleep;
  for (let attempt = 1; ; attempt += 1) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    try {
      return await call(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw abortReason(options.signal);
      const retryable = error instanceof LlmError && error.retryable;
      if (!retryable || attempt >= options.maxAttempts) throw error;
      await sleep(retryDelayMs(error, attempt, options), options.signal);
    }
  }
}
