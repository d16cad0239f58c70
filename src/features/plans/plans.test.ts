import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson } from '../../../test/support/browser.js';
import { FakeStripe } from '../../../test/support/fake-stripe.js';
import { createTestApp, storageTargets, type TestApp } from '../../../test/support/harness.js';
import { plans } from '../../infra/db/schema.js';
import type { PlanBody, Price } from './schema.js';

const FREE_PRICE: Price = { amount: 0, currency: 'USD', interval: null };

// The four seeded plans as an anonymous caller sees them without Stripe (prices from the plan rows).
const SEEDED: Pick<PlanBody, 'name' | 'monthly_price' | 'yearly_price' | 'is_current'>[] = [
  { name: 'Free', monthly_price: FREE_PRICE, yearly_price: FREE_PRICE, is_current: false },
  {
    name: 'Basic',
    monthly_price: { amount: 5, currency: 'USD', interval: 'month' },
    yearly_price: { amount: 55, currency: 'USD', interval: 'year' },
    is_current: false,
  },
  {
    name: 'Pro',
    monthly_price: { amount: 15, currency: 'USD', interval: 'month' },
    yearly_price: { amount: 165, currency: 'USD', interval: 'year' },
    is_current: false,
  },
  {
    name: 'Premium',
    monthly_price: { amount: 30, currency: 'USD', interval: 'month' },
    yearly_price: { amount: 330, currency: 'USD', interval: 'year' },
    is_current: false,
  },
];

