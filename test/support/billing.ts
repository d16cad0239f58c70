import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { UserBody } from '../../src/features/users/schema.js';
import { plans, stripeEvents } from '../../src/infra/db/schema.js';
import type { registerPerson } from './browser.js';
import { FakeStripe, stripeEvent, stripeSignature, type FakePrice } from './fake-stripe.js';
import { createTestApp, type StorageName, type TestApp } from './harness.js';

export const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';
export const FRONTEND_URL = 'https://app.example.test';

/** Stripe prices of the paid plans, as a deployment would set them on the plan rows. */
export const PRICES = {
  basicMonthly: 'price_basic_monthly',
  basicYearly: 'price_basic_yearly',
  proMonthly: 'price_pro_monthly',
  proYearly: 'price_pro_yearly',
} as const;

const FAKE_PRICES = new Map<string, FakePrice>([
  [PRICES.basicMonthly, { unit_amount: 500, interval: 'month' }],
  [PRICES.basicYearly, { unit_amount: 5500, interval: 'year' }],
  [PRICES.proMonthly, { unit_amount: 1500, interval: 'month' }],
  [PRICES.proYearly, { unit_amount: 16500, interval: 'year' }],
]);

export type Person = Awaited<ReturnType<typeof registerPerson>>;

export interface BillingApp {
  testApp: TestApp;
  stripe: FakeStripe;
  /** Plan ids by name. */
  planIds: Record<'Free' | 'Basic' | 'Pro' | 'Premium', number>;
  close(): Promise<void>;
}

/** The app with Stripe configured against a fake, and Basic and Pro sold at the PRICES. */
export async function startBillingApp(target: StorageName, extraEnv: Record<string, string> = {}): Promise<BillingApp> {
  const stripe = new FakeStripe(FAKE_PRICES);
  const base = await stripe.start();
  const testApp = await createTestApp(target, {
    STRIPE_SECRET_KEY: 'sk_test_fake',
    STRIPE_API_BASE: base,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    FRONTEND_URL,
    ...extraEnv,
  });
  const { db } = testApp.services.database;
  await db.update(plans).set({ stripePriceIdMonthly: PRICES.basicMonthly, stripePriceIdYearly: PRICES.basicYearly }).where(eq(plans.name, 'Basic'));
  await db.update(plans).set({ stripePriceIdMonthly: PRICES.proMonthly, stripePriceIdYearly: PRICES.proYearly }).where(eq(plans.name, 'Pro'));
  const rows = await db.select({ id: plans.id, name: plans.name }).from(plans);
  const planIds = Object.fromEntries(rows.map((row) => [row.name, row.id])) as BillingApp['planIds'];
  return {
    testApp,
    stripe,
    planIds,
    async close() {
      await testApp.close();
      await stripe.stop();
    },
  };
}

export function checkout(testApp: TestApp, person: Person, body: Record<string, unknown>): Promise<LightMyRequestResponse> {
  return testApp.app.inject({ method: 'POST', url: '/core/payments/create-checkout-session/', headers: person.auth, payload: body });
}

export async function accountOf(testApp: TestApp, person: Person): Promise<UserBody> {
  const response = await testApp.app.inject({ method: 'GET', url: '/auth/user/', headers: person.auth });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<UserBody>();
}

/** What billing left on the account, as /auth/user/ shows it. */
export async function billingOf(testApp: TestApp, person: Person) {
  const account = await accountOf(testApp, person);
  return {
    plan: account.plan?.name ?? null,
    status: account.stripe_subscription_status,
    subscription: account.stripe_subscription_id,
    customer: account.stripe_customer_id,
    interval: account.subscription_interval,
    renewal: account.subscription_renewal_date,
  };
}

export interface Delivery {
  id: string;
  type: string;
  payload: string;
  signature: string;
}

/** An event as Stripe would deliver it, signed with the webhook secret (or another, or at another time). */
export function signedEvent(type: string, object: unknown, options: { secret?: string; timestamp?: number } = {}): Delivery {
  const event = stripeEvent(type, object);
  return { ...event, signature: stripeSignature(event.payload, options.secret ?? WEBHOOK_SECRET, options.timestamp) };
}

export function deliver(testApp: TestApp, delivery: Pick<Delivery, 'payload' | 'signature'>): Promise<LightMyRequestResponse> {
  return testApp.app.inject({
    method: 'POST',
    url: '/core/payments/webhook/stripe/',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': delivery.signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
    payload: delivery.payload,
  });
}

/** Delivers an event and expects it applied (not a duplicate). */
export async function deliverApplied(testApp: TestApp, delivery: Delivery): Promise<void> {
  const response = await deliver(testApp, delivery);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json()).toEqual({ received: true, duplicate: false });
}

/** How many times each of these events is recorded as applied. */
export async function recordedEvents(testApp: TestApp, ids: string[]): Promise<number[]> {
  const { db } = testApp.services.database;
  return Promise.all(ids.map(async (id) => (await db.select().from(stripeEvents).where(eq(stripeEvents.id, id))).length));
}

/** Signs a person up and takes them through Checkout for a plan: the session is created, not yet paid. */
export async function startCheckout(billing: BillingApp, person: Person, plan: 'Basic' | 'Pro', cycle: 'monthly' | 'yearly' = 'monthly') {
  const response = await checkout(billing.testApp, person, { plan_id: billing.planIds[plan], billing: cycle });
  expect(response.statusCode, response.body).toBe(200);
  const { url } = response.json<{ url: string }>();
  const session = [...billing.stripe.sessions.values()].find((candidate) => candidate.url === url);
  if (!session) throw new Error(`no session has the URL ${url}`);
  return session;
}
