import type { LlmProvider } from '../../infra/llm/llm-provider.js';
import { completeJson } from '../../infra/llm/structured-output.js';
import { buildImprovementMessages } from './improvement-prompt.js';
import type { ImprovementDraft, ImprovementRequest, Improver } from './improver.js';
import { IMPROVEMENT_OUTPUT_NAME, improvementOutputSchema, parseImprovementOutput } from './output-schema.js';

export interface LlmImproverOptions {
  maxOutputTokens: number;
  /** Told to the model as the size its answer must stay under. */
  maxOutputChars: number;
}

// Progress as the improvement job reports it: the prompt is ready, then the answer is in and checked.
const PROGRESS_ASKING = 30;
const PROGRESS_ANSWERED = 80;

/** Rewrites a CV through a language model: one structured answer, with one repair round when it does not follow the schema. */
export class LlmImprover implements Improver {
  readonly provider: LlmProvider['name'];
  readonly model: string;

  constructor(
    private readonly llm: LlmProvider,
    private readonly options: LlmImproverOptions,
  ) {
    this.provider = llm.name;
    this.model = llm.model;
  }

  async improve(
    request: ImprovementRequest,
    options: { signal: AbortSignal; idempotencyKey: string; onProgress?: (percent: number) => void },
  ): Promise<ImprovementDraft> {
    const { system, messages } = buildImprovementMessages(request, { maxOutputChars: this.options.maxOutputChars });
    options.onProgress?.(PROGRESS_ASKING);
    const answer = await completeJson(
      this.llm,
      {
        system,
        messages,
        output: { name: IMPROVEMENT_OUTPUT_NAME, schema: improvementOutputSchema },
        maxOutputTokens: this.options.maxOutputTokens,
        idempotencyKey: options.idempotencyKey,
        signal: options.signal,
      },
      parseImprovementOutput,
    );
    options.onProgress?.(PROGRESS_ANSWERED);
    return { resume: answer.value.resume, reasons: answer.value.reasons, usage: answer.usage };
  }
}
