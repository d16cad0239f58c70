import { LlmError } from './llm-provider.js';
import { abortReason } from './retry.js';

export interface DeadlineOptions {
  timeoutMs: number;
  /** The caller's signal: its abort ends the call with its reason, never as a timeout to retry. */
  signal?: AbortSignal;
  /** Turns what the call threw into an LlmError where it can. */
  mapError: (error: unknown) => unknown;
}

/**
 * One HTTP call, abandoned after `timeoutMs`. The SDKs' own timeouts end when the headers arrive;
 * this one runs until `send` has read the whole answer, so a body that trickles in is cut too.
 */
export async function callWithDeadline<T>(send: (signal: AbortSignal) => Promise<T>, options: DeadlineOptions): Promise<T> {
  if (options.signal?.aborted) throw abortReason(options.signal);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onCallerAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    return await send(controller.signal);
  } catch (error) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    if (timedOut) {
      throw new LlmError('llm_timeout', `no complete answer within ${options.timeoutMs / 1000} s`, true, undefined, { cause: error });
    }
    throw options.mapError(error);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}
