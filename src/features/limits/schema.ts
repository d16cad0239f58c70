import { Type, type Static } from 'typebox';

export const ScopeStatusSchema = Type.Object({
  limit: Type.Integer(),
  used: Type.Integer(),
  remaining: Type.Integer(),
  reset_at: Type.String({ format: 'date-time', description: 'when the oldest counted use leaves the window (now + the window when none)' }),
  percentage_used: Type.Number(),
  status: Type.Union([Type.Literal('healthy'), Type.Literal('moderate'), Type.Literal('warning'), Type.Literal('critical')]),
});

export const RateLimitStatusSchema = Type.Object({
  user: Type.Object({ username: Type.String(), email: Type.String(), plan: Type.String() }),
  rate_limits: Type.Object(
    {
      ai_responses: ScopeStatusSchema,
      questionnaires: ScopeStatusSchema,
      api_calls: ScopeStatusSchema,
      uploads: ScopeStatusSchema,
      cv_uploads: ScopeStatusSchema,
    },
    { description: 'ai_responses, questionnaires, uploads (PDF documents) and cv_uploads per rolling 24 hours; api_calls (requests to /cv/) per hour' },
  ),
  upgrade_recommendation: Type.Object({
    should_upgrade: Type.Boolean(),
    reason: Type.String(),
    recommended_plan: Type.Union([Type.String(), Type.Null()]),
    upgrade_url: Type.Union([Type.String(), Type.Null()]),
    high_usage_scopes: Type.Optional(Type.Array(Type.String())),
  }),
});

export type ScopeStatus = Static<typeof ScopeStatusSchema>;
export type RateLimitStatusBody = Static<typeof RateLimitStatusSchema>;

export interface LimitInfo {
  limit: number;
  used: number;
  remaining: number;
  reset_at: string;
  current_plan: string;
}

export interface UpgradeSuggestion {
  message: string;
  recommended_plan: string;
  upgrade_url: string;
}

/** What is left of an allowance once a request has been charged (the upstream's `rate_limit_info`). */
export const RateLimitInfoSchema = Type.Object(
  {
    limit: Type.Integer(),
    remaining: Type.Integer(),
    reset_at: Type.String({ format: 'date-time' }),
  },
  { description: 'the daily allowance this request was charged to, after it' },
);
export type RateLimitInfo = Static<typeof RateLimitInfoSchema>;
