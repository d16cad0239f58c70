import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, newPerson, registerPerson } from '../../../test/support/browser.js';
import { FRONTEND_URL, PRICES, billingOf, checkout, startBillingApp, startCheckout, type BillingApp, type Person } from '../../../test/support/billing.js';
import { createTestApp, storageTargets, type TestApp } from '../../../test/support/harness.js';
import { plans } from '../../infra/db/schema.js';

type ErrorAnswer = { detail: string; code: string; error: string };

function expectUpstreamError(response: { statusCode: number; body: string; json: <T>() => T }, status: number, code: string, message?: string): void {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json<ErrorAnswer>();
  expect(body.code).toBe(code);
  expect(body.error).toBe(body.detail);
  if (message !== undefined) expect(body.error).toBe(message);
}

const verify = (testApp: TestApp, person: Person, sessionId?: string) =>
  testApp.app.inject({
    method: 'GET',
    url: `/core/payments/verify-session/${sessionId === undefined ? '' : `?session_id=${encodeURIComponent(sessionId)}`}`,
    headers: person.auth,
  });

const portal = (testApp: TestApp, person: Person) => testApp.app.inject({ method: 'POST', url: '/core/billing/portal/', headers: person.auth });

for (const target of storageTargets()) {
  describe.runIf(target.available)(`Stripe checkout, portal and verify-session on ${target.name}`, () => {
    let billing: BillingApp;
    let testApp: TestApp;
    beforeAll(async () => {
      billing = await startBillingApp(target.name);
      testApp = billing.testApp;
    });
    afterAll(async () => billing.close());

    it('refuses what cannot be bought with the upstream’s messages, before asking Stripe', async () => {
      const person = await registerPerson(testApp.app, 'refused');
      const before = billing.stripe.requests.length;
      const cases: [Record<string, unknown>, number, string][] = [
        [{}, 400, 'Missing plan_id or billing'],
        [{ plan_id: billing.planIds.Basic }, 400, 'Missing plan_id or billing'],
        [{ billing: 'monthly' }, 400, 'Missing plan_id or billing'],
        [{ plan_id: '', billing: 'monthly' }, 400, 'Missing plan_id or billing'],
        [{ plan_id: 'abc', billing: 'monthly' }, 400, 'plan_id must be a whole number.'],
        [{ plan_id: 1.5, billing: 'monthly' }, 400, 'plan_id must be a whole number.'],
        [{ plan_id: billing.planIds.Basic, billing: 'weekly' }, 400, 'billing must be "monthly" or "yearly".'],
        [{ plan_id: billing.planIds.Basic, billing: 'Yearly' }, 400, 'billing must be "monthly" or "yearly".'],
        [{ plan_id: 987654, billing: 'monthly' }, 404, 'Plan not found'],
        [{ plan_id: billing.planIds.Free, billing: 'monthly' }, 400, 'Plan does not support that billing cycle.'],
        [{ plan_id: billing.planIds.Premium, billing: 'yearly' }, 400, 'Plan does not support that billing cycle.'],
      ];
      for (const [body, status, message] of cases) {
        const response = await checkout(testApp, person, body);
        expectUpstreamError(response, status, status === 404 ? 'not_found' : 'invalid_request', message);
      }
      expect(billing.stripe.requests.length).toBe(before);
      expect((await billingOf(testApp, person)).customer).toBeNull();
    });

    it('needs a signed-in caller', async () => {
      const response = await testApp.app.inject({ method: 'POST', url: '/core/payments/create-checkout-session/', payload: { plan_id: billing.planIds.Basic, billing: 'monthly' } });
      expect(response.statusCode).toBe(401);
      for (const [method, url] of [['GET', '/core/payments/verify-session/?session_id=cs_test_x'], ['POST', '/core/billing/portal/']] as const) {
        expect((await testApp.app.inject({ method, url })).statusCode, url).toBe(401);
      }
    });

    it('creates a Checkout Session for the person’s own Stripe customer, named by their id, and stores the customer', async () => {
      const person = await registerPerson(testApp.app, 'checkout');
      const session = await startCheckout(billing, person, 'Basic');
      const customerId = session.customer;
      expect(customerId).toMatch(/^cus_/);
      const customer = billing.stripe.customers.get(customerId ?? '');
      expect(customer?.metadata).toEqual({ user_id: String(person.id) });
      expect(customer?.email).toBe(person.email);
      // Stored at once, and the next request sees it (the session cache dropped the user).
      expect((await billingOf(testApp, person)).customer).toBe(customerId);

      const [created] = billing.stripe.requestsTo('POST', '/v1/checkout/sessions').filter((request) => request.params.customer === customerId);
      expect(created?.params).toMatchObject({
        mode: 'subscription',
        line_items: [{ price: PRICES.basicMonthly, quantity: '1' }],
        customer: customerId,
        client_reference_id: String(person.id),
        metadata: { plan_id: String(billing.planIds.Basic), user_id: String(person.id) },
        subscription_data: { metadata: { plan_id: String(billing.planIds.Basic), user_id: String(person.id) } },
        success_url: `${FRONTEND_URL}/payments/success?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${FRONTEND_URL}/payments/cancelled`,
      });
      expect(created?.params).not.toHaveProperty('customer_email');
      expect(created?.headers['idempotency-key']).toMatch(/^cvimprover-checkout-[0-9a-f]{40}$/);
    });

    it('answers a double click with the same session, and reuses the customer for another cycle', async () => {
      const person = await registerPerson(testApp.app, 'double');
      const body = { plan_id: billing.planIds.Pro, billing: 'yearly' };
      const [first, second] = await Promise.all([checkout(testApp, person, body), checkout(testApp, person, body)]);
      expect(first.statusCode, first.body).toBe(200);
      expect(second.statusCode, second.body).toBe(200);
      expect(second.json()).toEqual(first.json());
      const again = await checkout(testApp, person, { plan_id: String(billing.planIds.Pro), billing: 'yearly' });
      expect(again.json()).toEqual(first.json());

      const monthly = await checkout(testApp, person, { plan_id: billing.planIds.Pro, billing: 'monthly' });
      expect(monthly.statusCode).toBe(200);
      expect(monthly.json<{ url: string }>().url).not.toBe(first.json<{ url: string }>().url);

      const { customer } = await billingOf(testApp, person);
      const sessions = [...billing.stripe.sessions.values()].filter((session) => session.customer === customer);
      expect(sessions.map((session) => session.line_items_price).sort()).toEqual([PRICES.proMonthly, PRICES.proYearly]);
      // One customer for the person, however many clicks.
      expect([...billing.stripe.customers.values()].filter((candidate) => candidate.metadata.user_id === String(person.id))).toHaveLength(1);
    });

    it('refuses a second subscription while one is live (409), and sells again once it has ended', async () => {
      const person = await registerPerson(testApp.app, 'second');
      const session = await startCheckout(billing, person, 'Basic');
      const subscription = billing.stripe.completeCheckout(session.id);
      expect((await verify(testApp, person, session.id)).statusCode).toBe(200);
      const before = billing.stripe.requests.length;
      for (const status of ['active', 'trialing', 'past_due', 'unpaid'] as const) {
        billing.stripe.updateSubscription(subscription.id, { status });
        expect((await verify(testApp, person, session.id)).statusCode).toBe(200);
        const refused = await checkout(testApp, person, { plan_id: billing.planIds.Pro, billing: 'monthly' });
        expectUpstreamError(refused, 409, 'conflict', 'You already have a subscription. Change or cancel it in the billing portal.');
      }
      // Only the verify-session reads reached Stripe: no customer, no session.
      expect(billing.stripe.requests.slice(before).every((request) => request.method === 'GET')).toBe(true);

      billing.stripe.updateSubscription(subscription.id, { status: 'canceled' });
      expect((await verify(testApp, person, session.id)).statusCode).toBe(200);
      const again = await checkout(testApp, person, { plan_id: billing.planIds.Basic, billing: 'monthly' });
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json<{ url: string }>().url).not.toBe(session.url);
    });

    it('answers Stripe’s failures with 503 or 502 and a message of its own, never Stripe’s', async () => {
      const person = await registerPerson(testApp.app, 'outage');
      billing.stripe.failNext(1);
      const down = await checkout(testApp, person, { plan_id: billing.planIds.Basic, billing: 'monthly' });
      expectUpstreamError(down, 503, 'payment_provider_unavailable');
      expect(down.body).not.toMatch(/fake outage|Stripe/);
      expect((await billingOf(testApp, person)).customer).toBeNull();

      // A price the Stripe account does not have: Stripe refuses the request.
      const { db } = testApp.services.database;
      await db.update(plans).set({ stripePriceIdYearly: 'price_deleted' }).where(eq(plans.name, 'Premium'));
      try {
        const refused = await checkout(testApp, person, { plan_id: billing.planIds.Premium, billing: 'yearly' });
        expectUpstreamError(refused, 502, 'payment_provider_error');
        expect(refused.body).not.toMatch(/price_deleted|No such/);
      } finally {
        await db.update(plans).set({ stripePriceIdYearly: null }).where(eq(plans.name, 'Premium'));
      }
    });

    it('opens the billing portal for the person’s customer, returning to the profile page', async () => {
      const person = await registerPerson(testApp.app, 'portal');
      expectUpstreamError(await portal(testApp, person), 400, 'invalid_request', 'No Stripe customer ID found.');
      const session = await startCheckout(billing, person, 'Basic');
      const response = await portal(testApp, person);
      expect(response.statusCode, response.body).toBe(200);
      const { url } = response.json<{ url: string }>();
      const opened = billing.stripe.portalSessions.find((candidate) => candidate.url === url);
      expect(opened).toMatchObject({ customer: session.customer, return_url: `${FRONTEND_URL}/profile` });
    });

    it('verifies the caller’s own session: applies its subscription and answers with UTC timestamps', async () => {
      const person = await registerPerson(testApp.app, 'verify');
      expectUpstreamError(await verify(testApp, person), 400, 'invalid_request', 'Missing session_id');
      const session = await startCheckout(billing, person, 'Pro', 'yearly');
      // Back from Checkout before paying: there is no subscription yet, and nothing changes.
      expectUpstreamError(await verify(testApp, person, session.id), 400, 'invalid_request', 'No subscription found in session.');
      expect(await billingOf(testApp, person)).toMatchObject({ plan: 'Free', status: null, subscription: null });
      const subscription = billing.stripe.completeCheckout(session.id);
      const item = subscription.items.data[0];
      const response = await verify(testApp, person, session.id);
      expect(response.statusCode, response.body).toBe(200);
      const expected = {
        success: true,
        subscription: {
          id: billing.planIds.Pro,
          plan_name: 'Pro',
          status: 'active',
          current_period_start: new Date((item?.current_period_start ?? 0) * 1000).toISOString(),
          current_period_end: new Date((item?.current_period_end ?? 0) * 1000).toISOString(),
        },
      };
      expect(response.json()).toEqual(expected);
      expect(expected.subscription.current_period_end).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(await billingOf(testApp, person)).toEqual({
        plan: 'Pro',
        status: 'active',
        subscription: subscription.id,
        customer: session.customer,
        interval: 'year',
        renewal: expected.subscription.current_period_end,
      });
      // Asked again (a reload of the success page): the same answer, nothing else changes.
      const again = await verify(testApp, person, session.id);
      expect(again.json()).toEqual(expected);
    });

    it("refuses anyone else's session, and an unknown one, with 404, changing nothing", async () => {
      const owner = await registerPerson(testApp.app, 'owner');
      const intruder = await registerPerson(testApp.app, 'intruder');
      const session = await startCheckout(billing, owner, 'Basic');
      billing.stripe.completeCheckout(session.id);
      const intruderBefore = await billingOf(testApp, intruder);
      const ownerBefore = await billingOf(testApp, owner);
      for (const id of [session.id, 'cs_test_does_not_exist', 'not-a-session', '../v1/customers']) {
        expectUpstreamError(await verify(testApp, intruder, id), 404, 'not_found', 'Checkout session not found.');
      }
      expect(await billingOf(testApp, intruder)).toEqual(intruderBefore);
      expect(await billingOf(testApp, owner)).toEqual(ownerBefore);
      expect(ownerBefore.plan).toBe('Free');
    });

    it('checks CSRF on a cookie-authenticated checkout, as on every unsafe route', async () => {
      const browser = new Browser(testApp.app, { sendCsrfHeader: false });
      await browser.signUp(newPerson('csrf'));
      const refused = await browser.post('/core/payments/create-checkout-session/', { plan_id: billing.planIds.Basic, billing: 'monthly' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json<ErrorAnswer>().code).toBe('csrf_failed');
      const withHeader = new Browser(testApp.app);
      await withHeader.signUp(newPerson('csrfok'));
      const accepted = await withHeader.post('/core/payments/create-checkout-session/', { plan_id: billing.planIds.Basic, billing: 'monthly' });
      expect(accepted.statusCode, accepted.body).toBe(200);
    });
  });
}

describe('payments without Stripe configured', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp('pglite');
  });
  afterAll(async () => testApp.close());

  it('answers 503 payments_not_configured on every payment route', async () => {
    const person = await registerPerson(testApp.app, 'nostripe');
    const responses = [
      await checkout(testApp, person, { plan_id: 2, billing: 'monthly' }),
      await portal(testApp, person),
      await verify(testApp, person, 'cs_test_x'),
      await testApp.app.inject({ method: 'POST', url: '/core/payments/webhook/stripe/', headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=x' }, payload: '{}' }),
    ];
    for (const response of responses) expectUpstreamError(response, 503, 'payments_not_configured', 'Payments are not set up on this server.');
  });
});
