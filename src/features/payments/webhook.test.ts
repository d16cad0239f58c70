import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson } from '../../../test/support/browser.js';
import {
  PRICES,
  WEBHOOK_SECRET,
  billingOf,
  checkout,
  deliver,
  deliverApplied,
  recordedEvents,
  signedEvent,
  startBillingApp,
  startCheckout,
  type BillingApp,
  type Person,
} from '../../../test/support/billing.js';
import { stripeEvent, stripeSignature } from '../../../test/support/fake-stripe.js';
import { storageTargets, type TestApp } from '../../../test/support/harness.js';
import type { PlanBody } from '../plans/schema.js';

const periodEnd = (subscription: { items: { data: { current_period_end: number }[] } }) =>
  new Date((subscription.items.data[0]?.current_period_end ?? 0) * 1000).toISOString();

async function currentPlan(testApp: TestApp, person: Person): Promise<string | undefined> {
  const response = await testApp.app.inject({ method: 'GET', url: '/core/plans/', headers: person.auth });
  return response.json<PlanBody[]>().find((plan) => plan.is_current)?.name;
}

for (const target of storageTargets()) {
  describe.runIf(target.available)(`Stripe webhook on ${target.name}`, () => {
    let billing: BillingApp;
    let testApp: TestApp;
    beforeAll(async () => {
      billing = await startBillingApp(target.name);
      testApp = billing.testApp;
    });
    afterAll(async () => billing.close());

    /** A person who went through Checkout for Basic and paid; nothing delivered yet. */
    async function paidCheckout(prefix: string, plan: 'Basic' | 'Pro' = 'Basic') {
      const person = await registerPerson(testApp.app, prefix);
      const session = await startCheckout(billing, person, plan);
      const subscription = billing.stripe.completeCheckout(session.id);
      const completed = signedEvent('checkout.session.completed', billing.stripe.checkoutSessionObject(session.id));
      return { person, session, subscription, completed };
    }

    it('checkout, payment, checkout.session.completed: the person is on the plan at their next request; a cancellation puts them on Free', async () => {
      const { person, session, subscription, completed } = await paidCheckout('flow');
      expect(await billingOf(testApp, person)).toMatchObject({ plan: 'Free', status: null, subscription: null });
      await deliverApplied(testApp, completed);
      expect(await billingOf(testApp, person)).toEqual({
        plan: 'Basic',
        status: 'active',
        subscription: subscription.id,
        customer: session.customer,
        interval: 'month',
        renewal: periodEnd(subscription),
      });
      expect(await currentPlan(testApp, person)).toBe('Basic');
      // The state came from Stripe's subscription, read when the event arrived.
      expect(billing.stripe.requestsTo('GET', `/v1/subscriptions/${subscription.id}`).length).toBeGreaterThanOrEqual(1);

      billing.stripe.updateSubscription(subscription.id, { status: 'canceled' });
      await deliverApplied(testApp, signedEvent('customer.subscription.deleted', billing.stripe.subscription(subscription.id)));
      expect(await billingOf(testApp, person)).toEqual({
        plan: 'Free',
        status: 'canceled',
        subscription: subscription.id,
        customer: session.customer,
        interval: 'month',
        renewal: null,
      });
      expect(await currentPlan(testApp, person)).toBe('Free');
      expect(await recordedEvents(testApp, [completed.id])).toEqual([1]);
    });

    it('applies a replayed event once: a replay after a later change changes nothing and asks Stripe nothing', async () => {
      const { person, subscription, completed } = await paidCheckout('replay');
      await deliverApplied(testApp, completed);
      billing.stripe.updateSubscription(subscription.id, { status: 'past_due' });
      const failed = signedEvent('customer.subscription.updated', billing.stripe.subscription(subscription.id));
      await deliverApplied(testApp, failed);
      const after = await billingOf(testApp, person);
      expect(after).toMatchObject({ plan: 'Free', status: 'past_due' });

      // Stripe says active again, but the only delivery is a replay of the first event.
      billing.stripe.updateSubscription(subscription.id, { status: 'active' });
      const asked = billing.stripe.requests.length;
      for (let i = 0; i < 2; i++) {
        const replay = await deliver(testApp, completed);
        expect(replay.statusCode).toBe(200);
        expect(replay.json()).toEqual({ received: true, duplicate: true });
      }
      expect(billing.stripe.requests.length).toBe(asked);
      expect(await billingOf(testApp, person)).toEqual(after);
      expect(await recordedEvents(testApp, [completed.id, failed.id])).toEqual([1, 1]);
    });

    it('ends in Stripe’s current state whatever order events arrive in', async () => {
      const { person, subscription, completed } = await paidCheckout('order');
      const createdSnapshot = billing.stripe.subscription(subscription.id);
      const created = signedEvent('customer.subscription.created', { ...createdSnapshot, status: 'incomplete' });
      billing.stripe.updateSubscription(subscription.id, { status: 'past_due' });
      const pastDue = signedEvent('customer.subscription.updated', billing.stripe.subscription(subscription.id));
      // The person moves to Pro in the billing portal and pays.
      billing.stripe.updateSubscription(subscription.id, { status: 'active', price: PRICES.proMonthly });
      const upgraded = signedEvent('customer.subscription.updated', billing.stripe.subscription(subscription.id));

      // Newest first, oldest last: each stale snapshot is read as what Stripe has now.
      for (const delivery of [upgraded, pastDue, completed, created]) await deliverApplied(testApp, delivery);
      expect(await billingOf(testApp, person)).toMatchObject({ plan: 'Pro', status: 'active', subscription: subscription.id, renewal: periodEnd(billing.stripe.subscription(subscription.id)) });
      expect(await currentPlan(testApp, person)).toBe('Pro');
      expect(await recordedEvents(testApp, [upgraded.id, pastDue.id, completed.id, created.id])).toEqual([1, 1, 1, 1]);
    });

    it('reads the subscription again after applying it, so a change at Stripe meanwhile is not lost', async () => {
      const { person, subscription, completed } = await paidCheckout('racing');
      await deliverApplied(testApp, completed);
      billing.stripe.updateSubscription(subscription.id, { status: 'past_due' });
      const failed = signedEvent('customer.subscription.updated', billing.stripe.subscription(subscription.id));
      // The renewal is paid while the failure is being applied; the event telling of it is late.
      billing.stripe.afterNextRead(subscription.id, () => billing.stripe.updateSubscription(subscription.id, { status: 'active' }));
      await deliverApplied(testApp, failed);
      expect(await billingOf(testApp, person)).toMatchObject({ plan: 'Basic', status: 'active' });
    });

    it('moves a subscription that is past due to Free, and back to the paid plan when it is paid', async () => {
      const { person, subscription, completed } = await paidCheckout('pastdue', 'Pro');
      await deliverApplied(testApp, completed);
      expect(await currentPlan(testApp, person)).toBe('Pro');

      billing.stripe.updateSubscription(subscription.id, { status: 'past_due' });
      const invoice = {
        id: 'in_test_failed',
        object: 'invoice',
        customer: subscription.customer,
        status: 'open',
        parent: { type: 'subscription_details', subscription_details: { subscription: subscription.id, metadata: subscription.metadata } },
      };
      await deliverApplied(testApp, signedEvent('invoice.payment_failed', invoice));
      expect(await billingOf(testApp, person)).toMatchObject({ plan: 'Free', status: 'past_due', subscription: subscription.id });
      expect(await currentPlan(testApp, person)).toBe('Free');

      billing.stripe.updateSubscription(subscription.id, { status: 'active' });
      // An older API version names the subscription at the top of the invoice.
      await deliverApplied(testApp, signedEvent('invoice.paid', { id: 'in_test_paid', object: 'invoice', customer: subscription.customer, subscription: subscription.id }));
      expect(await billingOf(testApp, person)).toMatchObject({ plan: 'Pro', status: 'active' });
      expect(await currentPlan(testApp, person)).toBe('Pro');
    });

    it('refuses a forged signature, a changed body and a stale timestamp with 400, changing nothing', async () => {
      const { person, subscription, completed } = await paidCheckout('forged');
      const before = await billingOf(testApp, person);
      const asked = billing.stripe.requests.length;
      const event = stripeEvent('checkout.session.completed', (JSON.parse(completed.payload) as { data: { object: unknown } }).data.object);
      const attempts = [
        { what: 'another secret', payload: event.payload, signature: stripeSignature(event.payload, 'whsec_someone_else') },
        { what: 'a changed body', payload: event.payload.replace(subscription.id, 'sub_other'), signature: stripeSignature(event.payload, WEBHOOK_SECRET) },
        { what: 'a stale timestamp', payload: event.payload, signature: stripeSignature(event.payload, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 600) },
        { what: 'no signature', payload: event.payload, signature: '' },
        { what: 'a made-up header', payload: event.payload, signature: 'not a signature' },
      ];
      for (const attempt of attempts) {
        const response = await deliver(testApp, attempt);
        expect(response.statusCode, attempt.what).toBe(400);
        expect(response.json<{ code: string; error: string }>(), attempt.what).toMatchObject({ code: 'invalid_request' });
      }
      expect(billing.stripe.requests.length).toBe(asked);
      expect(await billingOf(testApp, person)).toEqual(before);
      expect(await recordedEvents(testApp, [event.id])).toEqual([0]);

      // Signed properly, the same body is applied.
      await deliverApplied(testApp, { ...event, signature: stripeSignature(event.payload, WEBHOOK_SECRET) });
      expect(await currentPlan(testApp, person)).toBe('Basic');
    });

    it('refuses a properly signed body that is not a Stripe event with 400, asking Stripe nothing', async () => {
      const asked = billing.stripe.requests.length;
      for (const payload of ['{"hello":"world"}', '{"id":"evt_1","type":"customer.subscription.updated"}', '[]']) {
        const response = await deliver(testApp, { payload, signature: stripeSignature(payload, WEBHOOK_SECRET) });
        expect(response.statusCode, payload).toBe(400);
        expect(response.json(), payload).toMatchObject({ code: 'invalid_request', error: 'Not a Stripe event.' });
      }
      expect(billing.stripe.requests.length).toBe(asked);
    });

    it('keeps the plan of a person whose paid subscription moves to a price no plan is sold at', async () => {
      const { person, subscription, completed } = await paidCheckout('oddprice');
      await deliverApplied(testApp, completed);
      billing.stripe.updateSubscription(subscription.id, { price: 'price_sold_elsewhere' });
      await deliverApplied(testApp, signedEvent('customer.subscription.updated', billing.stripe.subscription(subscription.id)));
      expect(await billingOf(testApp, person)).toMatchObject({ plan: 'Basic', status: 'active', subscription: subscription.id });
      expect(await currentPlan(testApp, person)).toBe('Basic');
    });

    it('takes only JSON, and no cookies or CSRF token are needed', async () => {
      const delivery = signedEvent('customer.created', { id: 'cus_x', object: 'customer' });
      const form = await testApp.app.inject({
        method: 'POST',
        url: '/core/payments/webhook/stripe/',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'stripe-signature': delivery.signature },
        payload: 'a=b',
      });
      expect(form.statusCode).toBe(415);
      await deliverApplied(testApp, delivery);
    });

    it('records events it does not act on, answering 200 without asking Stripe', async () => {
      const asked = billing.stripe.requests.length;
      const unknown = signedEvent('charge.refunded', { id: 'ch_test', object: 'charge' });
      await deliverApplied(testApp, unknown);
      // A payment-mode checkout has no subscription.
      const oneOff = signedEvent('checkout.session.completed', { id: 'cs_test_payment', object: 'checkout.session', mode: 'payment', subscription: null });
      await deliverApplied(testApp, oneOff);
      expect(billing.stripe.requests.length).toBe(asked);
      expect(await recordedEvents(testApp, [unknown.id, oneOff.id])).toEqual([1, 1]);
      expect((await deliver(testApp, unknown)).json()).toEqual({ received: true, duplicate: true });
    });

    it('records an event about a subscription of nobody here, or one Stripe does not have, and moves on', async () => {
      const customer = 'cus_stranger';
      billing.stripe.customers.set(customer, { id: customer, object: 'customer', email: null, name: null, metadata: {}, created: 0, livemode: false });
      const stranger = billing.stripe.newSubscription(customer, PRICES.basicMonthly, {});
      const nobody = signedEvent('customer.subscription.created', stranger);
      const gone = signedEvent('customer.subscription.updated', { ...stranger, id: 'sub_gone' });
      await deliverApplied(testApp, nobody);
      await deliverApplied(testApp, gone);
      expect(await recordedEvents(testApp, [nobody.id, gone.id])).toEqual([1, 1]);
    });

    it('answers 500 while Stripe cannot be asked, records nothing, and applies the redelivery', async () => {
      const { person, completed } = await paidCheckout('stripedown');
      billing.stripe.failNext(1);
      const failed = await deliver(testApp, completed);
      expect(failed.statusCode).toBe(500);
      expect(failed.json<{ code: string; detail: string }>()).toMatchObject({ code: 'internal_error' });
      expect(failed.json<{ detail: string }>().detail).toContain(completed.id);
      expect(failed.body).not.toMatch(/fake outage/);
      expect(await recordedEvents(testApp, [completed.id])).toEqual([0]);
      expect(await currentPlan(testApp, person)).toBe('Free');

      await deliverApplied(testApp, completed);
      expect(await currentPlan(testApp, person)).toBe('Basic');
      expect(await recordedEvents(testApp, [completed.id])).toEqual([1]);
    });

    it("leaves the person's paid subscription in place when an older one of theirs ends", async () => {
      const { person, session, subscription: old, completed } = await paidCheckout('twosubs');
      await deliverApplied(testApp, completed);
      // A second subscription, made outside this service (the Dashboard), on the same customer.
      const newer = billing.stripe.newSubscription(session.customer ?? '', PRICES.proYearly, { user_id: String(person.id) });
      await deliverApplied(testApp, signedEvent('customer.subscription.created', newer));
      expect(await billingOf(testApp, person)).toMatchObject({ plan: 'Pro', status: 'active', subscription: newer.id, interval: 'year' });

      billing.stripe.updateSubscription(old.id, { status: 'canceled' });
      await deliverApplied(testApp, signedEvent('customer.subscription.deleted', billing.stripe.subscription(old.id)));
      expect(await billingOf(testApp, person)).toMatchObject({ plan: 'Pro', status: 'active', subscription: newer.id });
      // And a checkout is still refused: the newer subscription is live.
      const refused = await checkout(testApp, person, { plan_id: billing.planIds.Basic, billing: 'monthly' });
      expect(refused.statusCode).toBe(409);
    });
  });
}
