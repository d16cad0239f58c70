/** Why a call to a language model failed, as the improvement job reports it. */
export type LlmErrorCode = 'llm_unavailable' | 'llm_rate_limited' | 'llm_timeout' | 'llm_bad_output' | 'llm_config';

/** A failed call to a provider: `retryable` says whether another attempt may succeed, `retryAfterMs` when. */
export class LlmError extends Error {
  constructor(
    readonly code: LlmErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LlmError';
  }
}

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** The JSON schema an answer must follow, for providers that can be held to one. */
export interface LlmOutputSchema {
  name: string;
  schema: Record<string, unknown>;
}

export interface LlmRequest {
  /** Instructions; the data (CV, job advert) travels in the messages, delimited. */
  system: string;
  messages: LlmMessage[];
  /** Asks for JSON following this schema: strict schema mode where the provider has it, JSON mode or plain text otherwise. */
  output?: LlmOutputSchema;
  maxOutputTokens: number;
  /** The same on every attempt of one job, so a provider that knows idempotency keys sees a repeat. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface LlmUsage {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  /** Calls made, retries and the repair round included. */
  calls: number;
}

export interface LlmAnswer {
  text: string;
  /** Why the model stopped: `stop`, `length` (cut at maxOutputTokens), or what the provider said. */
  finishReason: string;
  usage: LlmUsage;
}

/** One language model behind one interface: OpenAI-compatible chat completions or Anthropic Messages. */
export interface LlmProvider {
  readonly name: 'openai' | 'anthropic';
  readonly model: string;
  /** One answer, with retries (backoff with jitter) inside; throws LlmError once they are spent. */
  complete(request: LlmRequest): Promise<LlmAnswer>;
}
