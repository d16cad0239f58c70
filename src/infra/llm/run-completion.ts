import { callWithDeadline } from './call-with-deadline.js';
import { answerByteCap } from './capped-fetch.js';
import { LlmError, type LlmAnswer, type LlmRequest } from './llm-provider.js';
import { badRequestMessage, redact, toLlmError, type ErrorContext } from './provider-errors.js';
import { withRetries, type RetryOptions } from './retry.js';

/** What both providers are built from (see createLlmProvider for where each comes from). */
export interface ProviderSettings {
  /** Absent for local OpenAI-compatible servers that want none. */
  apiKey?: string;
  /** Absent: the provider's own endpoint. */
  baseUrl?: string;
  model: string;
  /** One HTTP call, answer body included. */
  timeoutMs: number;
  /** HTTP calls per `complete` before it fails, the first included. */
  maxAttempts: number;
  /** Answer bodies past this many bytes are dropped as llm_bad_output; default answerByteCap(0), 256 KiB. */
  maxAnswerBytes?: number;
  /** Backoff timing and hooks; tests pass tiny delays here. */
  retry?: Omit<RetryOptions, 'maxAttempts' | 'signal'>;
  /** Told when the server refused a request option and the provider falls back for good: worth a warning in the log. */
  onFallback?: (message: string) => void;
}

export function maxAnswerBytes(settings: ProviderSettings): number {
  return settings.maxAnswerBytes ?? answerByteCap(0);
}

/** One call's answer as a provider reads it, before usage is totted up. */
export interface RawAnswer {
  text: string;
  finishReason: string;
  inputTokens: number;
  outputTokens: number;
}

/**
 * A provider's part in a completion. A dialect is the set of request options a server accepts
 * (structured-output mode, field names); a server that refuses one with a 400 is asked again in the
 * next dialect `adjust` offers, and the provider remembers the one that worked.
 */
export interface CompletionParts<Dialect> {
  name: 'openai' | 'anthropic';
  errorContext: ErrorContext;
  dialect(): Dialect;
  remember(dialect: Dialect): void;
  /** The dialect to try after a 400 saying `refusal`, or undefined when no other would help. */
  adjust(dialect: Dialect, refusal: string): Dialect | undefined;
  send(dialect: Dialect, signal: AbortSignal): Promise<RawAnswer>;
}

/** More adjustments than any dialect ladder has steps: a server that keeps refusing is not asked forever. */
const MAX_ADJUSTMENTS = 4;

/** Runs one completion: attempts with backoff, each a call under a deadline, in the dialect the server accepts. */
export async function runCompletion<Dialect>(request: LlmRequest, settings: ProviderSettings, parts: CompletionParts<Dialect>): Promise<LlmAnswer> {
  const started = performance.now();
  let calls = 0;
  let adjustments = 0;
  const callOnce = async (): Promise<RawAnswer> => {
    for (;;) {
      const dialect = parts.dialect();
      calls += 1;
      try {
        return await callWithDeadline((signal) => parts.send(dialect, signal), {
          timeoutMs: settings.timeoutMs,
          ...(request.signal ? { signal: request.signal } : {}),
          mapError: (error) => toLlmError(error, parts.errorContext),
        });
      } catch (error) {
        const refusal = badRequestMessage(error);
        if (refusal === undefined || adjustments >= MAX_ADJUSTMENTS) throw error;
        const next = parts.adjust(dialect, refusal);
        if (next === undefined) throw error;
        adjustments += 1;
        parts.remember(next);
        settings.onFallback?.(`${parts.errorContext.provider} refused a request option (${redact(refusal, parts.errorContext.secrets)}); from now on it is sent ${JSON.stringify(next)}`);
      }
    }
  };
  const answer = await withRetries(callOnce, {
    ...settings.retry,
    maxAttempts: settings.maxAttempts,
    ...(request.signal ? { signal: request.signal } : {}),
  });
  return {
    text: answer.text,
    finishReason: answer.finishReason,
    usage: {
      provider: parts.name,
      model: parts.errorContext.model,
      inputTokens: answer.inputTokens,
      outputTokens: answer.outputTokens,
      latencyMs: Math.round(performance.now() - started),
      calls,
    },
  };
}

/** An answer that cannot be used as it is: empty, refused, filtered. Not retried: the same request tends to get the same answer. */
export function unusableAnswer(provider: string, why: string): LlmError {
  return new LlmError('llm_bad_output', `${provider}'s answer cannot be used: ${why}`, false);
}

/** The instruction that carries the schema where the server cannot be held to it. */
export function schemaInstruction(output: { name: string; schema: Record<string, unknown> }): string {
  return `\n\nAnswer with one JSON object and nothing else: no prose, no code fence. The object follows this JSON schema, named "${output.name}":\n${JSON.stringify(output.schema)}`;
}

/** A name as providers accept it for schemas and tools: letters, digits, _ and -, at most 64. */
export function wireName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'answer';
}
