import { AppError } from '../../http/errors.js';
import type { Database, DbOrTx } from '../../infra/db/database.js';
import type { CounterStore } from '../../infra/rate-limit/counter-store.js';
import type { PlanRow } from '../plans/repository.js';
import type { PlanService } from '../plans/service.js';
import { FREE_PLAN } from '../plans/seed.js';
import type { UserRow } from '../users/repository.js';
import { API_CALLS_WINDOW_MS, counterKey, personKey } from './rate-policies.js';
import { deleteUsage, insertUsage, lockAccountPlan, readAccountPlan, scopeUsageSince, usageSince, type Usage } from './repository.js';
import { allowancesOf, QUOTA_WINDOW_MS, quotaScopes, quotaWords, SEEDED_FREE_ALLOWANCES, type Allowances, type QuotaScope } from './scopes.js';
import type { LimitInfo, RateLimitInfo, RateLimitStatusBody, ScopeStatus, UpgradeSuggestion } from './schema.js';

/** The upstream's answers for where to buy more. */
const UPGRADE_URL = '/core/plans/';
/** A scope this full makes the status endpoint recommend an upgrade. */
const HIGH_USAGE_PERCENT = 80;
/** How long a process keeps the Free plan's row, used for accounts with no plan and for anonymous callers. */
const FREE_PLAN_TTL_MS = 60_000;

/** Request counters kept per person, which an operator can clear. */
type PersonalRate = 'api_calls' | 'burst';
export type ResettableScope = QuotaScope | PersonalRate;
export const resettableScopes: readonly ResettableScope[] = [...quotaScopes, 'api_calls', 'burst'];

/** The scopes the status endpoint reports, in its order: the upstream's three, then ours. */
const STATUS_SCOPES = ['ai_responses', 'questionnaires', 'api_calls', 'uploads', 'cv_uploads'] as const;
type StatusScope = (typeof STATUS_SCOPES)[number];

function percentage(used: number, limit: number): number {
  if (limit <= 0) return 100;
  return Math.round((used / limit) * 10_000) / 100;
}

function statusLabel(percent: number): ScopeStatus['status'] {
  if (percent >= 90) return 'critical';
  if (percent >= 70) return 'warning';
  if (percent >= 50) return 'moderate';
  return 'healthy';
}

function resetAt(oldest: Date | null, windowMs: number, now: number): Date {
  return new Date((oldest?.getTime() ?? now) + windowMs);
}

/**
 * Daily allowances per plan, counted from the usage ledger in PostgreSQL over a rolling 24 hours,
 * charged in the transaction that accepts the work: a refused request stores nothing and starts no
 * job, a job that fails gives its unit back, and neither a cache flush nor a restart changes a count.
 * Also the status of every limit, read from the same counters the limits count on.
 */
export class QuotaService {
  private freePlan: { row: PlanRow | null; until: number } | undefined;

  constructor(private readonly deps: { database: Database; plans: PlanService; counters: CounterStore }) {}

  /** A plan's limits; an account with no plan is held to the Free plan's. Pass the transaction when inside one. */
  async allowancesFor(plan: PlanRow | null, tx?: DbOrTx): Promise<Allowances> {
    if (plan) return allowancesOf(plan);
    const now = Date.now();
    if (!this.freePlan || this.freePlan.until < now) {
      this.freePlan = { row: (await this.deps.plans.defaultPlan(tx ?? this.deps.database.db)) ?? null, until: now + FREE_PLAN_TTL_MS };
    }
    return this.freePlan.row ? allowancesOf(this.freePlan.row) : SEEDED_FREE_ALLOWANCES;
  }

  /**
   * Charges one unit of a daily allowance inside the caller's transaction, after its rows are
   * written: over the allowance, it throws a 429 and the transaction (and the job) never commits.
   * `jobId` is the job doing the work, whose failure gives the unit back.
   */
  async charge(tx: DbOrTx, userId: number, scope: QuotaScope, jobId: string | null): Promise<RateLimitInfo> {
    const account = await lockAccountPlan(tx, userId);
    if (!account) throw new AppError('not_found', 'No such account.');
    // Everything below reads through the transaction: an embedded database has one connection.
    const allowances = await this.allowancesFor(account.plan, tx);
    const now = Date.now();
    const usage = await scopeUsageSince(tx, userId, scope, new Date(now - QUOTA_WINDOW_MS));
    const limit = allowances[scope];
    if (usage.used >= limit) {
      const reset = resetAt(usage.oldest, QUOTA_WINDOW_MS, now);
      const words = quotaWords[scope];
      const message = `You have reached your ${words.limit} limit for today.`;
      throw new AppError('quota_exceeded', message, {
        headers: { 'retry-after': String(Math.max(1, Math.ceil((reset.getTime() - now) / 1000))) },
        body: {
          error: 'rate_limit_exceeded',
          message,
          scope,
          limit_info: this.limitInfo(limit, usage.used, reset, allowances.planName),
          upgrade_suggestion: await this.upgradeSuggestion(account.plan, words.more, tx),
        },
      });
    }
    await insertUsage(tx, { userId, scope, jobId });
    return { limit, remaining: Math.max(0, limit - usage.used - 1), reset_at: resetAt(usage.oldest, QUOTA_WINDOW_MS, now).toISOString() };
  }

