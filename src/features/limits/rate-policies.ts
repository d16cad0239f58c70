import type { Config } from '../../config.js';
import type { Allowances } from './scopes.js';

/** The request rates limited, each counted in its own window. */
export type RatePolicyName = 'ip' | 'burst' | 'anonymous' | 'api_calls' | 'signups' | 'password_resets';

/** What a limit is decided on: the route asked for, and who asks. */
export interface RateSubject {
  method: string;
  /** The route's pattern (`/cv/questionnaire/:id/`), or the raw path for one that matched no route. */
  route: string;
  ip: string;
  userId: number | null;
}

export interface RatePolicy {
  name: RatePolicyName;
  windowMs: number;
  /** Whose counter a request counts on. */
  key(subject: RateSubject): string;
  /** Requests allowed per window; 0 turns the policy off. */
  max(allowances: Allowances): number;
  /** Whether the limit follows the caller's plan (its 429 then suggests an upgrade). */
  byPlan(subject: RateSubject): boolean;
  appliesTo(subject: RateSubject): boolean;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Routes never limited: probes of load balancers, and Stripe, which retries what it is refused. */
const UNLIMITED_ROUTES = new Set(['/core/health/', '/core/payments/webhook/stripe/']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The upstream's one shared bucket: every CV endpoint, including the path its web client calls. */
function isCvRoute(route: string): boolean {
  return route.startsWith('/cv/') || route.startsWith('/api/');
}

/** The counter a request counts on, for one policy: the limit and the status endpoint both use it. */
export function counterKey(policy: RatePolicyName, key: string): string {
  return `${policy}:${key}`;
}

/** A signed-in person's counters (api_calls, burst) are theirs wherever they connect from. */
export function personKey(userId: number): string {
  return `user:${userId}`;
}

export const API_CALLS_WINDOW_MS = HOUR_MS;

/**
 * Every rate limit, in the order they are reported. Reads by a signed-in person outside /cv/ (the
 * web client asks for /auth/user/ on every page) are left to the per-address limit, so normal
 * browsing never hits the per-minute burst and signs nobody out.
 */
export function ratePolicies(config: Pick<Config, 'rateLimitPerIpPerHour' | 'anonymousWritesPerIpPerMinute' | 'signupsPerIpPerHour' | 'passwordResetsPerIpPerHour'>): RatePolicy[] {
  const limited = (subject: RateSubject) => !UNLIMITED_ROUTES.has(subject.route);
  return [
    {
      name: 'ip',
      windowMs: HOUR_MS,
      key: (subject) => `ip:${subject.ip}`,
      max: () => config.rateLimitPerIpPerHour,
      byPlan: () => false,
      appliesTo: limited,
    },
    {
      name: 'api_calls',
      windowMs: API_CALLS_WINDOW_MS,
      key: (subject) => personKey(subject.userId ?? 0),
      max: (allowances) => allowances.api_calls,
      byPlan: () => true,
      appliesTo: (subject) => subject.userId !== null && isCvRoute(subject.route),
    },
    {
      name: 'burst',
      windowMs: MINUTE_MS,
      key: (subject) => personKey(subject.userId ?? 0),
      max: (allowances) => allowances.burst,
      byPlan: () => true,
      appliesTo: (subject) => subject.userId !== null && limited(subject) && !isCvRoute(subject.route) && !SAFE_METHODS.has(subject.method),
    },
    {
      name: 'anonymous',
      windowMs: MINUTE_MS,
      key: (subject) => `ip:${subject.ip}`,
      max: () => config.anonymousWritesPerIpPerMinute,
      byPlan: () => false,
      appliesTo: (subject) => subject.userId === null && limited(subject) && !SAFE_METHODS.has(subject.method),
    },
    {
      name: 'signups',
      windowMs: HOUR_MS,
      key: (subject) => `ip:${subject.ip}`,
      max: () => config.signupsPerIpPerHour,
      byPlan: () => false,
      // Google sign-in makes accounts too.
      appliesTo: (subject) => subject.method === 'POST' && (subject.route === '/auth/registration/' || subject.route === '/auth/social/login/google/'),
    },
    {
      name: 'password_resets',
      windowMs: HOUR_MS,
      key: (subject) => `ip:${subject.ip}`,
      max: () => config.passwordResetsPerIpPerHour,
      byPlan: () => false,
      appliesTo: (subject) => subject.method === 'POST' && subject.route === '/auth/password/reset/',
    },
  ];
}
