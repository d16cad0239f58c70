import * as Anthropic from '@anthropic-ai/sdk';
import * as OpenAi from 'openai';
import { AnswerTooLargeError } from './capped-fetch.js';
import { LlmError } from './llm-provider.js';

/** What the mapping needs to know of the call that failed. */
export interface ErrorContext {
  /** For messages: `OpenAI-compatible provider`, `Anthropic`. */
  provider: string;
  model: string;
  /** Values that must never appear in a message (the API key). */
  secrets: (string | undefined)[];
}

/** The parts of an SDK's HTTP error the mapping reads; both SDKs' errors have them. */
interface HttpError {
  status: number;
  headers: Headers | undefined;
  message: string;
  code?: string | null | undefined;
}

/** Longest provider message quoted in ours: enough to name the cause, not a page of text. */
const QUOTED_MESSAGE_MAX = 300;

/** The wait a provider asked for, in milliseconds: `retry-after-ms`, else `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const milliseconds = headers?.get('retry-after-ms');
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds.trim())) return Math.ceil(Number(milliseconds));
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `text` without the secrets, anything shaped like an API key, or more than a few lines' length. */
export function redact(text: string, secrets: (string | undefined)[]): string {
  let safe = text;
  for (const secret of secrets) if (secret && secret.length >= 6) safe = safe.split(secret).join('[redacted]');
  safe = safe.replace(/\b(sk|key|ant)-[\w*.-]{6,}/gi, '[redacted]');
  return safe.length > QUOTED_MESSAGE_MAX ? `${safe.slice(0, QUOTED_MESSAGE_MAX)}…` : safe;
}

function findInCauses<T>(error: unknown, match: (candidate: unknown) => candidate is T): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth += 1) {
    if (match(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const isAnswerTooLarge = (candidate: unknown): candidate is AnswerTooLargeError => candidate instanceof AnswerTooLargeError;

/** The provider's own words, without the status the SDKs put in front. */
function providerMessage(error: HttpError, secrets: (string | undefined)[]): string {
  return redact(error.message.replace(/^\d{3}\s+/, ''), secrets);
}

function fromHttpError(error: HttpError, context: ErrorContext, cause: unknown): LlmError {
  const { status } = error;
  const said = providerMessage(error, context.secrets);
  const options = { cause };
  const wait = retryAfterMs(error.headers);
  if (status === 401) return new LlmError('llm_config', `${context.provider} refused the API key (401): check the key setting`, false, undefined, options);
  if (status === 403) return new LlmError('llm_config', `${context.provider} does not allow this key to use model ${context.model} (403): ${said}`, false, undefined, options);
  if (status === 404) return new LlmError('llm_config', `${context.provider} knows no model ${context.model} or endpoint (404): ${said}`, false, undefined, options);
  if (status === 408) return new LlmError('llm_timeout', `${context.provider} timed out the request (408)`, true, wait, options);
  if (status === 409) return new LlmError('llm_unavailable', `${context.provider} answered a conflict (409): ${said}`, true, wait, options);
  if (status === 429) {
    // OpenAI answers 429 for a spent quota too; waiting does not refill it.
    if (error.code === 'insufficient_quota') return new LlmError('llm_rate_limited', `${context.provider} quota is spent (429): ${said}`, false, undefined, options);
    return new LlmError('llm_rate_limited', `${context.provider} rate limit reached (429)`, true, wait, options);
  }
  if (status >= 500) {
    const what = status === 529 ? 'is overloaded' : 'failed';
    return new LlmError('llm_unavailable', `${context.provider} ${what} (${status}): ${said}`, true, wait, options);
  }
  // 400, 413, 422 and the rest of 4xx: the request itself is wrong, and sending it again gives the same answer.
  return new LlmError('llm_config', `${context.provider} refused the request (${status}): ${said}`, false, undefined, options);
}

function asHttpError(error: unknown): HttpError | undefined {
  if (!(error instanceof OpenAi.APIError || error instanceof Anthropic.APIError)) return undefined;
  // instanceof narrows to the classes' widest type parameters; these are what an HTTP error carries.
  const status = error.status as number | undefined;
  const headers = error.headers as Headers | undefined;
  if (status === undefined) return undefined;
  if (error instanceof OpenAi.APIError) return { status, headers, message: error.message, code: error.code };
  // Anthropic's message is the whole error body as JSON; its own words are apart.
  return { status, headers, message: error.apiMessage ?? error.message, code: error.errorCode };
}

/**
 * An SDK's failure as an LlmError: what a retry can mend (429, 5xx, connection failures, timeouts)
 * is retryable, what it cannot (a refused key, an unknown model, a malformed request) is llm_config.
 * Errors from neither SDK nor the body cap are returned as they are.
 */
export function toLlmError(error: unknown, context: ErrorContext): unknown {
  if (error instanceof LlmError) return error;
  const tooLarge = findInCauses(error, isAnswerTooLarge);
  if (tooLarge) {
    return new LlmError('llm_bad_output', `${context.provider}'s answer exceeded ${tooLarge.limitBytes} bytes and was dropped`, false, undefined, { cause: error });
  }
  if (error instanceof OpenAi.APIConnectionTimeoutError || error instanceof Anthropic.APIConnectionTimeoutError) {
    return new LlmError('llm_timeout', `${context.provider} did not answer in time`, true, undefined, { cause: error });
  }
  if (error instanceof OpenAi.APIConnectionError || error instanceof Anthropic.APIConnectionError) {
    const reason = error.cause instanceof Error ? `: ${redact(error.cause.message, context.secrets)}` : '';
    return new LlmError('llm_unavailable', `${context.provider} could not be reached${reason}`, true, undefined, { cause: error });
  }
  const http = asHttpError(error);
  if (http) return fromHttpError(http, context, error);
  if (error instanceof SyntaxError) {
    return new LlmError('llm_bad_output', `${context.provider}'s answer is not the JSON its API promises`, true, undefined, { cause: error });
  }
  if (error instanceof OpenAi.OpenAIError || error instanceof Anthropic.AnthropicError) {
    return new LlmError('llm_config', `${context.provider} client refused the call: ${redact(error.message, context.secrets)}`, false, undefined, { cause: error });
  }
  return error;
}

/** The provider's words when `error` came from its 400 or 422: what the server says it does not accept. */
export function badRequestMessage(error: unknown): string | undefined {
  if (!(error instanceof LlmError)) return undefined;
  const http = asHttpError(error.cause);
  return http && (http.status === 400 || http.status === 422) ? http.message : undefined;
}
