import { count, eq } from 'drizzle-orm';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPerson } from '../../../test/support/browser.js';
import { createTestApp, storageTargets, type TestApp } from '../../../test/support/harness.js';
import { questionnaireFields } from '../../../test/support/improvements.js';
import { jobs, plans, users } from '../../infra/db/schema.js';
import { startWorker, type RunningWorker } from '../../process/worker-role.js';
import { passwordResetMailKind } from '../auth/passwords/jobs.js';

/** Small enough to reach in a test, and far enough apart that one limit never stands in for another. */
const PER_HOUR = 50;
const SIGNUPS = 3;
const RESETS = 2;
const ANONYMOUS_WRITES = 6;
/** The seeded plans' per-minute limits on unsafe requests outside /cv/. */
const BURST = { Free: 10, Basic: 30 } as const;

const THROTTLED_MESSAGE = 'Too many requests. Please try again later.';

interface Throttled {
  code: string;
  error: string;
  message: string;
  detail: string;
  scope: string;
  limit_info?: { limit: number; used: number; remaining: number; reset_at: string; current_plan: string };
  upgrade_suggestion?: { message: string; recommended_plan: string; upgrade_url: string } | null;
}

/** A 429 of a request-rate limit: the upstream's body naming the limit, and Retry-After equal to the wait it states. */
function expectThrottled(response: LightMyRequestResponse, scope: string, windowSeconds: number): Throttled {
  expect(response.statusCode, response.body).toBe(429);
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  const body = response.json<Throttled>();
  expect(body).toMatchObject({ code: 'throttled', error: 'rate_limit_exceeded', message: THROTTLED_MESSAGE, scope, detail: `Request was throttled. Expected available in ${retryAfter} seconds.` });
  return body;
}

/** The limits named in RateLimit-Policy (none when the answer carries no such header). */
function policiesOf(response: LightMyRequestResponse): string[] {
  const header = response.headers['ratelimit-policy'];
  return typeof header === 'string' ? [...header.matchAll(/"(\w+)"/g)].map((match) => match[1] ?? '') : [];
}

