import { LlmError, type LlmOutputSchema, type LlmProvider, type LlmRequest, type LlmUsage } from './llm-provider.js';

/** A parsed answer checked against what the caller needs: the value, or what is wrong with it in words a model can act on. */
export type JsonValidation<T> = { ok: true; value: T } | { ok: false; problems: string };

export interface JsonAnswer<T> {
  value: T;
  usage: LlmUsage;
  /** Whether the first answer failed and the repair round was needed. */
  repaired: boolean;
}

/** How much of a wrong answer is quoted back in the repair round: enough to fix, not the whole cost again. */
const QUOTED_ANSWER_MAX = 20_000;

/**
 * The JSON value in a model's answer: the whole text, or the part inside a ```json fence, or the
 * outermost {…} — models in plain-text mode wrap JSON in prose and fences.
 */
export function extractJson(text: string): unknown {
  const trimmed = text.trim();
  const candidates = [trimmed];
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n?```/i.exec(trimmed);
  if (fenced?.[1]) candidates.push(fenced[1]);
  const first = trimmed.indexOf('{');
  const last = trimmed.lastIndexOf('}');
  if (first >= 0 && last > first) candidates.push(trimmed.slice(first, last + 1));
  for (const candidate of candidates) {
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // Not this reading; try the next.
    }
  }
  throw new SyntaxError('the answer holds no JSON object');
}

function addUsage(total: LlmUsage, next: LlmUsage): LlmUsage {
  return {
    provider: next.provider,
    model: next.model,
    inputTokens: total.inputTokens + next.inputTokens,
    outputTokens: total.outputTokens + next.outputTokens,
    latencyMs: total.latencyMs + next.latencyMs,
    calls: total.calls + next.calls,
  };
}

function check<T>(text: string, finishReason: string, validate: (value: unknown) => JsonValidation<T>): JsonValidation<T> {
  let parsed: unknown;
  try {
    parsed = extractJson(text);
  } catch (error) {
    const cut = finishReason === 'length' ? ' The answer was cut off at the length limit: answer more briefly.' : '';
    return { ok: false, problems: `The answer is not valid JSON (${(error as Error).message}).${cut}` };
  }
  return validate(parsed);
}

/**
 * Asks for a JSON answer and checks it; a wrong answer gets one repair round, in which the model
 * sees what it wrote and what is wrong with it. A second wrong answer fails with llm_bad_output.
 */
export async function completeJson<T>(
  provider: LlmProvider,
  request: LlmRequest & { output: LlmOutputSchema },
  validate: (value: unknown) => JsonValidation<T>,
): Promise<JsonAnswer<T>> {
  const first = await provider.complete(request);
  const firstCheck = check(first.text, first.finishReason, validate);
  if (firstCheck.ok) return { value: firstCheck.value, usage: first.usage, repaired: false };

  const repair: LlmRequest & { output: LlmOutputSchema } = {
    ...request,
    ...(request.idempotencyKey ? { idempotencyKey: `${request.idempotencyKey}:repair` } : {}),
    messages: [
      ...request.messages,
      { role: 'assistant', content: first.text.slice(0, QUOTED_ANSWER_MAX) || '(empty answer)' },
      {
        role: 'user',
        content: `Your answer cannot be used: ${firstCheck.problems}\nAnswer again with only the corrected JSON object, following the schema "${request.output.name}", and nothing else.`,
      },
    ],
  };
  const second = await provider.complete(repair);
  const usage = addUsage(first.usage, second.usage);
  const secondCheck = check(second.text, second.finishReason, validate);
  if (secondCheck.ok) return { value: secondCheck.value, usage, repaired: true };
  throw new LlmError('llm_bad_output', `The model's answer did not follow the schema after a repair round: ${secondCheck.problems}`, false);
}
