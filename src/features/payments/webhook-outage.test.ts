import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson } from '../../../test/support/browser.js';
import { billingOf, deliver, deliverApplied, recordedEvents, signedEvent, startBillingApp, startCheckout, type BillingApp } from '../../../test/support/billing.js';
import { storageTargets } from '../../../test/support/harness.js';
import { postgresServerInstalled, startOwnPostgres, type OwnPostgres } from '../../../test/support/own-postgres.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { openDatabase } from '../../infra/db/database.js';
import { createLogger } from '../../logger.js';
import { prepareDatabase } from '../../process/prepare-database.js';

const available = storageTargets()[1]?.available === true && (process.env.CI === 'true' || (await postgresServerInstalled()));

/** A webhook delivered while PostgreSQL is down must be refused (Stripe then delivers it again) and applied once later. */
describe.runIf(available)('Stripe webhook while PostgreSQL is down', () => {
  let postgres: OwnPostgres;
  let billing: BillingApp;

  beforeAll(async () => {
    postgres = await startOwnPostgres();
    const url = await postgres.createDatabase('billing');
    const database = await openDatabase({ databaseUrl: url, dataDir: '', logger: createLogger('silent') });
    await prepareDatabase(database);
    await database.close();
    billing = await startBillingApp('postgres+redis', { DATABASE_URL: url });
  });
  afterAll(async () => {
    await billing?.close();
    await postgres?.close();
  });

  it('answers 5xx, records nothing, and applies the redelivery once when PostgreSQL is back', async () => {
    const { testApp, stripe } = billing;
    const person = await registerPerson(testApp.app, 'outage');
    const session = await startCheckout(billing, person, 'Basic');
    stripe.completeCheckout(session.id);
    const completed = signedEvent('checkout.session.completed', stripe.checkoutSessionObject(session.id));

    await postgres.stop();
    const refused = await deliver(testApp, completed);
    expect(refused.statusCode).toBeGreaterThanOrEqual(500);
    expect(refused.json<{ code: string }>().code).toBe('internal_error');

    await postgres.start();
    await waitFor(async () => (await testApp.app.inject({ method: 'GET', url: '/core/plans/' })).statusCode === 200, 10_000, 'PostgreSQL to answer again');
    expect(await recordedEvents(testApp, [completed.id])).toEqual([0]);
    expect((await billingOf(testApp, person)).plan).toBe('Free');

    await deliverApplied(testApp, completed);
    const replay = await deliver(testApp, completed);
    expect(replay.json()).toEqual({ received: true, duplicate: true });
    expect(await billingOf(testApp, person)).toMatchObject({ plan: 'Basic', status: 'active' });
    expect(await recordedEvents(testApp, [completed.id])).toEqual([1]);
  });
});
