import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson } from './support/browser.js';
import { createTestApp, storageTargets, type TestApp } from './support/harness.js';

type Person = Awaited<ReturnType<typeof registerPerson>>;

/**
 * Two people on one service: whatever one of them calls, the other's data never shows and never
 * changes. Every route that takes an id or answers with a person's data gets a row here.
 */
for (const target of storageTargets()) {
  describe.runIf(target.available)(`two users never see each other's data on ${target.name}`, () => {
    let testApp: TestApp;
    let alice: Person;
    let bob: Person;

    beforeAll(async () => {
      testApp = await createTestApp(target.name);
      alice = await registerPerson(testApp.app, 'alice');
      bob = await registerPerson(testApp.app, 'bob');
    });
    afterAll(async () => testApp.close());

    const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, person: Person | undefined, payload?: object) =>
      testApp.app.inject({ method, url, headers: person ? person.auth : {}, ...(payload ? { payload } : {}) });

    /** Nothing identifying Bob appears in what Alice is shown. */
    function expectNothingOfBob(body: string): void {
      expect(body).not.toContain(bob.username);
      expect(body).not.toContain(bob.email);
      expect(body).not.toContain(`"pk":${bob.id}`);
    }

    async function bobsProfile(): Promise<Record<string, unknown>> {
      const response = await call('GET', '/auth/user/', bob);
      expect(response.statusCode).toBe(200);
      return response.json<Record<string, unknown>>();
    }

    it('GET /auth/user/ answers with the caller only, and 401 without a caller', async () => {
      const response = await call('GET', '/auth/user/', alice);
      expect(response.json()).toMatchObject({ pk: alice.id, username: alice.username });
      expectNothingOfBob(response.body);
      expect((await call('GET', '/auth/user/', undefined)).statusCode).toBe(401);
    });

    it('PATCH and PUT /auth/user/ change the caller only, whatever ids the body carries', async () => {
      const before = await bobsProfile();
      const patch = await call('PATCH', '/auth/user/', alice, { pk: bob.id, id: bob.id, first_name: 'Alice' });
      expect(patch.json()).toMatchObject({ pk: alice.id, first_name: 'Alice' });
      expectNothingOfBob(patch.body);
      const put = await call('PUT', '/auth/user/', alice, { pk: bob.id, username: alice.username, last_name: 'Liddell' });
      expect(put.json()).toMatchObject({ pk: alice.id, last_name: 'Liddell' });
      expect(await bobsProfile()).toEqual(before);
      expect((await call('PATCH', '/auth/user/', undefined, { first_name: 'Nobody' })).statusCode).toBe(401);
    });

    it("PATCH /auth/user/ cannot take the other's username or e-mail", async () => {
      const response = await call('PATCH', '/auth/user/', alice, { username: bob.username.toUpperCase(), email: bob.email });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        username: ['A user with that username already exists.'],
        email: ['A user with this email address already exists.'],
      });
      expect(await bobsProfile()).toMatchObject({ username: bob.username, email: bob.email });
    });

    it("GET /core/plans/ marks the caller's plan, from the caller's account", async () => {
      const response = await call('GET', '/core/plans/', alice);
      const current = response.json<{ name: string; is_current: boolean }[]>().filter((plan) => plan.is_current);
      expect(current.map((plan) => plan.name)).toEqual(['Free']);
      expectNothingOfBob(response.body);
    });

    it("POST /auth/password/change/ and /auth/logout/ leave the other's sign-ins alone", async () => {
      const password = `${alice.password}-2`;
      expect((await call('POST', '/auth/password/change/', alice, { new_password1: password, new_password2: password })).statusCode).toBe(200);
      expect((await call('POST', '/auth/logout/', alice, {})).statusCode).toBe(200);
      expect((await call('GET', '/auth/user/', alice)).statusCode).toBe(401);
      await bobsProfile();
      const bobLogin = await call('POST', '/auth/login/', undefined, { username: bob.username, password: bob.password });
      expect(bobLogin.statusCode).toBe(200);
      expect(bobLogin.json()).toMatchObject({ user: { pk: bob.id } });
    });

    it("POST /auth/token/refresh/ answers with the token owner's session only", async () => {
      const response = await call('POST', '/auth/token/refresh/', undefined, { refresh: bob.refresh });
      expect(response.statusCode).toBe(200);
      const access = response.json<{ access: string }>().access;
      const me = await testApp.app.inject({ method: 'GET', url: '/auth/user/', headers: { authorization: `Bearer ${access}` } });
      expect(me.json()).toMatchObject({ pk: bob.id });
    });

    it("POST /auth/password/reset/confirm/ cannot use one person's uid with made-up tokens", async () => {
      const uid = Buffer.from(String(bob.id)).toString('base64url');
      const response = await call('POST', '/auth/password/reset/confirm/', undefined, { uid, token: 'guess', new_password1: 'Lantern-new-pass-9', new_password2: 'Lantern-new-pass-9' });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ token: ['Invalid value'] });
      expect((await call('POST', '/auth/login/', undefined, { username: bob.username, password: bob.password })).statusCode).toBe(200);
    });
  });
}
