import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../http/errors.js';
import type { CounterStore } from '../../infra/rate-limit/counter-store.js';
import { counterKey, type RatePolicy, type RateSubject } from './rate-policies.js';
import type { QuotaService } from './service.js';

/** One policy's count for this request. */
interface Outcome {
  policy: RatePolicy;
  max: number;
  remaining: number;
  resetSeconds: number;
  exceeded: boolean;
}

const RATE_LIMITED_MESSAGE = 'Too many requests. Please try again later.';

/** What each policy's limit is called in a plan-based 429. */
const planNouns: Partial<Record<string, string>> = { api_calls: 'API calls', burst: 'requests per minute' };

function subjectOf(request: FastifyRequest): RateSubject {
  return { method: request.method, route: request.routeOptions.url ?? request.url.split('?')[0] ?? '/', ip: request.ip, userId: request.auth?.user.id ?? null };
}

/** The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers): every policy that applies, and the nearest to its limit. */
function setRateHeaders(reply: FastifyReply, outcomes: Outcome[]): void {
  if (outcomes.length === 0) return;
  reply.header('ratelimit-policy', outcomes.map((outcome) => `"${outcome.policy.name}";q=${outcome.max};w=${outcome.policy.windowMs / 1000}`).join(', '));
  const nearest = outcomes.reduce((a, b) => (b.remaining < a.remaining || (b.remaining === a.remaining && b.resetSeconds > a.resetSeconds) ? b : a));
  reply.header('ratelimit', `"${nearest.policy.name}";r=${nearest.remaining};t=${nearest.resetSeconds}`);
}

/**
 * The request-rate limits (per address, per person's plan, per minute, sign-ups and password resets),
 * counted by @fastify/rate-limit on the shared counters before a request's body is read. Every limited
 * answer carries RateLimit and RateLimit-Policy; a refusal is a 429 with Retry-After in the
 * upstream's body. Counters that cannot be reached let requests through (see CounterStore).
 */
export const rateLimiting = fp<{ counters: CounterStore; quotas: QuotaService; policies: RatePolicy[] }>(
  async (app: FastifyInstance, { counters, quotas, policies }) => {
    await app.register(rateLimit, {
      global: false,
      skipOnError: true,
      // The plugin's type names a two-argument incr; it calls incr(key, callback, window, max), as ours expects.
      store: counters.pluginStore() as unknown as NonNullable<Parameters<typeof rateLimit>[1]>['store'],
    });
    const limiters = policies.map((policy) => ({
      policy,
      count: app.createRateLimit({
        timeWindow: policy.windowMs,
        keyGenerator: (request) => counterKey(policy.name, policy.key(subjectOf(request))),
        max: async (request) => policy.max(await quotas.allowancesFor(request.auth?.plan ?? null)),
      }),
    }));

    app.addHook('onRequest', async (request, reply) => {
      const subject = subjectOf(request);
      const allowances = await quotas.allowancesFor(request.auth?.plan ?? null);
      // A limit of 0 is off: it is not counted at all.
      const applying = limiters.filter(({ policy }) => policy.appliesTo(subject) && policy.max(allowances) > 0);
      if (applying.length === 0) return;
      const outcomes: Outcome[] = [];
      // Side by side: a slow counter store costs a request its delay once, not once per limit.
      const results = await Promise.all(applying.map(async ({ policy, count }) => ({ policy, result: await count(request) })));
      for (const { policy, result } of results) {
        // Not counted: the counters could not be reached (the store has reported it).
        if (result.isAllowed || result.ttl === 0) continue;
        outcomes.push({ policy, max: result.max, remaining: result.remaining, resetSeconds: result.ttlInSeconds, exceeded: result.isExceeded });
      }
      setRateHeaders(reply, outcomes);
      const exceeded = outcomes.filter((outcome) => outcome.exceeded);
      if (exceeded.length === 0) return;
      const worst = exceeded.reduce((a, b) => (b.resetSeconds > a.resetSeconds ? b : a));
      const body: Record<string, unknown> = { error: 'rate_limit_exceeded', message: RATE_LIMITED_MESSAGE, scope: worst.policy.name };
      if (worst.policy.byPlan(subject) && request.auth) {
        body.limit_info = quotas.limitInfo(worst.max, worst.max, new Date(Date.now() + worst.resetSeconds * 1000), allowances.planName);
        body.upgrade_suggestion = await quotas.upgradeSuggestion(request.auth.plan, planNouns[worst.policy.name] ?? 'requests');
      }
      throw new AppError('throttled', `Request was throttled. Expected available in ${worst.resetSeconds} seconds.`, {
        headers: { 'retry-after': String(worst.resetSeconds) },
        body,
      });
    });
  },
  { name: 'rate-limiting', dependencies: ['authentication'] },
);