async function listPlans(testApp: TestApp, query = '', headers: Record<string, string> = {}): Promise<PlanBody[]> {
  const response = await testApp.app.inject({ method: 'GET', url: `/core/plans/${query}`, headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<PlanBody[]>();
}

const names = (list: PlanBody[]) => list.map((plan) => plan.name);

function planNamed(list: PlanBody[], name: string): PlanBody {
  const plan = list.find((candidate) => candidate.name === name);
  if (!plan) throw new Error(`no plan ${name} in ${JSON.stringify(names(list))}`);
  return plan;
}

for (const target of storageTargets()) {
  describe.runIf(target.available)(`GET /core/plans/ on ${target.name}`, () => {
    describe('without Stripe: prices from the plan rows', () => {
      let testApp: TestApp;
      beforeAll(async () => {
        testApp = await createTestApp(target.name);
      });
      afterAll(async () => testApp.close());

      it('lists the four seeded plans, cheapest first, to anyone', async () => {
        const list = await listPlans(testApp);
        expect(list).toHaveLength(4);
        expect(list).toMatchObject(SEEDED);
        expect(list.every((plan) => plan.is_current === false)).toBe(true);
        for (const plan of list) {
          expect(Object.keys(plan).sort()).toEqual(['description', 'id', 'is_current', 'monthly_price', 'name', 'yearly_price']);
          expect(Number.isInteger(plan.id)).toBe(true);
          expect(plan.description.length).toBeGreaterThan(0);
        }
        expect(new Set(list.map((plan) => plan.id)).size).toBe(4);
      });

      it('leaves out the Free plan when a billing period is asked for', async () => {
        const all = await listPlans(testApp);
        for (const billing of ['monthly', 'yearly']) {
          const list = await listPlans(testApp, `?billing=${billing}`);
          expect(names(list), billing).toEqual(['Basic', 'Pro', 'Premium']);
          // The same plans as in the full list, field for field.
          expect(list).toEqual(all.filter((plan) => plan.name !== 'Free'));
        }
      });

      it('refuses an unknown billing period with a field error', async () => {
        const response = await testApp.app.inject({ method: 'GET', url: '/core/plans/?billing=weekly' });
        expect(response.statusCode).toBe(400);
        const body = response.json<Record<string, unknown>>();
        expect(Object.keys(body)).toEqual(['billing']);
        expect(body.billing).toEqual(['"weekly" is not a valid choice.']);
      });

      it("marks a signed-in person's plan (Free) as current, and /auth/user/ nests the same plan", async () => {
        const person = await registerPerson(testApp.app, 'plans');
        const list = await listPlans(testApp, '', person.auth);
        expect(names(list)).toEqual(['Free', 'Basic', 'Pro', 'Premium']);
        expect(list.map((plan) => plan.is_current)).toEqual([true, false, false, false]);

        const me = await testApp.app.inject({ method: 'GET', url: '/auth/user/', headers: person.auth });
        expect(me.statusCode).toBe(200);
        expect(me.json<{ plan: PlanBody | null }>().plan).toEqual(planNamed(list, 'Free'));

        // The mark belongs to the caller: anonymous callers still see none.
        expect((await listPlans(testApp)).some((plan) => plan.is_current)).toBe(false);
      });
    });

    describe('with Stripe: prices from Stripe, cached', () => {
      const knownMonthly = `price_basic_monthly_${target.name.replace(/\W/g, '')}`;
      const unknownYearly = `price_basic_yearly_gone_${target.name.replace(/\W/g, '')}`;
      const stripe = new FakeStripe(new Map([[knownMonthly, { unit_amount: 1299, interval: 'month' as const }]]));
      let testApp: TestApp;
      beforeAll(async () => {
        const base = await stripe.start();
        testApp = await createTestApp(target.name, { STRIPE_SECRET_KEY: 'sk_test_fake', STRIPE_API_BASE: base });
        const updated = await testApp.services.database.db
          .update(plans)
          .set({ stripePriceIdMonthly: knownMonthly, stripePriceIdYearly: unknownYearly })
          .where(eq(plans.name, 'Basic'))
          .returning({ id: plans.id });
        expect(updated).toHaveLength(1);
      });
      afterAll(async () => {
        await testApp.close();
        await stripe.stop();
      });

      it('prices Basic from Stripe; an unknown price is null, not an error', async () => {
        const response = await testApp.app.inject({ method: 'GET', url: '/core/plans/' });
        expect(response.statusCode).toBe(200);
        const list = response.json<PlanBody[]>();
        expect(names(list)).toEqual(['Free', 'Basic', 'Pro', 'Premium']);
        const basic = planNamed(list, 'Basic');
        expect(basic.monthly_price).toEqual({ amount: 12.99, currency: 'EUR', interval: 'month' });
        expect(basic.yearly_price).toBeNull();
        // Free has no Stripe price: it stays free.
        expect(planNamed(list, 'Free')).toMatchObject({ monthly_price: FREE_PRICE, yearly_price: FREE_PRICE });
        // A paid plan with no Stripe price cannot be bought, so it shows no price rather than the row's fallback.
        expect(planNamed(list, 'Pro')).toMatchObject({ monthly_price: null, yearly_price: null });
        // Only Basic's two price ids were looked up.
        expect(stripe.count(knownMonthly)).toBeGreaterThanOrEqual(1);
        expect(stripe.count(unknownYearly)).toBeGreaterThanOrEqual(1);
        expect(stripe.requests.every((request) => request.method === 'GET' && request.path.startsWith('/v1/prices/'))).toBe(true);
      });

      it('sells only the plans that have a Stripe price id for the period', async () => {
        expect(names(await listPlans(testApp, '?billing=monthly'))).toEqual(['Basic']);
        // Basic has a yearly price id; that Stripe does not know it does not make the plan vanish.
        const yearly = await listPlans(testApp, '?billing=yearly');
        expect(names(yearly)).toEqual(['Basic']);
        expect(yearly[0]?.yearly_price).toBeNull();
      });

      it('asks Stripe once per price within the cache time, failures included', async () => {
        await listPlans(testApp);
        const afterFirst = { known: stripe.count(knownMonthly), unknown: stripe.count(unknownYearly) };
        // However many requests came before (the earlier tests), each price was fetched exactly once.
        expect(afterFirst).toEqual({ known: 1, unknown: 1 });
        for (let i = 0; i < 3; i++) {
          const list = await listPlans(testApp);
          expect(planNamed(list, 'Basic').monthly_price).toEqual({ amount: 12.99, currency: 'EUR', interval: 'month' });
          expect(planNamed(list, 'Basic').yearly_price).toBeNull();
        }
        await listPlans(testApp, '?billing=monthly');
        expect({ known: stripe.count(knownMonthly), unknown: stripe.count(unknownYearly) }).toEqual(afterFirst);
        expect(stripe.requests).toHaveLength(2);
      });

      it('authenticates to Stripe with the secret key', async () => {
        await listPlans(testApp);
        expect(stripe.requests.length).toBeGreaterThan(0);
        for (const request of stripe.requests) expect(request.headers.authorization).toBe('Bearer sk_test_fake');
      });

      it("nests the plans list's Free entry in /auth/user/", async () => {
        const person = await registerPerson(testApp.app, 'stripeplans');
        const list = await listPlans(testApp, '', person.auth);
        const free = planNamed(list, 'Free');
        expect(free.is_current).toBe(true);
        const me = await testApp.app.inject({ method: 'GET', url: '/auth/user/', headers: person.auth });
        expect(me.statusCode).toBe(200);
        expect(me.json<{ plan: PlanBody | null }>().plan).toEqual(free);
      });
    });
  });
}
