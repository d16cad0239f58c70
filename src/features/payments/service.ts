import type { Logger } from 'pino';
import { AppError, upstreamError } from '../../http/errors.js';
import type { Database, DbOrTx } from '../../infra/db/database.js';
import { stripeFailureKind, type Stripe } from '../../infra/stripe/stripe-client.js';
import { positiveId } from '../../lib/positive-id.js';
import type { PlanService } from '../plans/service.js';
import type { SubscriptionFields, UserRow } from '../users/repository.js';
import type { UserService } from '../users/service.js';
import { isStripeEventRecorded, recordStripeEvent, type StripeEventRecord } from './repository.js';
import {
  eventSubject,
  idOf,
  idempotencyKey,
  isLiveSubscription,
  keepsCurrentSubscription,
  paysForPlan,
  renewalDate,
  sameSubscriptionState,
  subscriptionState,
  type SubscriptionState,
} from './rules.js';
import type { CheckoutInput, RedirectBody, VerifySessionBody, WebhookReceipt } from './schema.js';

/** How old a signed webhook may be: older deliveries are refused, so a captured one cannot be replayed later. */
const WEBHOOK_TOLERANCE_SECONDS = 300;
/** Within this window the same checkout (a double click, a reload) gets the same Checkout Session. */
const CHECKOUT_REUSE_WINDOW_MS = 60 * 60 * 1000;
/** A sync reads the subscription again after writing it, at most this many reads in all (see `sync`). */
const MAX_SYNC_READS = 3;
const CHECKOUT_SESSION_ID = /^cs_[A-Za-z0-9_]{1,250}$/;

/** A failed Stripe call as the client sees it: a safe message, never Stripe's text (the log has that). */
function providerError(error: unknown): unknown {
  const kind = stripeFailureKind(error);
  if (kind === undefined) return error;
  return upstreamError(kind === 'unavailable' ? 'payment_provider_unavailable' : 'payment_provider_error', undefined, error);
}

const checkoutSessionNotFound = () => upstreamError('not_found', 'Checkout session not found.');

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

function sameFields(user: UserRow, fields: SubscriptionFields): boolean {
  return (
    user.planId === fields.planId &&
    user.stripeCustomerId === fields.stripeCustomerId &&
    user.stripeSubscriptionId === fields.stripeSubscriptionId &&
    user.stripeSubscriptionStatus === fields.stripeSubscriptionStatus &&
    user.subscriptionInterval === fields.subscriptionInterval &&
    user.subscriptionCurrentPeriodEnd?.getTime() === fields.subscriptionCurrentPeriodEnd?.getTime()
  );
}

type SyncOutcome =
  | { kind: 'applied' | 'unchanged' | 'kept_current'; userId: number }
  | { kind: 'no_user' }
  /** The event had been recorded already: nothing was done. */
  | { kind: 'duplicate' };

export interface PaymentServiceDependencies {
  database: Database;
  /** Present when STRIPE_SECRET_KEY is set. */
  stripe: Stripe | undefined;
  users: UserService;
  plans: PlanService;
  logger: Logger;
  /** Where Stripe sends the browser back to (a full URL). */
  frontendUrl: string;
  webhookSecret: string | undefined;
  /** Keys the Idempotency-Keys sent to Stripe. */
  secretKey: string;
}

/**
 * Stripe billing: Checkout for new subscriptions, the billing portal for changes, and the user's
 * plan kept in line with their subscription as Stripe has it (webhooks, and the success page).
 */
export class PaymentService {
  private readonly frontendUrl: string;

  constructor(private readonly deps: PaymentServiceDependencies) {
    this.frontendUrl = deps.frontendUrl.replace(/\/+$/, '');
  }

  private requireStripe(): Stripe {
    if (!this.deps.stripe) throw upstreamError('payments_not_configured');
    return this.deps.stripe;
  }

