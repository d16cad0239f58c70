import { createHmac } from 'node:crypto';
import type { Stripe } from '../../infra/stripe/stripe-client.js';
import { positiveId } from '../../lib/positive-id.js';

export type BillingCycle = 'monthly' | 'yearly';

/** Statuses in which a subscription gives its plan; in any other the user is on the Free plan. */
const PAID_STATUSES = new Set(['active', 'trialing']);

/**
 * Statuses of a subscription that still exists and can be paid again: a second checkout is refused
 * (it would bill the person twice), and changes go through the billing portal.
 */
const LIVE_STATUSES = new Set(['active', 'trialing', 'past_due', 'unpaid', 'paused']);

/** Statuses after which a subscription never renews. */
const ENDED_STATUSES = new Set(['canceled', 'incomplete_expired']);

export const paysForPlan = (status: string): boolean => PAID_STATUSES.has(status);
export const isLiveSubscription = (status: string | null): boolean => status !== null && LIVE_STATUSES.has(status);

/** A subscription as Stripe has it now, reduced to what the user row keeps. */
export interface SubscriptionState {
  id: string;
  customerId: string;
  status: string;
  priceId: string | null;
  interval: 'month' | 'year' | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  /** The user named in the subscription's metadata at checkout. */
  userId: number | undefined;
}


type Loose = Record<string, unknown>;
const loose = (value: unknown): Loose => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : {});

/** The id of an expandable Stripe field, expanded or not, as typed objects and raw event payloads have it. */
export function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  const id = loose(value).id;
  return typeof id === 'string' ? id : null;
}

function epochDate(value: unknown): Date | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? new Date(value * 1000) : null;
}

/** The user id a string from Stripe (client_reference_id, metadata) names, if it is one. */
export function userIdFrom(value: unknown): number | undefined {
  return typeof value === 'string' ? positiveId(value) : undefined;
}

/**
 * Reads a subscription. Its period is taken from its first item, where current API versions put it;
 * older versions had it on the subscription itself, which is read when the item has none.
 */
export function subscriptionState(subscription: Stripe.Subscription): SubscriptionState {
  const item = subscription.items.data[0];
  const legacy = subscription as unknown as { current_period_start?: unknown; current_period_end?: unknown };
  const interval = item?.price.recurring?.interval;
  return {
    id: subscription.id,
    customerId: idOf(subscription.customer) ?? '',
    status: subscription.status,
    priceId: item?.price.id ?? null,
    interval: interval === 'month' ? 'month' : interval === 'year' ? 'year' : null,
    periodStart: epochDate(item?.current_period_start) ?? epochDate(legacy.current_period_start),
    periodEnd: epochDate(item?.current_period_end) ?? epochDate(legacy.current_period_end),
    userId: userIdFrom(subscription.metadata?.user_id),
  };
}

/** Whether two reads of a subscription would leave the user row the same. */
export function sameSubscriptionState(a: SubscriptionState, b: SubscriptionState): boolean {
  return (
    a.id === b.id &&
    a.customerId === b.customerId &&
    a.status === b.status &&
    a.priceId === b.priceId &&
    a.interval === b.interval &&
    a.periodEnd?.getTime() === b.periodEnd?.getTime()
  );
}

/** The renewal date the user row keeps: none once the subscription has ended for good. */
export function renewalDate(state: SubscriptionState): Date | null {
  return ENDED_STATUSES.has(state.status) ? null : state.periodEnd;
}

/**
 * Whether news of another subscription of the user must leave their current one in place: an old
 * subscription that ends, or a new one not yet paid, says nothing about the one they pay for now.
 */
export function keepsCurrentSubscription(current: { stripeSubscriptionId: string | null; stripeSubscriptionStatus: string | null }, incoming: SubscriptionState): boolean {
  return (
    current.stripeSubscriptionId !== null &&
    current.stripeSubscriptionId !== incoming.id &&
    isLiveSubscription(current.stripeSubscriptionStatus) &&
    !paysForPlan(incoming.status)
  );
}

/** What an event is about, when it concerns a subscription: which one, and whom it names. */
export interface EventSubject {
  subscriptionId: string;
  /** The user the event names (client_reference_id or metadata.user_id), if it names one. */
  userId: number | undefined;
}

/** The events that can change what a user's subscription gives them. */
export const SUBSCRIPTION_EVENTS = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
] as const;

const subscriptionEvents = new Set<string>(SUBSCRIPTION_EVENTS);

/**
 * The subscription an event concerns, read from its payload as any API version writes it (an
 * invoice names its subscription under `parent.subscription_details` now, at the top level before).
 * Undefined for events that change no subscription.
 */
export function eventSubject(event: { type: string; data: { object: unknown } }): EventSubject | undefined {
  if (!subscriptionEvents.has(event.type)) return undefined;
  const object = loose(event.data.object);
  const metadata = loose(object.metadata);
  if (event.type.startsWith('checkout.session.')) {
    const subscriptionId = idOf(object.subscription);
    return subscriptionId ? { subscriptionId, userId: userIdFrom(object.client_reference_id) ?? userIdFrom(metadata.user_id) } : undefined;
  }
  if (event.type.startsWith('customer.subscription.')) {
    const subscriptionId = idOf(object.id);
    return subscriptionId ? { subscriptionId, userId: userIdFrom(metadata.user_id) } : undefined;
  }
  const details = loose(loose(object.parent).subscription_details);
  const subscriptionId = idOf(details.subscription) ?? idOf(object.subscription);
  return subscriptionId ? { subscriptionId, userId: userIdFrom(loose(details.metadata).user_id) } : undefined;
}

/**
 * An Idempotency-Key for a Stripe request: the same request (same purpose and parts) gets the same
 * key, so a repeat returns Stripe's first answer. Keyed with the service's secret, so two deployments
 * sharing a Stripe account never share keys, and the key tells nothing of the request.
 */
export function idempotencyKey(secret: string, purpose: string, parts: readonly unknown[]): string {
  return `cvimprover-${purpose}-${createHmac('sha256', secret).update(JSON.stringify(parts)).digest('hex').slice(0, 40)}`;
}
