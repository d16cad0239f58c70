import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, newPerson, registerPerson } from '../../../../test/support/browser.js';
import { TEST_SECRET_KEY, createTestApp, storageTargets, type TestApp } from '../../../../test/support/harness.js';
import { TokenSigner } from './tokens.js';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

for (const target of storageTargets()) {
  describe.runIf(target.available)(`token and CSRF attacks on ${target.name}`, () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await createTestApp(target.name);
    });
    afterAll(async () => testApp.close());

    const me = (authorization: string) => testApp.app.inject({ method: 'GET', url: '/auth/user/', headers: { authorization } });

    it('accepts a genuine access token, as a baseline for the attacks below', async () => {
      const person = await registerPerson(testApp.app);
      const response = await me(`Bearer ${person.access}`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ pk: person.id });
    });

    it('refuses an unsigned token (alg: none)', async () => {
      const person = await registerPerson(testApp.app);
      const claims = decodeJwt(person.access);
      const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
      const response = await me(`Bearer ${unsigned}`);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ detail: 'Token is invalid.', code: 'token_not_valid' });
    });

    it('refuses a token signed with another key', async () => {
      const person = await registerPerson(testApp.app);
      const claims = decodeJwt(person.access);
      const forged = new TokenSigner('a-different-secret-key-of-enough-length-to-sign').issue('access', person.id, String(claims.fam));
      const response = await me(`Bearer ${forged.token}`);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ detail: 'Token is invalid.', code: 'token_not_valid' });
    });

    it('refuses an expired token', async () => {
      const person = await registerPerson(testApp.app);
      const claims = decodeJwt(person.access);
      const expired = new TokenSigner(TEST_SECRET_KEY).issue('access', person.id, String(claims.fam), new Date(Date.now() - 46 * 60 * 1000));
      const response = await me(`Bearer ${expired.token}`);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ detail: 'Token is expired.', code: 'token_not_valid' });
    });

    it('refuses a refresh token used as an access token', async () => {
      const person = await registerPerson(testApp.app);
      const response = await me(`Bearer ${person.refresh}`);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ detail: 'Token has wrong type: expected an access token.', code: 'token_not_valid' });
    });

    it('refuses an access token sent to the refresh endpoint', async () => {
      const person = await registerPerson(testApp.app);
      const response = await testApp.app.inject({ method: 'POST', url: '/auth/token/refresh/', payload: { refresh: person.access } });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'token_not_valid' });
    });

    it('rotates refresh tokens, and a reused one ends the whole sign-in', async () => {
      const person = await registerPerson(testApp.app);
      const refresh = (token: string) => testApp.app.inject({ method: 'POST', url: '/auth/token/refresh/', payload: { refresh: token } });

      const first = await refresh(person.refresh);
      expect(first.statusCode).toBe(200);
      const rotated = first.json<{ access: string; refresh: string }>();
      expect(rotated.refresh).not.toBe(person.refresh);
      expect((await me(`Bearer ${rotated.access}`)).statusCode).toBe(200);

      // The old refresh token, replayed (by a thief, say): refused, and the family is revoked.
      const replay = await refresh(person.refresh);
      expect(replay.statusCode).toBe(401);
      expect(replay.json()).toEqual({ detail: 'Token has already been used; this sign-in has been ended.', code: 'token_not_valid' });
      // Everything the family issued is dead now, including what the legitimate client holds.
      expect((await refresh(rotated.refresh)).statusCode).toBe(401);
      expect((await me(`Bearer ${rotated.access}`)).statusCode).toBe(401);
      expect((await me(`Bearer ${person.access}`)).statusCode).toBe(401);
      // Another sign-in of the same person is untouched.
      const login = await testApp.app.inject({ method: 'POST', url: '/auth/login/', payload: { username: person.username, password: person.password } });
      expect((await me(`Bearer ${login.json<{ access: string }>().access}`)).statusCode).toBe(200);
    });

    it('refreshes from the refresh-token cookie, with the CSRF header', async () => {
      const browser = new Browser(testApp.app);
      const person = newPerson('cookie');
      await browser.signUp(person);
      const before = browser.cookies.get('refresh-token');
      const response = await browser.post('/auth/token/refresh/', {});
      expect(response.statusCode).toBe(200);
      expect(browser.cookies.get('refresh-token')).not.toBe(before);
      expect((await browser.get('/auth/user/')).statusCode).toBe(200);
    });

    it('verifies live tokens and refuses revoked ones', async () => {
      const person = await registerPerson(testApp.app);
      const verify = (token: string) => testApp.app.inject({ method: 'POST', url: '/auth/token/verify/', payload: { token } });
      expect((await verify(person.access)).statusCode).toBe(200);
      expect((await verify(person.refresh)).statusCode).toBe(200);
      expect((await verify('not.a.token')).json()).toEqual({ detail: 'Token is invalid.', code: 'token_not_valid' });
      await testApp.app.inject({ method: 'POST', url: '/auth/logout/', headers: person.auth, payload: {} });
      const revoked = await verify(person.access);
      expect(revoked.statusCode).toBe(401);
      expect(revoked.json()).toEqual({ detail: 'Token has been revoked.', code: 'token_not_valid' });
    });

    describe('CSRF', () => {
      async function signedInBrowser(sendCsrfHeader: boolean): Promise<Browser> {
        const setup = new Browser(testApp.app);
        const person = newPerson('csrf');
        await setup.signUp(person);
        const browser = new Browser(testApp.app, { sendCsrfHeader });
        for (const [name, value] of setup.cookies) browser.cookies.set(name, value);
        return browser;
      }

      it('refuses a cookie-authenticated change without the X-CSRFToken header', async () => {
        const browser = await signedInBrowser(false);
        const response = await browser.patch('/auth/user/', { first_name: 'Mallory' });
        expect(response.statusCode).toBe(403);
        expect(response.json()).toEqual({ detail: 'CSRF Failed: CSRF token missing.', code: 'csrf_failed' });
        expect((await browser.get('/auth/user/')).json()).toMatchObject({ first_name: '' });
      });

      it('refuses a cookie-authenticated change whose header does not match the cookie', async () => {
        const browser = await signedInBrowser(false);
        const response = await browser.request('PATCH', '/auth/user/', { first_name: 'Mallory' }, { 'x-csrftoken': 'x'.repeat(43) });
        expect(response.statusCode).toBe(403);
        expect(response.json()).toEqual({ detail: 'CSRF Failed: CSRF token incorrect.', code: 'csrf_failed' });
      });

      it('refuses a cookie-authenticated change when the csrftoken cookie is missing', async () => {
        const browser = await signedInBrowser(false);
        const token = browser.cookies.get('csrftoken') as string;
        browser.cookies.delete('csrftoken');
        const response = await browser.request('PATCH', '/auth/user/', { first_name: 'Mallory' }, { 'x-csrftoken': token });
        expect(response.statusCode).toBe(403);
        expect(response.json()).toEqual({ detail: 'CSRF Failed: CSRF cookie not set.', code: 'csrf_failed' });
      });

      it('refuses a logout driven by another site through the refresh cookie', async () => {
        const browser = await signedInBrowser(false);
        browser.cookies.delete('access-token');
        const response = await browser.post('/auth/logout/', {});
        expect(response.statusCode).toBe(403);
        expect(response.json()).toMatchObject({ code: 'csrf_failed' });
      });

      it('lets bearer-authenticated requests through without any CSRF token', async () => {
        const person = await registerPerson(testApp.app);
        const response = await testApp.app.inject({ method: 'PATCH', url: '/auth/user/', headers: person.auth, payload: { first_name: 'Bea' } });
        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({ first_name: 'Bea' });
      });
    });

    describe('login lockout', () => {
      const login = (username: string, password: string, remoteAddress: string) =>
        testApp.app.inject({ method: 'POST', url: '/auth/login/', payload: { username, password }, remoteAddress });

      it('answers a wrong password and an unknown account the same way', async () => {
        const person = await registerPerson(testApp.app);
        const wrong = await login(person.username, 'not-the-password', '10.9.0.1');
        const unknown = await login(`nobody-${person.username}`, 'not-the-password', '10.9.0.1');
        expect(wrong.statusCode).toBe(400);
        expect(unknown.statusCode).toBe(400);
        expect(wrong.json()).toEqual({ non_field_errors: ['Unable to log in with provided credentials.'] });
        expect(unknown.json()).toEqual(wrong.json());
      });

      it('locks an account after five failures, even for the right password, and tells when to retry', async () => {
        const person = await registerPerson(testApp.app);
        for (let attempt = 1; attempt <= 5; attempt++) {
          expect((await login(person.username, `wrong-${attempt}`, '10.9.1.1')).statusCode).toBe(400);
        }
        const locked = await login(person.username, person.password, '10.9.1.2');
        expect(locked.statusCode).toBe(429);
        expect(locked.json()).toMatchObject({ code: 'throttled', error: 'rate_limit_exceeded', scope: 'login' });
        expect(locked.json<{ detail: string }>().detail).toMatch(/^Too many failed login attempts\. Try again in \d+ seconds\.$/);
        const retryAfter = Number(locked.headers['retry-after']);
        expect(retryAfter).toBeGreaterThan(800);
        expect(retryAfter).toBeLessThanOrEqual(900);
        // The lock is on the account name, whatever its case.
        expect((await login(person.username.toUpperCase(), person.password, '10.9.1.3')).statusCode).toBe(429);
        // Others are not affected.
        const other = await registerPerson(testApp.app);
        expect((await login(other.username, other.password, '10.9.1.1')).statusCode).toBe(200);
      });

      it('locks an address that tries many accounts', async () => {
        const person = await registerPerson(testApp.app);
        for (let attempt = 1; attempt <= 30; attempt++) {
          expect((await login(`guess${attempt}`, 'password-guess', '10.9.2.1')).statusCode).toBe(400);
        }
        const locked = await login(person.username, person.password, '10.9.2.1');
        expect(locked.statusCode).toBe(429);
        expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
        expect((await login(person.username, person.password, '10.9.2.2')).statusCode).toBe(200);
      });

      it('counts the account, not what was typed: after five failures by username, its e-mail is refused too', async () => {
        const person = await registerPerson(testApp.app);
        for (let attempt = 1; attempt <= 5; attempt++) {
          expect((await login(person.username, `wrong-${attempt}`, `10.9.3.${attempt}`)).statusCode).toBe(400);
        }
        const byEmail = await login(person.email, person.password, '10.9.3.9');
        expect(byEmail.statusCode).toBe(429);
        expect(Number(byEmail.headers['retry-after'])).toBeGreaterThan(0);
        const byEmailField = await testApp.app.inject({ method: 'POST', url: '/auth/login/', payload: { email: person.email.toUpperCase(), password: person.password }, remoteAddress: '10.9.3.10' });
        expect(byEmailField.statusCode).toBe(429);
      });

      it('forgives an account its failures once the right password is given', async () => {
        const person = await registerPerson(testApp.app);
        for (let round = 1; round <= 2; round++) {
          for (let attempt = 1; attempt <= 4; attempt++) expect((await login(person.username, 'wrong', '10.9.4.1')).statusCode).toBe(400);
          expect((await login(person.username, person.password, '10.9.4.1')).statusCode).toBe(200);
        }
      });

      it('checks at most five of sixty parallel guesses on one account from sixty addresses, the right one included', async () => {
        const person = await registerPerson(testApp.app);
        const guesses = Array.from({ length: 60 }, (_, index) => (index === 59 ? person.password : `guess-${index}`));
        const responses = await Promise.all(guesses.map((guess, index) => login(person.username, guess, `10.9.5.${index + 1}`)));
        const checked = responses.filter((response) => response.statusCode !== 429);
        expect(checked.length).toBeLessThanOrEqual(5);
        expect(responses.filter((response) => response.statusCode === 429).length).toBeGreaterThanOrEqual(55);
        // Whether the right guess came among the first five is chance; past them, it is refused unchecked.
        if (responses[59]?.statusCode !== 200) expect(responses[59]?.statusCode).toBe(429);
      });

      it('checks at most thirty of eighty parallel logins from one address', async () => {
        const responses = await Promise.all(Array.from({ length: 80 }, (_, index) => login(`parallel-guess-${index}`, 'password-guess', '10.9.6.1')));
        const checked = responses.filter((response) => response.statusCode !== 429);
        expect(checked.length).toBeLessThanOrEqual(30);
        expect(checked.every((response) => response.statusCode === 400)).toBe(true);
      });
    });
  });
}
