import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, WEB_CLIENT_ORIGIN, newPerson } from '../../../../test/support/browser.js';
import { createTestApp, storageTargets, type TestApp } from '../../../../test/support/harness.js';

// The upstream web client's own sequence of calls (reference §8), as a browser makes them.
for (const target of storageTargets()) {
  describe.runIf(target.available)(`the web client's session on ${target.name}`, () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await createTestApp(target.name);
    });
    afterAll(async () => testApp.close());

    it('signs up, signs in, edits the profile, changes the password and signs out', async () => {
      const browser = new Browser(testApp.app);
      const person = newPerson('client');

      // 1. CsrfProvider on load.
      const csrf = await browser.get('/auth/csrf-token/');
      expect(csrf.statusCode).toBe(200);
      const csrfCookie = csrf.cookies.find((cookie) => cookie.name === 'csrftoken');
      expect(csrf.json()).toEqual({ csrfToken: csrfCookie?.value });
      expect(csrfCookie).toMatchObject({ sameSite: 'Lax', path: '/' });
      expect(csrfCookie?.httpOnly).toBeFalsy(); // the client reads it from document.cookie
      // Asking again keeps the same token (the client may call it on every page).
      expect((await browser.get('/auth/csrf-token/')).json()).toEqual({ csrfToken: csrfCookie?.value });

      // The browser lets the page read these answers: the client's origin is allowed, with credentials.
      expect(csrf.headers['access-control-allow-origin']).toBe(WEB_CLIENT_ORIGIN);
      expect(csrf.headers['access-control-allow-credentials']).toBe('true');

      // 2. Not signed in yet.
      const anonymous = await browser.get('/auth/user/');
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json()).toEqual({ detail: 'Authentication credentials were not provided.', code: 'not_authenticated' });
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');

      // 3. Sign-up page.
      const registration = await browser.post('/auth/registration/', {
        username: person.username,
        email: person.email,
        password1: person.password,
        password2: person.password,
      });
      expect(registration.statusCode).toBe(201);
      const registered = registration.json<{ access: string; refresh: string; access_expiration: string; refresh_expiration: string; user: Record<string, unknown> }>();
      expect(registered.user).toMatchObject({ username: person.username, email: person.email, plan: { name: 'Free', is_current: true } });
      const minutes = (iso: string) => (new Date(iso).getTime() - Date.now()) / 60_000;
      expect(minutes(registered.access_expiration)).toBeGreaterThan(44);
      expect(minutes(registered.access_expiration)).toBeLessThanOrEqual(45);
      expect(minutes(registered.refresh_expiration) / 60 / 24).toBeCloseTo(7, 1);
      for (const name of ['access-token', 'refresh-token']) {
        const cookie = registration.cookies.find((candidate) => candidate.name === name);
        expect(cookie, name).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
        expect(cookie?.secure).toBeUndefined(); // plain http here; https requests get Secure
      }

      // 4. The client signs in again right after registering.
      const login = await browser.post('/auth/login/', { username: person.username, password: person.password });
      expect(login.statusCode).toBe(200);
      expect(login.json()).toMatchObject({ user: { username: person.username } });

      // 5. checkAuth.
      const me = await browser.get('/auth/user/');
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({
        pk: registered.user.pk,
        username: person.username,
        email: person.email,
        first_name: '',
        last_name: '',
        date_of_birth: null,
        plan: { name: 'Free', monthly_price: { amount: 0, currency: 'USD', interval: null }, is_current: true },
        stripe_subscription_id: null,
        stripe_customer_id: null,
        subscription_renewal_date: null,
        subscription_interval: null,
      });

      // 6. Profile edit: the client sends fields the API does not have, and tries read-only ones.
      const edited = await browser.patch('/auth/user/', {
        email: `New.${person.email.toUpperCase()}`,
        first_name: 'Ada',
        last_name: 'Lovelace',
        phone_number: '+44 20 7946 0000',
        address: '12 Example Street',
        date_of_birth: '1990-01-31',
        pk: 999_999,
        stripe_customer_id: 'cus_forged',
      });
      expect(edited.statusCode).toBe(200);
      const editedBody = edited.json<Record<string, unknown>>();
      expect(editedBody).toMatchObject({
        pk: registered.user.pk,
        email: `new.${person.email}`,
        first_name: 'Ada',
        last_name: 'Lovelace',
        date_of_birth: '1990-01-31',
        stripe_customer_id: null,
      });
      expect(editedBody).not.toHaveProperty('phone_number');
      // The client turns an emptied date into null.
      expect((await browser.patch('/auth/user/', { date_of_birth: null })).json()).toMatchObject({ date_of_birth: null });

      // 7. Password change, as the profile page sends it (no old password: the sign-in is fresh).
      const newPassword = `${person.password}-renewed`;
      const change = await browser.post('/auth/password/change/', { new_password1: newPassword, new_password2: newPassword });
      expect(change.statusCode).toBe(200);
      expect(change.json()).toEqual({ detail: 'New password has been saved.' });

      // 8. Logout dialog.
      const logout = await browser.post('/auth/logout/', {});
      expect(logout.statusCode).toBe(200);
      expect(logout.json()).toEqual({ detail: 'Successfully logged out.' });
      expect(browser.cookies.has('access-token')).toBe(false);
      expect(browser.cookies.has('refresh-token')).toBe(false);

      // 9. Signed out.
      const after = await browser.get('/auth/user/');
      expect(after.statusCode).toBe(401);
      expect(after.json()).toMatchObject({ code: 'not_authenticated' });

      // The new password works, the old one does not.
      expect((await browser.post('/auth/login/', { username: person.username, password: person.password })).statusCode).toBe(400);
      expect((await browser.post('/auth/login/', { username: `new.${person.email}`, password: newPassword })).statusCode).toBe(200);
    });

    it('ends the sign-in for a token stolen before logout, not just the cookies', async () => {
      const browser = new Browser(testApp.app);
      const person = newPerson('stolen');
      await browser.signUp(person);
      const stolenAccess = browser.cookies.get('access-token');
      expect(stolenAccess).toBeDefined();
      expect((await browser.post('/auth/logout/', {})).statusCode).toBe(200);
      const replay = await testApp.app.inject({ method: 'GET', url: '/auth/user/', headers: { authorization: `Bearer ${stolenAccess}` } });
      expect(replay.statusCode).toBe(401);
      expect(replay.json()).toEqual({ detail: 'Token has been revoked.', code: 'token_not_valid' });
    });
  });
}