  limitInfo(limit: number, used: number, reset: Date, planName: string): LimitInfo {
    return { limit, used, remaining: Math.max(0, limit - used), reset_at: reset.toISOString(), current_plan: planName };
  }

  /** The plan after the caller's, cheapest first; none above the highest. A person with no plan is on Free. */
  async nextPlan(plan: PlanRow | null, tx?: DbOrTx): Promise<PlanRow | null> {
    const rows = await this.deps.plans.rows(tx);
    const currentName = plan?.name ?? FREE_PLAN;
    const index = rows.findIndex((row) => row.name === currentName);
    // A plan no longer listed is treated as Free, as the upstream did.
    const from = index === -1 ? rows.findIndex((row) => row.name === FREE_PLAN) : index;
    return rows[from + 1] ?? null;
  }

  /** What a 429 suggests: the next plan, or null on the highest. */
  async upgradeSuggestion(plan: PlanRow | null, more: string, tx?: DbOrTx): Promise<UpgradeSuggestion | null> {
    const next = await this.nextPlan(plan, tx);
    return next ? { message: `Upgrade to ${next.name} for more ${more}`, recommended_plan: next.name, upgrade_url: UPGRADE_URL } : null;
  }

  /** Every limit of a person as enforced right now (the upstream's status body, with the scopes it left out). */
  async status(user: UserRow): Promise<RateLimitStatusBody> {
    // The plan as stored now, as the daily allowances read it, whatever a session remembers.
    const plan = (await readAccountPlan(this.deps.database.db, user.id))?.plan ?? null;
    const allowances = await this.allowancesFor(plan);
    const now = Date.now();
    const [usage, apiCalls] = await Promise.all([
      usageSince(this.deps.database.db, user.id, new Date(now - QUOTA_WINDOW_MS)),
      this.deps.counters.peek(counterKey('api_calls', personKey(user.id)), API_CALLS_WINDOW_MS),
    ]);
    const scopeUsage = (scope: StatusScope): { used: number; reset: Date } => {
      if (scope === 'api_calls') return { used: apiCalls?.current ?? 0, reset: new Date(now + (apiCalls?.ttlMs ?? API_CALLS_WINDOW_MS)) };
      const counted: Usage = usage.get(scope) ?? { used: 0, oldest: null };
      return { used: counted.used, reset: resetAt(counted.oldest, QUOTA_WINDOW_MS, now) };
    };
    const rateLimits = {} as Record<StatusScope, ScopeStatus>;
    for (const scope of STATUS_SCOPES) {
      const limit = allowances[scope];
      const { used, reset } = scopeUsage(scope);
      const percent = percentage(used, limit);
      rateLimits[scope] = { limit, used, remaining: Math.max(0, limit - used), reset_at: reset.toISOString(), percentage_used: percent, status: statusLabel(percent) };
    }
    const next = await this.nextPlan(plan);
    const high = STATUS_SCOPES.filter((scope) => rateLimits[scope].percentage_used >= HIGH_USAGE_PERCENT);
    let upgrade: RateLimitStatusBody['upgrade_recommendation'];
    if (!next) upgrade = { should_upgrade: false, reason: 'You are on the highest plan', recommended_plan: null, upgrade_url: null };
    else if (high.length > 0) {
      upgrade = { should_upgrade: true, reason: `You are approaching limits on: ${high.join(', ')}`, recommended_plan: next.name, upgrade_url: UPGRADE_URL, high_usage_scopes: high };
    } else upgrade = { should_upgrade: false, reason: 'Your usage is within comfortable limits', recommended_plan: null, upgrade_url: null };
    return {
      user: { username: user.username, email: user.email, plan: allowances.planName },
      rate_limits: rateLimits,
      upgrade_recommendation: upgrade,
    };
  }

  /** An operator's reset: forgets a person's daily usage of the given scopes, and their request counters. */
  async reset(userId: number, scopes: readonly ResettableScope[]): Promise<{ usageRows: number; counters: number }> {
    const quota = scopes.filter((scope): scope is QuotaScope => (quotaScopes as readonly string[]).includes(scope));
    const usageRows = quota.length > 0 ? await deleteUsage(this.deps.database.db, userId, quota) : 0;
    const rates = scopes.filter((scope): scope is PersonalRate => scope === 'api_calls' || scope === 'burst');
    for (const rate of rates) await this.deps.counters.reset(counterKey(rate, personKey(userId)));
    return { usageRows, counters: rates.length };
  }
}