  private async callStripe<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw providerError(error);
    }
  }

  /**
   * A Checkout Session for a plan, checked as the upstream checked it (same messages), for the
   * user's own Stripe customer. Refused while the user has a live subscription: a second one would
   * bill them twice, and plan changes go through the billing portal.
   */
  async createCheckoutSession(user: UserRow, input: CheckoutInput): Promise<RedirectBody> {
    const stripe = this.requireStripe();
    const { plan_id: rawPlanId, billing } = input;
    if (rawPlanId === undefined || rawPlanId === null || rawPlanId === '' || billing === undefined || billing === null || billing === '') {
      throw upstreamError('invalid_request', 'Missing plan_id or billing');
    }
    const planIdText = String(rawPlanId).trim();
    if (!/^-?\d{1,16}$/.test(planIdText)) throw upstreamError('invalid_request', 'plan_id must be a whole number.');
    if (billing !== 'monthly' && billing !== 'yearly') throw upstreamError('invalid_request', 'billing must be "monthly" or "yearly".');
    const plan = await this.deps.plans.findById(positiveId(planIdText) ?? null);
    if (!plan) throw upstreamError('not_found', 'Plan not found');
    const priceId = billing === 'monthly' ? plan.stripePriceIdMonthly : plan.stripePriceIdYearly;
    if (!priceId) throw upstreamError('invalid_request', 'Plan does not support that billing cycle.');
    if (isLiveSubscription(user.stripeSubscriptionStatus)) {
      throw upstreamError('conflict', 'You already have a subscription. Change or cancel it in the billing portal.');
    }
    const customer = await this.customerOf(stripe, user);
    const metadata = { plan_id: String(plan.id), user_id: String(user.id) };
    const params: Stripe.Checkout.SessionCreateParams = {
      mode: 'subscription',
      line_items: [{ price: priceId, quantity: 1 }],
      customer,
      client_reference_id: String(user.id),
      metadata,
      subscription_data: { metadata },
      success_url: `${this.frontendUrl}/payments/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${this.frontendUrl}/payments/cancelled`,
    };
    // The subscription the user has is part of the key: once it changes (a payment, a cancellation),
    // the same plan can be bought afresh rather than answered with the old, completed session.
    const key = idempotencyKey(this.deps.secretKey, 'checkout', [
      params,
      user.stripeSubscriptionId,
      user.stripeSubscriptionStatus,
      Math.floor(Date.now() / CHECKOUT_REUSE_WINDOW_MS),
    ]);
    const session = await this.callStripe(() => stripe.checkout.sessions.create(params, { idempotencyKey: key }));
    if (!session.url) throw upstreamError('payment_provider_error', undefined, new Error(`Checkout Session ${session.id} has no URL`));
    return { url: session.url };
  }

  /** The user's Stripe customer, created (named by our user id) and stored the first time. */
  private async customerOf(stripe: Stripe, user: UserRow): Promise<string> {
    if (user.stripeCustomerId) return user.stripeCustomerId;
    const params: Stripe.CustomerCreateParams = { email: user.email, metadata: { user_id: String(user.id) } };
    const customer = await this.callStripe(() =>
      stripe.customers.create(params, { idempotencyKey: idempotencyKey(this.deps.secretKey, 'customer', [user.id, params]) }),
    );
    return this.deps.users.linkStripeCustomer(user.id, customer.id);
  }

  /** A billing-portal session for the user's Stripe customer, returning to their profile page. */
  async createPortalSession(user: UserRow): Promise<RedirectBody> {
    const stripe = this.requireStripe();
    const customer = user.stripeCustomerId;
    if (!customer) throw upstreamError('invalid_request', 'No Stripe customer ID found.');
    const session = await this.callStripe(() => stripe.billingPortal.sessions.create({ customer, return_url: `${this.frontendUrl}/profile` }));
    return { url: session.url };
  }

  /**
   * The success page's check: the caller's own Checkout Session (made for them, or for their
   * customer), with its subscription applied to them as a webhook would apply it. Anyone else's
   * session is not found.
   */
  async verifySession(user: UserRow, sessionId: string | undefined): Promise<VerifySessionBody> {
    if (!sessionId) throw upstreamError('invalid_request', 'Missing session_id');
    const stripe = this.requireStripe();
    if (!CHECKOUT_SESSION_ID.test(sessionId)) throw checkoutSessionNotFound();
    let session: Stripe.Checkout.Session;
    try {
      session = await stripe.checkout.sessions.retrieve(sessionId, { expand: ['subscription'] });
    } catch (error) {
      if (stripeFailureKind(error) === 'missing') throw checkoutSessionNotFound();
      throw providerError(error);
    }
    const customer = idOf(session.customer);
    const owned = session.client_reference_id === String(user.id) || (customer !== null && customer === user.stripeCustomerId);
    if (!owned) throw checkoutSessionNotFound();
    const linked = session.subscription;
    const subscription = typeof linked === 'string' ? await this.retrieveSubscription(stripe, linked) : linked;
    if (!subscription) throw upstreamError('invalid_request', 'No subscription found in session.');
    const state = subscriptionState(subscription);
    if (!state.priceId) throw upstreamError('invalid_request', 'Subscription items missing.');
    await this.sync(stripe, state, user.id);
    const plan = await this.deps.plans.findByStripePrice(this.deps.database.db, state.priceId);
    return {
      success: true,
      subscription: {
        id: plan?.id ?? null,
        plan_name: plan?.name ?? 'Unknown',
        status: state.status,
        current_period_start: iso(state.periodStart),
        current_period_end: iso(state.periodEnd),
      },
    };
  }

  /**
   * A webhook delivery: verified against the exact bytes Stripe signed, then applied at most once
   * (the event id is recorded in the transaction that applies it). Any failure to apply it is a
   * 500, so Stripe delivers it again; nothing is recorded unless its effect committed.
   */
  async receiveWebhook(body: Buffer, signature: string | undefined): Promise<WebhookReceipt> {
    const { stripe, webhookSecret, logger } = this.deps;
    if (!stripe || !webhookSecret) throw upstreamError('payments_not_configured');
    if (!signature) throw upstreamError('invalid_request', 'Missing Stripe-Signature header.');
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(body, signature, webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
    } catch (error) {
      // A wrong STRIPE_WEBHOOK_SECRET refuses every delivery: the log says so, once per delivery.
      logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'a Stripe webhook was refused: its signature did not verify');
      throw upstreamError('invalid_request', 'Invalid Stripe signature.');
    }
    const raw = event as { id?: unknown; type?: unknown; created?: unknown };
    if (typeof raw.id !== 'string' || typeof raw.type !== 'string' || typeof raw.created !== 'number') {
      throw upstreamError('invalid_request', 'Not a Stripe event.');
    }
    try {
      return await this.applyEvent(stripe, event);
    } catch (error) {
      throw new AppError('internal_error', `Stripe event ${event.id} could not be applied; Stripe will deliver it again.`, { cause: error });
    }
  }

  private async applyEvent(stripe: Stripe, event: Stripe.Event): Promise<WebhookReceipt> {
    const { database, logger } = this.deps;
    // A redelivery costs no call to Stripe; the record written with the effect is what really guards.
    if (await isStripeEventRecorded(database.db, event.id)) return { received: true, duplicate: true };
    const record: StripeEventRecord = { id: event.id, type: event.type, createdAt: new Date(event.created * 1000) };
    const subject = eventSubject(event);
    // The event's snapshot may be older than others already applied: what counts is the subscription now.
    const subscription = subject ? await this.retrieveSubscription(stripe, subject.subscriptionId) : undefined;
    if (!subject || !subscription) {
      if (subject) logger.warn({ eventId: event.id, subscriptionId: subject.subscriptionId }, 'a Stripe event names a subscription Stripe does not have; recorded, nothing applied');
      return { received: true, duplicate: !(await recordStripeEvent(database.db, record)) };
    }
    const outcome = await this.sync(stripe, subscriptionState(subscription), subject.userId, record);
    if (outcome.kind === 'no_user') {
      logger.warn({ eventId: event.id, subscriptionId: subscription.id }, 'a Stripe subscription event names no user of ours; recorded, nothing applied');
    }
    return { received: true, duplicate: outcome.kind === 'duplicate' };
  }

  /** The subscription as Stripe has it now; undefined when Stripe has no such subscription. */
  private async retrieveSubscription(stripe: Stripe, subscriptionId: string): Promise<Stripe.Subscription | undefined> {
    try {
      return await stripe.subscriptions.retrieve(subscriptionId);
    } catch (error) {
      if (stripeFailureKind(error) === 'missing') return undefined;
      throw providerError(error);
    }
  }

  /**
   * Brings the user's row in line with the subscription. After each write the subscription is read
   * again, and written again if it changed meanwhile: when two syncs of one subscription overlap,
   * the one that read the older state may commit last, and its next read repairs that, so the row
   * ends as Stripe was after the last write. No lock is held while Stripe is being asked.
   */
  private async sync(stripe: Stripe, first: SubscriptionState, namedUserId: number | undefined, event?: StripeEventRecord): Promise<SyncOutcome> {
    let state = first;
    let outcome = await this.apply(state, namedUserId, event);
    for (let reads = 1; reads < MAX_SYNC_READS && outcome.kind === 'applied'; reads++) {
      let again: Stripe.Subscription | undefined;
      try {
        again = await this.retrieveSubscription(stripe, state.id);
      } catch (error) {
        // What was read is applied; the next event about this subscription brings any later change.
        this.deps.logger.warn({ err: error, subscriptionId: state.id }, 'Stripe could not be asked again after a subscription sync');
        break;
      }
      if (!again) break;
      const latest = subscriptionState(again);
      if (sameSubscriptionState(latest, state)) break;
      state = latest;
      outcome = await this.apply(state, namedUserId);
    }
    return outcome;
  }

  /** The first of the named users that exists. */
  private async namedUser(db: DbOrTx, ids: (number | undefined)[]): Promise<UserRow | undefined> {
    for (const id of ids) {
      if (id === undefined) continue;
      const user = await this.deps.users.findById(id, db);
      if (user) return user;
    }
    return undefined;
  }

  /**
   * One transaction: records the event (if any; a recorded one stops here), finds the user (named
   * by the checkout, else by the stored subscription or customer id, never by e-mail), locks their
   * row and writes the subscription onto it. Active and trialing subscriptions give the plan sold at
   * their price; any other status gives the Free plan, and the status is kept, so the paid plan
   * comes back when Stripe says the subscription is active again.
   */
  private async apply(state: SubscriptionState, namedUserId: number | undefined, event?: StripeEventRecord): Promise<SyncOutcome> {
    const { database, users, plans, logger } = this.deps;
    let unknownPrice = false;
    const outcome = await database.db.transaction(async (tx): Promise<SyncOutcome> => {
      if (event && !(await recordStripeEvent(tx, event))) return { kind: 'duplicate' };
      const found =
        (await this.namedUser(tx, [namedUserId, state.userId])) ?? (await users.findByStripeIds(tx, { subscriptionId: state.id, customerId: state.customerId || null }));
      const user = found ? await users.lockForUpdate(tx, found.id) : undefined;
      if (!user) return { kind: 'no_user' };
      if (keepsCurrentSubscription(user, state)) return { kind: 'kept_current', userId: user.id };
      let planId: number | null;
      if (paysForPlan(state.status)) {
        const plan = state.priceId ? await plans.findByStripePrice(tx, state.priceId) : undefined;
        unknownPrice = plan === undefined;
        planId = plan?.id ?? user.planId;
      } else {
        planId = (await plans.defaultPlan(tx))?.id ?? null;
      }
      const fields: SubscriptionFields = {
        planId,
        stripeCustomerId: state.customerId || user.stripeCustomerId,
        stripeSubscriptionId: state.id,
        stripeSubscriptionStatus: state.status,
        subscriptionCurrentPeriodEnd: renewalDate(state),
        subscriptionInterval: state.interval,
      };
      if (sameFields(user, fields)) return { kind: 'unchanged', userId: user.id };
      await users.setSubscription(tx, user.id, fields);
      return { kind: 'applied', userId: user.id };
    });
    if (unknownPrice) {
      logger.warn({ subscriptionId: state.id, priceId: state.priceId }, 'a paid Stripe subscription is at a price no plan is sold at; its user keeps their plan');
    }
    if (outcome.kind === 'applied') await users.changed(outcome.userId);
    return outcome;
  }
}