for (const target of storageTargets()) {
  describe.runIf(target.available)(`per-address and per-minute limits on ${target.name}`, () => {
    let testApp: TestApp;
    /** The same limits behind a trusted proxy, with a lower hourly number. */
    let proxied: TestApp;
    // The health check sends a probe through the queue: without a worker it would wait out its time limit.
    let worker: RunningWorker;

    beforeAll(async () => {
      const limits = {
        RATE_LIMIT_PER_IP_PER_HOUR: String(PER_HOUR),
        SIGNUPS_PER_IP_PER_HOUR: String(SIGNUPS),
        PASSWORD_RESETS_PER_IP_PER_HOUR: String(RESETS),
        ANONYMOUS_WRITES_PER_IP_PER_MINUTE: String(ANONYMOUS_WRITES),
      };
      [testApp, proxied] = await Promise.all([
        createTestApp(target.name, limits, { allowances: 'seeded' }),
        createTestApp(target.name, { ...limits, RATE_LIMIT_PER_IP_PER_HOUR: '5', TRUST_PROXY: 'true' }, { allowances: 'seeded' }),
      ]);
      worker = startWorker(testApp.services, testApp.features);
    });
    afterAll(async () => {
      await worker?.stop(1000);
      await testApp?.close();
      await proxied?.close();
    });

    // Each test comes from addresses of its own, so that no test spends another's counters.
    let lastOctet = 0;
    const newAddress = () => `198.51.100.${++lastOctet}`;

    const from = (remoteAddress: string, request: InjectOptions, app: TestApp = testApp) => app.app.inject({ ...request, remoteAddress });

    /** Signs a person up from this address. */
    async function register(remoteAddress: string, prefix: string) {
      const person = newPerson(prefix);
      const response = await from(remoteAddress, {
        method: 'POST',
        url: '/auth/registration/',
        payload: { username: person.username, email: person.email, password1: person.password, password2: person.password },
      });
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json<{ access: string; user: { pk: number } }>();
      return { ...person, id: body.user.pk, auth: { authorization: `Bearer ${body.access}` } };
    }

    const accountsNamed = async (username: string) =>
      (await testApp.services.database.db.select({ n: count() }).from(users).where(eq(users.username, username)))[0]?.n ?? 0;

    it('lets an address make N requests an hour, refuses the next with the upstream’s body and the IETF headers, and never limits the health check', async () => {
      const address = newAddress();
      for (let i = 1; i <= PER_HOUR; i++) {
        const response = await from(address, { method: 'GET', url: '/core/plans/' });
        expect(response.statusCode, `request ${i}: ${response.body}`).toBe(200);
        expect(response.headers['ratelimit-policy']).toBe(`"ip";q=${PER_HOUR};w=3600`);
        const t = Number(/^"ip";r=\d+;t=(\d+)$/.exec(String(response.headers.ratelimit))?.[1]);
        expect(response.headers.ratelimit).toBe(`"ip";r=${PER_HOUR - i};t=${t}`);
        expect(t).toBeGreaterThan(0);
        expect(t).toBeLessThanOrEqual(3600);
      }
      const refused = await from(address, { method: 'GET', url: '/core/plans/' });
      expectThrottled(refused, 'ip', 3600);
      const retryAfter = String(refused.headers['retry-after']);
      expect(refused.json()).toEqual({
        code: 'throttled',
        error: 'rate_limit_exceeded',
        message: THROTTLED_MESSAGE,
        detail: `Request was throttled. Expected available in ${retryAfter} seconds.`,
        scope: 'ip',
      });
      expect(refused.headers['ratelimit-policy']).toBe(`"ip";q=${PER_HOUR};w=3600`);
      expect(refused.headers.ratelimit).toBe(`"ip";r=0;t=${retryAfter}`);
      // Any route, any method: it is the address that is held back.
      expectThrottled(await from(address, { method: 'POST', url: '/auth/login/', payload: { username: 'someone', password: 'x' } }), 'ip', 3600);

      // Load balancers' probes keep their answer, and carry no count.
      for (let i = 0; i < 3; i++) {
        const health = await from(address, { method: 'GET', url: '/core/health/' });
        expect(health.statusCode, health.body).toBe(200);
        expect(health.headers['ratelimit-policy']).toBeUndefined();
        expect(health.headers.ratelimit).toBeUndefined();
      }

      // Another address has a count of its own.
      const other = await from(newAddress(), { method: 'GET', url: '/core/plans/' });
      expect(other.statusCode).toBe(200);
      expect(other.headers.ratelimit).toMatch(new RegExp(`^"ip";r=${PER_HOUR - 1};t=\\d+$`));
    });

    it('does not believe X-Forwarded-For from a client that is not a configured proxy', async () => {
      const address = newAddress();
      for (let i = 0; i < PER_HOUR; i++) expect((await from(address, { method: 'GET', url: '/core/plans/' })).statusCode).toBe(200);
      for (const forwarded of ['203.0.113.9', '203.0.113.10, 10.0.0.1']) {
        const spoofed = await from(address, { method: 'GET', url: '/core/plans/', headers: { 'x-forwarded-for': forwarded } });
        expectThrottled(spoofed, 'ip', 3600);
      }
    });

    it('behind a trusted proxy (TRUST_PROXY=true), counts each forwarded client address on its own', async () => {
      const proxy = '10.0.0.2';
      const limit = 5;
      const asClient = (client: string) => from(proxy, { method: 'GET', url: '/core/plans/', headers: { 'x-forwarded-for': client } }, proxied);
      for (let i = 1; i <= limit; i++) {
        const response = await asClient('203.0.113.7');
        expect(response.statusCode).toBe(200);
        expect(response.headers.ratelimit).toMatch(new RegExp(`^"ip";r=${limit - i};t=\\d+$`));
      }
      expectThrottled(await asClient('203.0.113.7'), 'ip', 3600);
      // A second client behind the same proxy is not held back by the first.
      const second = await asClient('203.0.113.8');
      expect(second.statusCode, second.body).toBe(200);
      expect(second.headers.ratelimit).toMatch(new RegExp(`^"ip";r=${limit - 1};t=\\d+$`));
      // Nor is the proxy's own address, which counted none of them.
      const direct = await from(proxy, { method: 'GET', url: '/core/plans/' }, proxied);
      expect(direct.headers.ratelimit).toMatch(new RegExp(`^"ip";r=${limit - 1};t=\\d+$`));
    });

    it('allows N sign-ups an hour from an address, then refuses even a valid one and creates nobody; Google sign-in counts too', async () => {
      const address = newAddress();
      for (let i = 0; i < SIGNUPS; i++) await register(address, 'signup');
      const person = newPerson('toomany');
      const refused = await from(address, {
        method: 'POST',
        url: '/auth/registration/',
        payload: { username: person.username, email: person.email, password1: person.password, password2: person.password },
      });
      expectThrottled(refused, 'signups', 3600);
      expect(refused.headers['ratelimit-policy']).toContain(`"signups";q=${SIGNUPS};w=3600`);
      expect(await accountsNamed(person.username)).toBe(0);
      // Google sign-in makes accounts too: refused before its body is even read.
      expectThrottled(await from(address, { method: 'POST', url: '/auth/social/login/google/', payload: { access_token: 'whatever' } }), 'signups', 3600);

      // The same person, from another address, is let in.
      const elsewhere = await from(newAddress(), {
        method: 'POST',
        url: '/auth/registration/',
        payload: { username: person.username, email: person.email, password1: person.password, password2: person.password },
      });
      expect(elsewhere.statusCode, elsewhere.body).toBe(201);
      expect(await accountsNamed(person.username)).toBe(1);
    });

    it('allows N password-reset requests an hour from an address, and sends no mail for the next', async () => {
      const person = await register(newAddress(), 'forgetful');
      const address = newAddress();
      const resetMails = async () =>
        (await testApp.services.database.db.select({ n: count() }).from(jobs).where(eq(jobs.kind, passwordResetMailKind.kind)))[0]?.n ?? 0;
      const before = await resetMails();
      for (let i = 0; i < RESETS; i++) {
        const response = await from(address, { method: 'POST', url: '/auth/password/reset/', payload: { email: person.email } });
        expect(response.statusCode, response.body).toBe(200);
      }
      expect(await resetMails()).toBe(before + RESETS);
      const refused = await from(address, { method: 'POST', url: '/auth/password/reset/', payload: { email: person.email } });
      expectThrottled(refused, 'password_resets', 3600);
      expect(refused.headers['ratelimit-policy']).toContain(`"password_resets";q=${RESETS};w=3600`);
      expect(await resetMails()).toBe(before + RESETS);
    });

    it('allows N anonymous writes a minute from an address; reads, and signed-in people there, are not counted by it', async () => {
      const address = newAddress();
      for (let i = 0; i < ANONYMOUS_WRITES; i++) {
        const response = await from(address, { method: 'POST', url: '/auth/token/verify/', payload: { token: 'not-a-token' } });
        expect(response.statusCode, response.body).not.toBe(429);
      }
      const refused = await from(address, { method: 'POST', url: '/auth/token/verify/', payload: { token: 'not-a-token' } });
      expectThrottled(refused, 'anonymous', 60);
      expect(refused.headers['ratelimit-policy']).toContain(`"anonymous";q=${ANONYMOUS_WRITES};w=60`);
      expect((await from(address, { method: 'GET', url: '/core/plans/' })).statusCode).toBe(200);
      const person = await register(newAddress(), 'neighbour');
      const signedIn = await from(address, { method: 'PATCH', url: '/auth/user/', headers: person.auth, payload: { first_name: 'Nell' } });
      expect(signedIn.statusCode, signedIn.body).toBe(200);
      expect(policiesOf(signedIn)).not.toContain('anonymous');
    });

    it('holds a signed-in person to their plan’s per-minute limit on unsafe requests outside /cv/, never on reading their account', async () => {
      const address = newAddress();
      const person = await register(address, 'busy');
      const patch = (auth: Record<string, string>, remoteAddress: string) =>
        from(remoteAddress, { method: 'PATCH', url: '/auth/user/', headers: auth, payload: { first_name: 'Bea' } });
      for (let i = 1; i <= BURST.Free; i++) {
        const response = await patch(person.auth, address);
        expect(response.statusCode, `PATCH ${i}: ${response.body}`).toBe(200);
        expect(response.headers['ratelimit-policy']).toContain(`"burst";q=${BURST.Free};w=60`);
      }
      const refused = await patch(person.auth, address);
      const body = expectThrottled(refused, 'burst', 60);
      expect(body.limit_info).toMatchObject({ limit: BURST.Free, used: BURST.Free, remaining: 0, current_plan: 'Free' });
      expect(body.upgrade_suggestion).toMatchObject({ recommended_plan: 'Basic', upgrade_url: '/core/plans/' });
      // The counter is the person’s, wherever they connect from.
      expectThrottled(await patch(person.auth, newAddress()), 'burst', 60);

      // The web client reads the account on every page: that is never held back by the minute's limit.
      for (let i = 0; i < BURST.Free + 5; i++) {
        const me = await from(address, { method: 'GET', url: '/auth/user/', headers: person.auth });
        expect(me.statusCode, me.body).toBe(200);
        expect(policiesOf(me)).toEqual(['ip']);
      }
      // Nor is work under /cv/, which has its hourly count instead.
      const questionnaire = await from(address, { method: 'POST', url: '/cv/questionnaire/', headers: person.auth, payload: questionnaireFields });
      expect(questionnaire.statusCode, questionnaire.body).toBe(201);
      expect(policiesOf(questionnaire)).not.toContain('burst');

      // A paid plan allows more, from the next sign-in on.
      const basicAddress = newAddress();
      const paying = await register(basicAddress, 'paying');
      const [basic] = await testApp.services.database.db.select({ id: plans.id }).from(plans).where(eq(plans.name, 'Basic'));
      await testApp.services.database.db.update(users).set({ planId: basic?.id }).where(eq(users.id, paying.id));
      const login = await from(basicAddress, { method: 'POST', url: '/auth/login/', payload: { username: paying.username, password: paying.password } });
      expect(login.statusCode, login.body).toBe(200);
      const auth = { authorization: `Bearer ${login.json<{ access: string }>().access}` };
      for (let i = 1; i <= BURST.Basic; i++) expect((await patch(auth, basicAddress)).statusCode, `PATCH ${i} on Basic`).toBe(200);
      const basicRefused = expectThrottled(await patch(auth, basicAddress), 'burst', 60);
      expect(basicRefused.limit_info).toMatchObject({ limit: BURST.Basic, current_plan: 'Basic' });
      expect(basicRefused.upgrade_suggestion).toMatchObject({ recommended_plan: 'Pro' });
    });
  });
}
