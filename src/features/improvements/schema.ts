import { Type, type Static } from 'typebox';
import { SanitisedText, SingleLine, nullable } from '../../http/common-schemas.js';
import type { JsonResume } from '../../resume/json-resume.js';
import type { CvAnalysis } from '../analysis/schema.js';
import { RateLimitInfoSchema } from '../limits/schema.js';

export const improvementStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;

export const IMPROVEMENT_LIMITS = {
  promptMin: 10,
  promptMax: 5000,
  /** The stored Markdown, as the upstream's model limit had it. */
  responseTextMax: 10_000,
  /** `Prefer: wait=N` waits at most this long. */
  maxWaitSeconds: 60,
} as const;

/**
 * The upstream's body, read loosely: its checks and their `{"error": ...}` answers (missing
 * fields, prompt length, unknown questionnaire) come from the service, in the upstream's order.
 */
export const ImprovementInput = Type.Object({
  questionnaire: Type.Optional(Type.Union([Type.Integer(), SingleLine({ maxLength: 40 }), Type.Null()])),
  // Cleaned of markup and control characters like the questionnaire's text; its limits are checked on the raw text, as the upstream did.
  prompt: Type.Optional(Type.Union([SanitisedText('paragraphs', { maxLength: 100_000 }), Type.Null()])),
});
export type ImprovementInput = Static<typeof ImprovementInput>;

export const ImprovementHeaders = Type.Object({
  prefer: Type.Optional(SingleLine({ maxLength: 200, description: 'RFC 7240; `wait=N` (N ≤ 60) waits for the result and answers 201 with it' })),
  'idempotency-key': Type.Optional(SingleLine({ minLength: 1, maxLength: 255, description: 'the same key with the same body returns the same improvement' })),
});

export const IdParams = Type.Object({ id: SingleLine({ maxLength: 30, description: 'improvement id' }) });

const ErrorState = Type.Object({ code: Type.String(), message: Type.String() });

export const ResumeChangeSchema = Type.Object({
  section: Type.String(),
  path: Type.String(),
  kind: Type.Union([Type.Literal('added'), Type.Literal('removed'), Type.Literal('changed'), Type.Literal('moved')]),
  before: nullable(Type.String()),
  after: nullable(Type.String()),
  reason: Type.String(),
});

export const UsageSchema = Type.Object({
  provider: Type.String(),
  model: Type.String(),
  input_tokens: Type.Integer(),
  output_tokens: Type.Integer(),
  latency_ms: Type.Integer(),
  calls: Type.Integer({ description: 'calls made to the provider, retries and the repair round included' }),
});

/** The upstream's AI-response object (`id`, `questionnaire`, `created_at`, `response_text`) and what the job made of it. */
export const ImprovementSchema = Type.Object({
  id: Type.Integer(),
  questionnaire: Type.Integer(),
  status: Type.Unsafe<(typeof improvementStatuses)[number]>({ type: 'string', enum: [...improvementStatuses] }),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  error: nullable(ErrorState),
  created_at: Type.String({ format: 'date-time' }),
  completed_at: nullable(Type.String({ format: 'date-time' })),
  response_text: nullable(Type.String({ description: 'the improved CV as Markdown' })),
  resume: nullable(Type.Unsafe<JsonResume>(Type.Ref('JsonResume'))),
  changes: Type.Array(ResumeChangeSchema),
  analysis: Type.Object({
    before: nullable(Type.Unsafe<CvAnalysis>(Type.Ref('CvAnalysis'))),
    after: nullable(Type.Unsafe<CvAnalysis>(Type.Ref('CvAnalysis'))),
  }),
  usage: nullable(UsageSchema),
  links: Type.Object({ self: Type.String(), events: Type.String(), questionnaire: Type.String() }),
  rate_limit_info: Type.Optional(RateLimitInfoSchema),
});
export type ImprovementBody = Static<typeof ImprovementSchema>;
