import type { Services } from '../../services.js';
import { listPlans, type PlanRow } from './repository.js';
import type { PlanBody, Price } from './schema.js';

type Interval = 'month' | 'year';

const PRICE_TTL_SECONDS = 3600;
// A failed look-up is remembered briefly too, so a wrong price id does not send every request to Stripe.
const PRICE_FAILURE_TTL_SECONDS = 60;

type CachedPrice = { price: Price } | { failed: true };

// Stripe amounts are in the currency's smallest unit, which for these currencies is the unit itself.
const ZERO_DECIMAL_CURRENCIES = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

function fromMinorUnits(amount: number, currency: string): number {
  return ZERO_DECIMAL_CURRENCIES.has(currency.toLowerCase()) ? amount : amount / 100;
}

/** Plans as clients see them, priced from Stripe when it is configured, else from the plan row. */
export class PlanService {
  constructor(private readonly services: Services) {}

  private priceId(plan: PlanRow, interval: Interval): string | null {
    return interval === 'month' ? plan.stripePriceIdMonthly : plan.stripePriceIdYearly;
  }

  /** Whether the plan is sold with this billing period. */
  isSold(plan: PlanRow, interval: Interval): boolean {
    if (this.services.stripe) return Boolean(this.priceId(plan, interval));
    return (interval === 'month' ? plan.monthlyPriceCents : plan.yearlyPriceCents) !== null;
  }

  async price(plan: PlanRow, interval: Interval): Promise<Price | null> {
    const priceId = this.priceId(plan, interval);
    const stripe = this.services.stripe;
    if (stripe && priceId) {
      const key = `stripe:price:${priceId}`;
      const cached = await this.services.cache.get<CachedPrice>(key);
      if (cached) return 'price' in cached ? cached.price : null;
      try {
        const price = await stripe.prices.retrieve(priceId);
        const value: Price = {
          amount: fromMinorUnits(price.unit_amount ?? 0, price.currency),
          currency: price.currency.toUpperCase(),
          interval: price.recurring?.interval === 'year' ? 'year' : price.recurring?.interval === 'month' ? 'month' : null,
        };
        await this.services.cache.set(key, { price: value } satisfies CachedPrice, PRICE_TTL_SECONDS);
        return value;
      } catch (error) {
        this.services.logger.warn({ err: error, priceId }, 'Stripe price look-up failed');
        await this.services.cache.set(key, { failed: true } satisfies CachedPrice, PRICE_FAILURE_TTL_SECONDS);
        return null;
      }
    }
    const cents = interval === 'month' ? plan.monthlyPriceCents : plan.yearlyPriceCents;
    if (cents === null) return { amount: 0, currency: plan.currency, interval: null }; // a free plan
    // With Stripe on, a paid plan without a Stripe price cannot be bought: showing the row price would mislead.
    if (stripe) return null;
    return { amount: cents / 100, currency: plan.currency, interval };
  }

  async present(plan: PlanRow, currentPlanId: number | null | undefined): Promise<PlanBody> {
    const [monthly, yearly] = await Promise.all([this.price(plan, 'month'), this.price(plan, 'year')]);
    return {
      id: plan.id,
      name: plan.name,
      description: plan.description,
      monthly_price: monthly,
      yearly_price: yearly,
      is_current: currentPlanId !== undefined && currentPlanId !== null && currentPlanId === plan.id,
    };
  }

  async list(billing: 'monthly' | 'yearly' | undefined, currentPlanId: number | null | undefined): Promise<PlanBody[]> {
    let plans = await listPlans(this.services.database.db);
    if (billing) plans = plans.filter((plan) => this.isSold(plan, billing === 'monthly' ? 'month' : 'year'));
    return Promise.all(plans.map((plan) => this.present(plan, currentPlanId)));
  }
}
