import type { Logger } from 'pino';
import type { Cache } from '../../infra/cache/cache.js';
import { SharedCall } from '../../lib/shared-call.js';
import type { Database, DbOrTx } from '../../infra/db/database.js';
import type { Stripe } from '../../infra/stripe/stripe-client.js';
import { findPlanById, findPlanByName, findPlanByStripePrice, listPlans, type PlanRow } from './repository.js';
import type { PlanBody, Price } from './schema.js';
import { FREE_PLAN } from './seed.js';

type Interval = 'month' | 'year';

const PRICE_TTL_SECONDS = 3600;
// A failed look-up is remembered briefly too, so a wrong price id does not send every request to Stripe.
const PRICE_FAILURE_TTL_SECONDS = 60;
// Each process also keeps what the shared cache said for a minute: prices are on every signed-in answer.
const LOCAL_PRICE_TTL_MS = 60_000;

type CachedPrice = { price: Price } | { failed: true };

// Stripe amounts are in the currency's smallest unit, which for these currencies is the unit itself.
const ZERO_DECIMAL_CURRENCIES = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

function fromMinorUnits(amount: number, currency: string): number {
  return ZERO_DECIMAL_CURRENCIES.has(currency.toLowerCase()) ? amount : amount / 100;
}

export interface PlanServiceDependencies {
  database: Database;
  cache: Cache;
  /** Present when STRIPE_SECRET_KEY is set. */
  stripe: Stripe | undefined;
  logger: Logger;
}

/** Plans as clients see them, priced from Stripe when it is configured, else from the plan row. */
export class PlanService {
  private readonly localPrices = new Map<string, { value: CachedPrice; expires: number }>();
  /** The plan list being read: requests that arrive meanwhile share it rather than each reading it again. */
  private readonly listing = new SharedCall<PlanRow[]>();

  constructor(private readonly dependencies: PlanServiceDependencies) {}

  private priceId(plan: PlanRow, interval: Interval): string | null {
    return interval === 'month' ? plan.stripePriceIdMonthly : plan.stripePriceIdYearly;
  }

  /** The plan every new account starts on. */
  async defaultPlan(db: DbOrTx): Promise<PlanRow | undefined> {
    return findPlanByName(db, FREE_PLAN);
  }

  /** Every plan row, cheapest first (by their order); inside a transaction, read through it. */
  async rows(tx?: DbOrTx): Promise<PlanRow[]> {
    return tx ? listPlans(tx) : this.listing.run(() => listPlans(this.dependencies.database.db));
  }

  /** The plan a Stripe price buys, if any plan is sold at it. */
  async findByStripePrice(db: DbOrTx, priceId: string): Promise<PlanRow | undefined> {
    return findPlanByStripePrice(db, priceId);
  }

  async findById(id: number | null): Promise<PlanRow | null> {
    return id === null ? null : ((await findPlanById(this.dependencies.database.db, id)) ?? null);
  }

  /** Whether the plan is sold with this billing period. */
  isSold(plan: PlanRow, interval: Interval): boolean {
    if (this.dependencies.stripe) return Boolean(this.priceId(plan, interval));
    return (interval === 'month' ? plan.monthlyPriceCents : plan.yearlyPriceCents) !== null;
  }

  private async stripePrice(stripe: Stripe, priceId: string): Promise<CachedPrice> {
    const local = this.localPrices.get(priceId);
    if (local && local.expires > Date.now()) return local.value;
    const { cache, logger } = this.dependencies;
    const key = `stripe:price:${priceId}`;
    let value = await cache.get<CachedPrice>(key);
    if (!value) {
      try {
        const price = await stripe.prices.retrieve(priceId);
        value = {
          price: {
            amount: fromMinorUnits(price.unit_amount ?? 0, price.currency),
            currency: price.currency.toUpperCase(),
            interval: price.recurring?.interval === 'year' ? 'year' : price.recurring?.interval === 'month' ? 'month' : null,
          },
        };
        await cache.set(key, value, PRICE_TTL_SECONDS);
      } catch (error) {
        logger.warn({ err: error, priceId }, 'Stripe price look-up failed');
        value = { failed: true };
        await cache.set(key, value, PRICE_FAILURE_TTL_SECONDS);
      }
    }
    this.localPrices.set(priceId, { value, expires: Date.now() + LOCAL_PRICE_TTL_MS });
    return value;
  }

  async price(plan: PlanRow, interval: Interval): Promise<Price | null> {
    const priceId = this.priceId(plan, interval);
    const stripe = this.dependencies.stripe;
    if (stripe && priceId) {
      const cached = await this.stripePrice(stripe, priceId);
      return 'price' in cached ? cached.price : null;
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
    let plans = await this.rows();
    if (billing) plans = plans.filter((plan) => this.isSold(plan, billing === 'monthly' ? 'month' : 'year'));
    return Promise.all(plans.map((plan) => this.present(plan, currentPlanId)));
  }
}
